/// The `filename` parameter of Content-Disposition: a quoted ASCII name when the name is plain
/// ASCII, otherwise RFC 2231 (`filename*=utf-8''%C3%A9t%C3%A9.pdf`, split into `filename*0*`,
/// `filename*1*`... when long) followed by an ASCII fallback for clients that ignore RFC 2231.
/// The encoded form comes first: parsers that take the first `filename` they meet (Python's
/// email package does) then get the real name, and old clients skip what they do not know.
enum FilenameParameter {
    /// RFC 2231 attribute-char: ASCII printable except space, `*'%` and tspecials.
    static func isAttributeChar(_ byte: UInt8) -> Bool {
        guard byte > 32 && byte < 127 else { return false }
        return !"*'%()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }

    /// The Content-Disposition tokens after the disposition type.
    static func tokens(for filename: String) -> [String] {
        let plain = filename.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && filename.utf8.count <= 60
        if plain { return [quoted("filename", filename)] }
        var encoded = ""
        for byte in filename.utf8 {
            if isAttributeChar(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        var tokens: [String] = []
        // Each section on its own line: " filename*0*=utf-8''" is 19 columns; keep lines ≤ 78.
        let sectionLength = 54
        if encoded.utf8.count + 20 <= 78 {
            tokens.append("filename*=utf-8''" + encoded + ";")
        } else {
            var sections: [String] = []
            var current = ""
            for character in encoded {
                // Never split a %XX escape between sections.
                if current.utf8.count >= sectionLength && !current.hasSuffix("%") && !(current.count >= 2 && current.dropLast().hasSuffix("%")) {
                    sections.append(current)
                    current = ""
                }
                current.append(character)
            }
            if !current.isEmpty { sections.append(current) }
            for (index, section) in sections.enumerated() {
                let prefix = index == 0 ? "filename*0*=utf-8''" : "filename*\(index)*="
                tokens.append(prefix + section + ";")
            }
        }
        tokens.append(quoted("filename", asciiFallback(filename)))
        return tokens
    }

    /// The name for clients that ignore RFC 2231: non-ASCII and control characters become "_",
    /// quotes and backslashes are dropped, the extension kept.
    static func asciiFallback(_ filename: String) -> String {
        var result = ""
        for scalar in filename.unicodeScalars {
            if scalar.isASCII && scalar.value >= 32 && scalar.value != 127 {
                if scalar != "\"" && scalar != "\\" { result.unicodeScalars.append(scalar) }
            } else {
                result += "_"
            }
        }
        if result.utf8.count > 60 {
            let ext = AttachmentPolicy.fileExtension(of: result)
            result = String(result.prefix(60 - ext.count - 1)) + (ext.isEmpty ? "" : "." + ext)
        }
        return result.isEmpty ? "attachment" : result
    }

    static func quoted(_ name: String, _ value: String) -> String {
        var escaped = ""
        for character in value {
            if character == "\"" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "\(name)=\"\(escaped)\""
    }
}
