import Foundation
import FuzzSupport

/// A written header section, checked line by line and split into unfolded fields.
struct HeaderFields {
    /// Field name and unfolded value (what follows the colon, its leading space included).
    var fields: [(name: String, value: String)] = []

    init(_ block: [UInt8], checkLengths: Bool = true) {
        let lines = MessageLines.split(block, what: "the header section")
        if checkLengths { MessageLines.requireLengths(lines, what: "the header section") }
        for line in lines {
            let text = String(decoding: line, as: UTF8.self)
            require(line.contains { $0 != 0x20 && $0 != 0x09 }, "the header section holds a line of white space only (\(line.count) octets)")
            if line.first == 0x20 || line.first == 0x09 {
                require(!fields.isEmpty, "the header section starts with a continuation line: \(visible(text))")
                fields[fields.count - 1].value += text
            } else {
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                    fatalError("property violated: a header line is neither a field nor a continuation: \(visible(text))")
                }
                let name = line[line.startIndex..<colon]
                require(!name.isEmpty && name.allSatisfy { $0 > 32 && $0 < 127 }, "a header line starts with a bad field name: \(visible(text))")
                fields.append((String(decoding: name, as: UTF8.self), String(decoding: line[(colon + 1)...], as: UTF8.self)))
            }
        }
    }

    func value(of name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Unstructured text (a subject, a custom header): ASCII words as written, or encoded-words
    /// only, which decode to the text.
    func requireValue(_ name: String, reads expected: String) {
        guard let written = value(of: name) else { fatalError("property violated: no \(name) field was written") }
        require(written.hasPrefix(" "), "\(name):\(visible(written)) has no space after the colon")
        let value = String(written.dropFirst())
        if let decoded = EncodedWords.decode(value) {
            require(decoded == expected, "\(name) \(visible(expected)) was written as \(visible(value)), which decodes to \(visible(decoded))")
        } else {
            require(value == expected, "\(name) \(visible(expected)) was written as \(visible(value))")
        }
    }

    /// A display name before `<addr>`: atoms (runs of spaces read as one), one quoted string,
    /// or encoded-words.
    func requirePhrase(_ written: String, reads expected: String) {
        guard let angle = written.range(of: " <", options: .backwards) else {
            fatalError("property violated: From:\(visible(written)) has no <address>")
        }
        let phrase = String(written[written.index(after: written.startIndex)..<angle.lowerBound])
        let reads: String
        if let decoded = EncodedWords.decode(phrase) {
            reads = decoded
        } else if phrase.hasPrefix("\"") {
            reads = unquoted(phrase)
        } else {
            reads = phrase
            require(phrase == expected.split(separator: " ").joined(separator: " "),
                    "the display name \(visible(expected)) was written as \(visible(phrase))")
            return
        }
        require(reads == expected, "the display name \(visible(expected)) was written as \(visible(phrase)), which reads \(visible(reads))")
    }

    private func unquoted(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var escaped = false
        for scalar in text.unicodeScalars.dropFirst().dropLast() {
            if !escaped && scalar == "\\" {
                escaped = true
            } else {
                result.append(scalar)
                escaped = false
            }
        }
        return String(result)
    }
}

/// RFC 2047 "B" encoded-words as Herald writes them: `=?UTF-8?B?...?=`, at most 75 characters
/// each, each decoding to whole UTF-8 characters.
enum EncodedWords {
    /// The text of a value made only of encoded-words separated by spaces; nil when the value
    /// is not such a sequence. Violations of the word rules crash.
    static func decode(_ value: String) -> String? {
        let words = value.split(separator: " ", omittingEmptySubsequences: false)
        guard !words.isEmpty, words.allSatisfy({ $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }) else { return nil }
        var bytes: [UInt8] = []
        for word in words {
            require(word.utf8.count <= 75, "the encoded-word \(word) is \(word.utf8.count) characters long")
            let payload = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            guard let data = Data(base64Encoded: String(payload)) else {
                fatalError("property violated: the encoded-word \(word) is not base64")
            }
            require(String(validating: Array(data), as: UTF8.self) != nil, "the encoded-word \(word) splits a UTF-8 character")
            bytes += data
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
