/// A file name as a MIME parameter — Content-Type's `name` and Content-Disposition's
/// `filename`, both written the same way so every reader sees one name (ripmime, for one,
/// takes each from a different header): a quoted ASCII name when the name is plain ASCII,
/// otherwise RFC 2231 (`filename*=utf-8''%C3%A9t%C3%A9.pdf`, split into `filename*0*`,
/// `filename*1*`... when long) followed by an ASCII fallback for clients that ignore RFC 2231.
/// The encoded form comes first: parsers that take the first `filename` they meet (Python's
/// email package does) then get the real name, and old clients skip what they do not know.
///
/// A name holding "=?" is never written inside quotes: many readers decode encoded-words even
/// there, so `=?utf-8?b?ZXZpbC5leGU=?=` would show as another name. It takes the RFC 2231
/// form (where "=" and "?" are percent-encoded), and its fallback has "=?" broken as "=_".
enum FilenameParameter {
    /// RFC 2231 attribute-char: ASCII printable except space, `*'%` and tspecials.
    static func isAttributeChar(_ byte: UInt8) -> Bool {
        guard byte > 32 && byte < 127 else { return false }
        return !"*'%()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }

    /// The parameter tokens for `attribute` (`name` or `filename`), without the `;` separators.
    static func parameters(_ attribute: String, _ filename: String) -> [String] {
        let plain = filename.utf8.allSatisfy { $0 >= 32 && $0 < 127 } && filename.utf8.count <= 60 && !filename.contains("=?")
        if plain { return [quoted(attribute, filename)] }
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
        if encoded.utf8.count + attribute.utf8.count + 12 <= HeaderWriter.foldWidth {
            tokens.append(attribute + "*=utf-8''" + encoded)
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
                tokens.append(index == 0 ? "\(attribute)*0*=utf-8''" + section : "\(attribute)*\(index)*=" + section)
            }
        }
        tokens.append(quoted(attribute, asciiFallback(filename)))
        return tokens
    }

    /// The name for clients that ignore RFC 2231: non-ASCII and control characters become "_",
    /// quotes and backslashes are dropped, "=?" is broken as "=_" (it would read as the start of
    /// an encoded-word), the extension kept.
    static func asciiFallback(_ filename: String) -> String {
        var result = ""
        for scalar in filename.unicodeScalars {
            if scalar.isASCII && scalar.value >= 32 && scalar.value != 127 {
                if scalar != "\"" && scalar != "\\" { result.unicodeScalars.append(scalar) }
            } else {
                result += "_"
            }
        }
        result = result.replacingOccurrences(of: "=?", with: "=_")
        if result.utf8.count > 60 {
            // Keep a short extension (it says what the file is); a long "extension" is just text.
            let ext = AttachmentPolicy.fileExtension(of: result)
            let kept = ext.isEmpty || ext.utf8.count > 16 ? "" : "." + ext
            result = String(result.prefix(60 - kept.utf8.count)) + kept
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
