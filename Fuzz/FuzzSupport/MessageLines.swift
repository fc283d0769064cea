/// Line rules of RFC 5322 §2.1.1 and §2.2, checked on written bytes: line breaks are CRLF (no
/// CR or LF on its own; the last line may be unterminated) and no line holds more than 998
/// octets.
public enum MessageLines {
    public static let maximumLength = 998

    /// Both rules; violations crash with `what` in the message.
    public static func check(_ bytes: [UInt8], what: String) {
        requireLengths(split(bytes, what: what), what: what)
    }

    /// The lines of `bytes` without their CRLF, after checking that every CR and LF is a pair.
    public static func split(_ bytes: [UInt8], what: String) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                require(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "\(what) holds a bare CR at byte \(index) (line \(lines.count + 1))")
                lines.append(bytes[start..<index])
                index += 2
                start = index
                continue
            }
            require(byte != 0x0A, "\(what) holds a bare LF at byte \(index) (line \(lines.count + 1))")
            index += 1
        }
        // A last line without CRLF is still a line (the SMTP client ends the data with one).
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    public static func requireLengths(_ lines: [ArraySlice<UInt8>], what: String) {
        for (number, line) in lines.enumerated() {
            require(line.count <= maximumLength, "\(what): line \(number + 1) is \(line.count) octets long: \(visible(String(decoding: line.prefix(120), as: UTF8.self)))")
        }
    }

    /// How many times `needle` occurs in `haystack` (overlapping matches counted).
    public static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard let first = needle.first, needle.count <= haystack.count else { return 0 }
        var count = 0
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { count += 1 }
            index += 1
        }
        return count
    }
}
