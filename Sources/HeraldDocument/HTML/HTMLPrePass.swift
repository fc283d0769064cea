/// One linear pass over the tags of the HTML before libxml2 parses it, for what libxml2 2.9
/// would get wrong or make slow:
///
/// - **Void elements.** libxml2 knows only HTML 4's empty elements; `<embed src=x>`,
///   `<source>`, `<track>`, `<wbr>`, `<keygen>`, `<bgsound>`, `<image>` stay open and hold
///   everything after them — and the reader removes `embed` with its content, so
///   `<p>a</p><embed src=x><p>after</p>` lost "after". Their end tag is written right after
///   the start tag (an end tag the author wrote for one then closes nothing and goes).
/// - **Attributes beyond `HTMLStartTag.maximumAttributes`** on one element are cut (libxml2's
///   duplicate check is quadratic in them), and reported.
/// - **Depth and stray end tags** (`HTMLDepthLimiter`).
///
/// Not a full HTML tokenizer: comments, declarations, attributes (as libxml2 reads them),
/// `script` and `style` content are skipped, which is all that decides where a tag is.
/// Documents without any of the above pass through byte for byte.
enum HTMLPrePass {
    struct Result {
        var bytes: [UInt8]
        /// What was cut and must be reported (attributes beyond the limit).
        var removed: [HTMLRemoval]
    }

    /// A change to the input: `range` replaced by `replacement` (empty range: an insertion).
    private struct Edit {
        var range: Range<Int>
        var replacement: [UInt8] = []
    }

    static func run(_ bytes: [UInt8]) -> Result {
        var edits: [Edit] = []
        var log = RemovalLog()
        var limiter = HTMLDepthLimiter()
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
            while nameEnd < count, HTMLStartTag.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            guard nameEnd > nameStart, HTMLStartTag.isLetter(bytes[nameStart]) else { index += 1; continue }
            let name = lowercasedName(bytes[nameStart..<nameEnd])
            if isEnd {
                // libxml2 ends an end tag at the first `>`, quotes or not.
                index = endOfTag(bytes, from: nameEnd)
                if !HTMLDepthLimiter.isStructural(name), !limiter.keepsEndTag(name) {
                    edits.append(Edit(range: start..<index))
                }
                continue
            }
            let tag = HTMLStartTag.scan(bytes, from: nameEnd)
            index = tag.end
            // An unfinished tag opens nothing in libxml2; what follows it is text.
            guard tag.isFinished, !HTMLDepthLimiter.isStructural(name) else { continue }
            if name == "script" || name == "style" {
                // Raw text up to the matching end tag: no tag inside counts.
                index = endOfRawText(bytes, from: tag.end, name: name)
                continue
            }
            let opens = !tag.isSelfClosing && !HTMLDepthLimiter.libxml2Empty.contains(name) && !HTMLElementNames.void.contains(name)
            if opens, !limiter.keepsStartTag(name) {
                edits.append(Edit(range: start..<tag.end))
                continue
            }
            if let excess = tag.excess {
                edits.append(Edit(range: excess))
                log.record(.excessAttributes(name), example: String(decoding: bytes[excess].prefix(400), as: UTF8.self))
            }
            if !tag.isSelfClosing, !HTMLDepthLimiter.libxml2Empty.contains(name), HTMLElementNames.void.contains(name) {
                edits.append(Edit(range: tag.end..<tag.end, replacement: Array("</\(name)>".utf8)))
            }
        }
        return Result(bytes: applying(edits, to: bytes), removed: log.removals)
    }

    private static func applying(_ edits: [Edit], to bytes: [UInt8]) -> [UInt8] {
        guard !edits.isEmpty else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 16)
        var copied = 0
        for edit in edits {
            result.append(contentsOf: bytes[copied..<edit.range.lowerBound])
            result.append(contentsOf: edit.replacement)
            copied = edit.range.upperBound
        }
        result.append(contentsOf: bytes[copied...])
        return result
    }

    private static func lowercasedName(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { HTMLStartTag.isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
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
