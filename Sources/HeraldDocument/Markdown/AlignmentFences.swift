import CHeraldMarkdown

/// The `::: center` … `:::` alignment blocks of Herald's Markdown.
///
/// cmark-gfm has no container syntax for them, so before parsing each fence line is replaced by
/// an HTML comment line that cmark keeps as an HTML block at the top level (an HTML comment
/// starts a block even in the middle of a paragraph). The reader then recognises those blocks
/// by their marker, which is chosen so that it occurs nowhere in the input: an author cannot
/// forge a fence by typing the comment. Lines keep their numbers, fenced code is left alone, and
/// a closing `:::` with no open fence stays text.
struct AlignmentFences {
    enum Marker: Equatable {
        case open(Alignment)
        case close
    }

    /// The unique prefix of this input's marker comments.
    let prefix: String

    init(for input: [UInt8]) {
        var counter = 0
        var candidate = "herald-align-0"
        while input.contains(subsequence: Array(candidate.utf8)) {
            counter += 1
            candidate = "herald-align-\(counter)"
        }
        prefix = candidate
    }

    /// The input with every fence line replaced by a marker comment.
    func rewrite(_ input: [UInt8]) -> [UInt8] {
        guard input.contains(subsequence: Array(":::".utf8)) else { return input }
        var output: [UInt8] = []
        // A marker comment is at most about 40 bytes longer than the fence line it replaces.
        output.reserveCapacity(input.count + 40 * Self.fenceLineCount(input) + 64)
        var openFences = 0
        var codeFence: (char: UInt8, length: Int)? = nil
        var lineStart = 0
        while lineStart < input.count {
            var lineEnd = lineStart
            while lineEnd < input.count, input[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = input[lineStart..<lineEnd]
            var replacement: [UInt8]? = nil

            if let fence = Self.codeFence(in: line) {
                if let open = codeFence {
                    if fence.char == open.char, fence.length >= open.length, fence.infoIsEmpty { codeFence = nil }
                } else {
                    codeFence = (fence.char, fence.length)
                }
            } else if codeFence == nil, let marker = Self.marker(in: line) {
                switch marker {
                case .open(let alignment):
                    openFences += 1
                    replacement = Array("<!-- \(prefix) \(alignment.rawValue) -->".utf8)
                case .close where openFences > 0:
                    openFences -= 1
                    replacement = Array("<!-- \(prefix) end -->".utf8)
                case .close:
                    break
                }
            }
            if let replacement {
                output.append(contentsOf: replacement)
            } else {
                output.append(contentsOf: line)
            }
            if lineEnd < input.count { output.append(UInt8(ascii: "\n")) }
            lineStart = lineEnd + 1
        }
        return output
    }

    /// How many lines could be fences: lines holding `:::`.
    private static func fenceLineCount(_ input: [UInt8]) -> Int {
        var count = 0
        var index = 0
        while index + 2 < input.count {
            if input[index] == UInt8(ascii: ":"), input[index + 1] == UInt8(ascii: ":"), input[index + 2] == UInt8(ascii: ":") {
                count += 1
                // The rest of the line is the same line.
                while index < input.count, input[index] != UInt8(ascii: "\n") { index += 1 }
            }
            index += 1
        }
        return count
    }

    /// The marker an HTML block literal stands for, if it is one of ours.
    func marker(inHTMLBlock literal: String) -> Marker? {
        guard literal.utf8.starts(with: "<!-- herald-align-".utf8) else { return nil }
        let trimmed = literal.trimmingASCIIWhitespace()
        let head = "<!-- \(prefix) "
        guard trimmed.hasPrefix(head), trimmed.hasSuffix(" -->") else { return nil }
        let word = trimmed.dropFirst(head.count).dropLast(4)
        if word == "end" { return .close }
        return Alignment(rawValue: String(word)).map(Marker.open)
    }

    /// Whether one of this input's marker lines is inside `literal` (an HTML block that ran on
    /// over a fence line).
    func containsMarker(_ literal: String) -> Bool {
        Array(literal.utf8).contains(subsequence: Array("<!-- \(prefix) ".utf8))
    }

    /// `::: center` (any case, up to three spaces of indentation) or a bare `:::`.
    static func marker(in line: ArraySlice<UInt8>) -> Marker? {
        // Most lines are not fences: decide that without making a String.
        guard let first = line.firstIndex(where: { $0 != UInt8(ascii: " ") }), line[first] == UInt8(ascii: ":") else { return nil }
        var text = Substring(decoding: line, as: UTF8.self)
        if text.hasSuffix("\r") { text = text.dropLast() }
        let indentation = text.prefix { $0 == " " }.count
        guard indentation <= 3 else { return nil }
        text = text.dropFirst(indentation)
        guard text.hasPrefix(":::") else { return nil }
        let word = text.dropFirst(3).trimming(" \t").lowercased()
        if word.isEmpty { return .close }
        return Alignment(rawValue: word).map(Marker.open)
    }

    /// A CommonMark code fence line: up to three spaces, then three or more backticks or tildes.
    static func codeFence(in line: ArraySlice<UInt8>) -> (char: UInt8, length: Int, infoIsEmpty: Bool)? {
        var index = line.startIndex
        var spaces = 0
        while index < line.endIndex, line[index] == UInt8(ascii: " ") { spaces += 1; index += 1 }
        guard spaces <= 3, index < line.endIndex else { return nil }
        let char = line[index]
        guard char == UInt8(ascii: "`") || char == UInt8(ascii: "~") else { return nil }
        var length = 0
        while index < line.endIndex, line[index] == char { length += 1; index += 1 }
        guard length >= 3 else { return nil }
        let info = line[index...].filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
        // A backtick fence's info string may not contain backticks.
        if char == UInt8(ascii: "`"), info.contains(UInt8(ascii: "`")) { return nil }
        return (char, length, info.isEmpty)
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        trimming(" \t\r\n")
    }

    func trimming(_ set: String) -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, set.unicodeScalars.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.unicodeScalars.contains(last) { scalars.removeLast() }
        return String(Substring(scalars))
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the bytes (libc's memmem: linear, and vectorized).
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        return withUnsafeBytes { haystack in
            needle.withUnsafeBytes { needleBytes in
                herald_bytes_contain(haystack.baseAddress, haystack.count, needleBytes.baseAddress, needleBytes.count) != 0
            }
        }
    }
}

extension AlignmentFences {
    /// Puts back the fence lines that cmark swallowed into a raw HTML block (a fence typed right
    /// after `<div>`, say), so the text the author wrote is what shows.
    func restoreFenceLines(in literal: String) -> String {
        guard Array(literal.utf8).contains(subsequence: Array(prefix.utf8)) else { return literal }
        var result = literal
        for alignment in Alignment.allCases {
            result = result.replacingAll("<!-- \(prefix) \(alignment.rawValue) -->", with: "::: \(alignment.rawValue)")
        }
        return result.replacingAll("<!-- \(prefix) end -->", with: ":::")
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

extension Substring {
    /// The first occurrence of `target` (no Foundation in this module).
    func range(of target: String) -> Range<Index>? {
        guard let first = target.first else { return nil }
        var index = startIndex
        while let found = self[index...].firstIndex(of: first) {
            if self[found...].hasPrefix(target) {
                return found..<(self.index(found, offsetBy: target.count))
            }
            index = self.index(after: found)
        }
        return nil
    }
}
