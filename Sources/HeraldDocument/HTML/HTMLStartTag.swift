/// Where a start tag's attributes end, read the way libxml2 2.9's `htmlParseStartTag` reads
/// them, so the pre-pass (`HTMLPrePass`) and libxml2 agree on where the tag ends:
///
/// - an attribute name starts with a letter, `_`, `:` or `.` and goes on with those and digits
///   and `-`; then optional blanks, `=`, blanks and a value;
/// - a value in quotes runs to the same quote (to the end of the input if there is none); an
///   unquoted value runs to a blank or `>` — so `src=x/>` is the value `x/`, not `/>`;
/// - anything else up to a blank, `>` or `/>` is skipped as a bogus attribute;
/// - the tag ends at `>` or `/>` between attributes. A control character there (or the end of
///   the input) leaves the tag unfinished: libxml2 then opens no element and reads what
///   follows as text.
///
/// It also finds where attributes beyond `maximumAttributes` begin: libxml2 compares each
/// attribute's name with every earlier one (to drop duplicates), so one element with 40,000
/// attributes (a 2.4 MB paste) took 4 s, and 200,000 over a minute.
struct HTMLStartTag {
    /// More than any editor writes (Word's busiest tags have a dozen); few enough that
    /// libxml2's duplicate check stays a bounded cost per byte.
    static let maximumAttributes = 256

    /// Just past the tag: past its `>` or `/>`, or where an unfinished tag stopped.
    var end: Int
    /// Closed with `/>` where libxml2 reads it as such: it opens no element.
    var isSelfClosing = false
    /// Closed with `>` or `/>` (libxml2 opens no element for an unfinished tag).
    var isFinished = false
    /// From the first attribute beyond `maximumAttributes` to where the attributes end.
    var excess: Range<Int>?
    /// How many attributes `excess` holds.
    var excessCount = 0

    /// Scans the attributes of a start tag whose name ends at `start`.
    static func scan(_ bytes: [UInt8], from start: Int) -> HTMLStartTag {
        let count = bytes.count
        var index = start
        var attributes = 0
        var excessStart: Int? = nil
        func skipBlanks() {
            while index < count, isBlank(bytes[index]) { index += 1 }
        }
        func isTagEnd(_ at: Int) -> Bool {
            bytes[at] == UInt8(ascii: ">") || (bytes[at] == UInt8(ascii: "/") && at + 1 < count && bytes[at + 1] == UInt8(ascii: ">"))
        }
        skipBlanks()
        while index < count, !isTagEnd(index), bytes[index] >= 0x20 {
            let attributeStart = index
            if isNameStart(bytes[index]) {
                // libxml2 reads at most 100 bytes of a name; the rest starts the next attribute.
                let nameLimit = index + 100
                while index < count, index < nameLimit, isNameByte(bytes[index]) { index += 1 }
                skipBlanks()
                if index < count, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    skipBlanks()
                    index = endOfValue(bytes, from: index)
                }
                attributes += 1
                if attributes == maximumAttributes + 1 { excessStart = attributeStart }
            } else {
                while index < count, !isBlank(bytes[index]), !isTagEnd(index), bytes[index] >= 0x20 { index += 1 }
            }
            skipBlanks()
        }
        var tag = HTMLStartTag(end: index)
        if let excessStart {
            tag.excess = excessStart..<index
            tag.excessCount = attributes - maximumAttributes
        }
        if index < count, bytes[index] == UInt8(ascii: ">") {
            tag.end = index + 1
            tag.isFinished = true
        } else if index < count, isTagEnd(index) {
            tag.end = index + 2
            tag.isFinished = true
            tag.isSelfClosing = true
        }
        return tag
    }

    private static func endOfValue(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        guard index < bytes.count else { return index }
        let quote = bytes[index]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            index += 1
            while index < bytes.count, bytes[index] != quote { index += 1 }
            return min(index + 1, bytes.count)
        }
        while index < bytes.count, !isBlank(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
        return index
    }

    /// libxml2's `IS_BLANK_CH`.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
    }

    /// libxml2's `htmlParseHTMLName`: letters, digits, `:`, `-`, `_`, `.` (tag names too).
    static func isNameByte(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
    }
}
