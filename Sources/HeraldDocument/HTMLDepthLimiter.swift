/// Keeps libxml2's HTML parser linear on hostile input.
///
/// libxml2 2.9's HTML parser looks for the element an end tag closes by scanning its stack of
/// open elements from the top, and an end tag that matches nothing (or is blocked by a table
/// cell or `div` above it) costs a scan of the whole stack. Input that keeps elements open
/// (`<td>` outside a table, unclosed `<span>`s) and adds stray end tags is therefore quadratic:
/// one megabyte of such tags took seconds, ten would take minutes. Before parsing, this pass
/// tokenizes the tags (not a full HTML tokenizer: comments, quoted attributes, `script` and
/// `style` content are skipped, which is all that decides where a tag is) and:
///
/// - removes end tags whose element was never opened (libxml2 would ignore them anyway);
/// - once more than `maximumOpen` elements are open by its count, removes further start tags
///   (and their end tags) until the count falls again. Their text stays where it was; only
///   markup nested deeper than any editor writes is lost (the reader flattens beyond 48
///   levels regardless).
///
/// Its count is an approximation of libxml2's stack (libxml2 also closes elements implicitly),
/// so it bounds the stack in the cases that matter rather than emulating it; the benchmark's
/// linearity check covers flat, deep, misnested and stray-tag input. Documents within the
/// limit and without stray end tags pass through byte for byte.
enum HTMLDepthLimiter {
    static let maximumOpen = 512

    /// Elements libxml2's HTML 4 tables declare empty, so a start tag opens nothing. (HTML5's
    /// `embed`, `source`, `wbr`... are containers to libxml2: counting them open is the safe
    /// error, since removing their end tag would change what they hold.)
    private static let voidElements: Set<String> = [
        "area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex", "link", "meta", "param",
    ]
    /// libxml2 places these itself and ignores misplaced ones: never counted, never removed.
    private static let structural: Set<String> = ["html", "head", "body", "br"]

    static func limited(_ bytes: [UInt8]) -> [UInt8] {
        var removals: [Range<Int>] = []
        var open: [String: Int] = [:]
        var dropped: [String: Int] = [:]
        var depth = 0
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < count else { index += 1; continue }
            let start = index
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") {
                if index + 3 < count, bytes[index + 2] == UInt8(ascii: "-"), bytes[index + 3] == UInt8(ascii: "-") {
                    index = endOfComment(bytes, from: index + 4)
                } else {
                    index = endOfTag(bytes, from: index + 2)
                }
                continue
            }
            if next == UInt8(ascii: "?") {
                index = endOfTag(bytes, from: index + 2)
                continue
            }
            let isEnd = next == UInt8(ascii: "/")
            let nameStart = isEnd ? index + 2 : index + 1
            var nameEnd = nameStart
            while nameEnd < count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            guard nameEnd > nameStart, isLetter(bytes[nameStart]) else { index += 1; continue }
            let name = lowercasedName(bytes[nameStart..<nameEnd])
            let (tagEnd, selfClosing) = endOfStartTag(bytes, from: nameEnd)
            index = tagEnd
            if structural.contains(name) { continue }
            if isEnd {
                if let pending = dropped[name], pending > 0 {
                    dropped[name] = pending - 1
                    removals.append(start..<tagEnd)
                } else if let opened = open[name], opened > 0 {
                    open[name] = opened - 1
                    depth -= 1
                } else {
                    removals.append(start..<tagEnd)
                }
                continue
            }
            if name == "script" || name == "style" {
                // Raw text up to the matching end tag: no tag inside counts.
                index = endOfRawText(bytes, from: tagEnd, name: name)
                continue
            }
            if selfClosing || voidElements.contains(name) { continue }
            if depth >= maximumOpen {
                dropped[name, default: 0] += 1
                removals.append(start..<tagEnd)
            } else {
                open[name, default: 0] += 1
                depth += 1
            }
        }
        guard !removals.isEmpty else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var copied = 0
        for range in removals {
            result.append(contentsOf: bytes[copied..<range.lowerBound])
            copied = range.upperBound
        }
        result.append(contentsOf: bytes[copied...])
        return result
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-")
    }

    private static func lowercasedName(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Just past the `>` that ends a tag's attributes (quotes respected), and whether it
    /// ended with `/>`.
    private static func endOfStartTag(_ bytes: [UInt8], from start: Int) -> (Int, Bool) {
        var index = start
        var quote: UInt8? = nil
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return (index + 1, index > start && bytes[index - 1] == UInt8(ascii: "/"))
            }
            index += 1
        }
        return (bytes.count, false)
    }

    private static func endOfTag(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
        return min(index + 1, bytes.count)
    }

    private static func endOfComment(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] == UInt8(ascii: ">") {
                return index + 3
            }
            index += 1
        }
        return bytes.count
    }

    private static func endOfRawText(_ bytes: [UInt8], from start: Int, name: String) -> Int {
        let closing = Array("</\(name)".utf8)
        var index = start
        while index + closing.count <= bytes.count {
            if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "/") {
                var matches = true
                for offset in 2..<closing.count where (bytes[index + offset] | 0x20) != closing[offset] {
                    matches = false
                    break
                }
                // Past the end tag itself, so it is not taken for a stray one.
                if matches { return endOfTag(bytes, from: index + closing.count) }
            }
            index += 1
        }
        return bytes.count
    }
}
