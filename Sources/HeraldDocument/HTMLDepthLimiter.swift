/// Keeps libxml2's HTML parser linear on hostile input.
///
/// libxml2 2.9's HTML parser looks for the element an end tag closes by scanning its stack of
/// open elements from the top, and an end tag that matches nothing (or is blocked by a table
/// cell or `div` above it) costs a scan of the whole stack. Input that keeps elements open
/// (`<td>` outside a table, unclosed `<span>`s) and adds stray end tags is therefore quadratic:
/// one megabyte of such tags took seconds, ten would take minutes. Before parsing, this pass
/// tokenizes the tags (not a full HTML tokenizer: comments, quoted attributes, `script` and
/// `style` content are skipped, which is all that decides where a tag is) and keeps its own
/// copy of libxml2's stack, with libxml2's rules: a start tag first closes the top element
/// while libxml2's HTML 4 table says it does (`<p>` closes an open `<p>`, `<td>` a `<td>`,
/// `<ul>` a `<p>`...), an end tag closes the nearest element of its name unless an element
/// of higher end priority (`div`, cells, rows, tables) stands in the way. Then it:
///
/// - removes end tags libxml2 would ignore (nothing of that name open, or blocked) — for
///   libxml2 each costs a scan of the whole stack;
/// - once `maximumOpen` elements are open, removes further start tags (and their end tags)
///   until some close. Their text stays where it was; only markup nested deeper than any
///   editor writes is lost (the reader flattens beyond 48 levels regardless).
///
/// Its own scans stop at `maximumOpen` elements, so the pass is linear, and libxml2's stack
/// then stays within about that depth. The copy of libxml2's rules is partial (its tables are
/// not public API), so this is a bound measured by the benchmark's linearity check — flat,
/// deep, unclosed, misnested and stray-tag input — rather than a proof for every input.
/// Documents within the limit and without ignored end tags pass through byte for byte.
enum HTMLDepthLimiter {
    static let maximumOpen = 512

    /// Elements libxml2's HTML 4 tables declare empty, so a start tag opens nothing. (HTML5's
    /// `embed`, `source`, `wbr`... are containers to libxml2: counting them open is the safe
    /// error, since removing their end tag would change what they hold.)
    private static let voidElements: Set<String> = [
        "area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex", "link", "meta", "param",
    ]
    /// Which open element (on top of the stack) a start tag closes first: libxml2 2.9's
    /// `htmlStartClose` rules for the elements that matter here.
    private static let closesOnStart: [String: Set<String>] = {
        let headings: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]
        let paragraphs: Set<String> = ["p", "head"]
        var rules: [String: Set<String>] = [
            "p": paragraphs.union(headings),
            "div": paragraphs, "blockquote": paragraphs, "hr": paragraphs, "center": paragraphs.union(["font", "b", "i"]),
            "ul": paragraphs.union(["ol", "menu", "dir", "address", "pre", "listing", "xmp"]),
            "ol": paragraphs.union(["ul"]), "menu": paragraphs.union(["ul"]), "dir": paragraphs,
            "dl": paragraphs.union(["dt", "menu", "dir", "address", "pre", "listing", "xmp"]),
            "dt": paragraphs.union(["menu", "dir", "address", "pre", "listing", "xmp", "dd"]),
            "dd": paragraphs.union(["menu", "dir", "address", "pre", "listing", "xmp", "dt"]),
            "li": paragraphs.union(headings).union(["dl", "address", "pre", "listing", "xmp", "li"]),
            "pre": paragraphs.union(["ul"]), "address": paragraphs.union(["ul"]), "listing": paragraphs, "xmp": ["p"],
            "form": paragraphs.union(headings).union(["form", "hr", "dl", "ul", "ol", "menu", "dir", "address", "pre", "listing", "xmp"]),
            "table": paragraphs.union(headings).union(["pre", "listing", "xmp", "a"]),
            "caption": ["p"], "colgroup": ["caption", "colgroup", "col", "p"],
            "th": ["th", "td", "p", "span", "font", "a", "b", "i", "u"], "td": ["th", "td", "p"],
            "tr": ["th", "td", "tr", "caption", "col", "colgroup", "p"],
            "thead": ["caption", "col", "colgroup"],
            "tfoot": ["th", "td", "tr", "caption", "col", "colgroup", "thead", "tbody", "p"],
            "tbody": ["th", "td", "tr", "caption", "col", "colgroup", "thead", "tfoot", "tbody", "p"],
            "option": ["option"], "optgroup": ["option"], "a": ["a", "head"],
        ]
        for heading in headings { rules[heading] = paragraphs.union(headings) }
        return rules
    }()

    /// libxml2's `htmlEndPriority`: an end tag does not close past an element of higher priority.
    private static func endPriority(_ name: String) -> Int {
        switch name {
        case "div": return 150
        case "td", "th": return 160
        case "tr": return 170
        case "thead", "tbody", "tfoot": return 180
        case "table": return 190
        case "head", "body": return 200
        case "html": return 220
        default: return 100
        }
    }
    /// libxml2 places these itself and ignores misplaced ones: never counted, never removed.
    private static let structural: Set<String> = ["html", "head", "body", "br"]

    static func limited(_ bytes: [UInt8]) -> [UInt8] {
        var removals: [Range<Int>] = []
        var stack: [String] = []
        /// How many of each name the stack holds: an end tag with none open is settled
        /// without a scan (stray end tags are what hostile input is made of).
        var openCount: [String: Int] = [:]
        var dropped: [String: Int] = [:]
        func pop(to position: Int) {
            for name in stack[position...] { openCount[name, default: 1] -= 1 }
            stack.removeSubrange(position...)
        }
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
                    continue
                }
                // The nearest open element of this name, unless a higher-priority one is above.
                let priority = endPriority(name)
                var position: Int? = nil
                if openCount[name, default: 0] > 0 {
                    for candidate in stack.indices.reversed() {
                        if stack[candidate] == name { position = candidate; break }
                        if endPriority(stack[candidate]) > priority { break }
                    }
                }
                if let position {
                    pop(to: position)
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
            if let closes = closesOnStart[name] {
                while let top = stack.last, closes.contains(top) { pop(to: stack.count - 1) }
            }
            if stack.count >= maximumOpen {
                dropped[name, default: 0] += 1
                removals.append(start..<tagEnd)
            } else {
                stack.append(name)
                openCount[name, default: 0] += 1
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
