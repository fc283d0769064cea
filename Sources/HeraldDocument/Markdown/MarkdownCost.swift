/// What reading a Markdown text would take in memory, estimated in one pass over its bytes
/// before anything is parsed, so that a text made of markup is refused instead of read.
///
/// Reading Markdown costs memory in proportion to its markup, not its size: cmark-gfm makes a
/// node (about 170 bytes) where each run of emphasis characters, bracket, code span, `<`, `&`,
/// `\`, line, list item or table cell starts, keeps a delimiter or bracket record for each
/// opener of a paragraph until the paragraph is done, and the model Herald makes of the tree
/// costs about as much again. Ordinary documents take 14 to 25 times their size this way
/// (Herald's own docs, Node.js's API docs, the Rust changelog, the samples); 5 MB of `**a `
/// took 550 MB, of `[a] ` 930 MB. Two constructs grow beyond their text: a table row gets as
/// many cells as the header has columns, whatever it holds (8 KB of table took 1.2 GB), and
/// cmark-gfm's e-mail autolinker copies the rest of the line after each address it finds (a
/// 1 MB line of prose with addresses took 1 GB).
///
/// The estimate counts each of these at what it was measured to take in Herald
/// (`Benchmarks/input-memory.sh`; the weights are fitted on the documents above and on one
/// shape per construct), plus 4.7 bytes per byte of text; a text is read when that is at
/// most `maximumRatio` times its size, or at most `floor` (any message up to 256 KB, however
/// much markup it holds, but not a table or a line of addresses that would grow past it).
public struct MarkdownCost: Sendable, Equatable {
    /// What the estimate counts.
    public enum Construct: Int, CaseIterable, Sendable {
        case lines, textBreaks, delimiterRuns, backtickRuns, brackets, rawHTMLAndEscapes, entities, autolinks,
             emailAddresses, listItems, headings, quoteMarkers, tableCells, codeFences, referenceDefinitions

        /// What one costs, in bytes.
        public var bytes: Int {
            switch self {
            case .lines: 150
            // cmark-gfm's autolink extension starts a new text node at every `w` and `:`.
            case .textBreaks: 70
            case .delimiterRuns: 240
            case .backtickRuns: 155
            case .brackets: 270
            case .rawHTMLAndEscapes: 310
            case .entities: 375
            case .autolinks: 700
            case .emailAddresses: 600
            case .listItems: 460
            case .headings: 380
            case .quoteMarkers: 220
            case .tableCells: 235
            case .codeFences: 560
            case .referenceDefinitions: 300
            }
        }

        /// How an error names them.
        public var name: String {
            switch self {
            case .lines: "lines"
            case .textBreaks: "w and : characters, where cmark-gfm starts a text node"
            case .delimiterRuns: "runs of * _ ~ = +"
            case .backtickRuns: "backtick runs"
            case .brackets: "brackets"
            case .rawHTMLAndEscapes: "< and \\ characters"
            case .entities: "& characters"
            case .autolinks: "bare links"
            case .emailAddresses: "e-mail addresses"
            case .listItems: "list items"
            case .headings: "headings"
            case .quoteMarkers: "quote markers"
            case .tableCells: "table cells, as many in a row as its header has"
            case .codeFences: "code fences"
            case .referenceDefinitions: "link reference definitions"
            }
        }
    }

    /// A text is read when its estimate is at most this many times its size...
    public static let maximumRatio = 32
    /// ...or at most this much.
    public static let floor = 64 * 1_048_576

    public let size: Int
    /// How many of each construct the text holds.
    public let counts: [Int]
    /// The bytes cmark-gfm's e-mail autolinker copies: for each of the first 1,001 addresses of
    /// a line (it stops there), the rest of the line.
    public let emailCopies: Int

    public func count(_ construct: Construct) -> Int { counts[construct.rawValue] }

    /// The estimated memory to read the text, in bytes (beyond the process's own).
    public var estimatedBytes: Int {
        size * 47 / 10 + Construct.allCases.reduce(0) { $0 + count($1) * $1.bytes } + emailCopies
    }

    /// The most this text may take.
    public var allowedBytes: Int { max(Self.maximumRatio * size, Self.floor) }

    public var isAccepted: Bool { estimatedBytes <= allowedBytes }

    /// One pass over the lines, the way cmark-gfm splits them (approximately: it is an estimate).
    public init(_ text: [UInt8]) {
        size = text.count
        (counts, emailCopies) = text.withUnsafeBufferPointer(Self.count)
    }

    private static func count(_ bytes: UnsafeBufferPointer<UInt8>) -> ([Int], Int) {
        var counts = Array(repeating: 0, count: Construct.allCases.count)
        var emailCopies = 0
        func add(_ construct: Construct, _ count: Int = 1) { counts[construct.rawValue] += count }
        var fence: (character: UInt8, length: Int)? = nil
        var previousBlank = true
        var previousHadPipe = false
        var tableColumns = 0
        var lineStart = 0
        var emails: [Int] = []
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var first = lineStart
            while first < lineEnd, isBlank(bytes[first]) { first += 1 }
            let blank = first == lineEnd
            let indented = first - lineStart >= 4

            // Fenced code is one node, whatever it holds.
            let run = indented ? 0 : Self.run(of: bytes, at: first, end: lineEnd)
            if let open = fence {
                if run >= max(3, open.length), bytes[first] == open.character, isBlank(bytes, from: first + run, to: lineEnd) { fence = nil }
                previousBlank = blank
                continue
            }
            if run >= 3, bytes[first] == UInt8(ascii: "`") || bytes[first] == UInt8(ascii: "~"),
               bytes[first] == UInt8(ascii: "~") || !bytes[(first + run)..<lineEnd].contains(UInt8(ascii: "`")) {
                fence = (bytes[first], run)
                add(.codeFences)
                previousBlank = false
                continue
            }
            if blank {
                tableColumns = 0
                previousBlank = true
                continue
            }
            let hasPipe = bytes[first..<lineEnd].contains(UInt8(ascii: "|"))
            defer {
                previousBlank = false
                previousHadPipe = hasPipe
            }
            // A table's delimiter row: every row after it has one cell per column.
            if !previousBlank, hasPipe || previousHadPipe, let columns = delimiterRowColumns(bytes, from: first, to: lineEnd) {
                tableColumns = columns
                add(.tableCells, 2 * columns)
                continue
            }
            if tableColumns > 0 { add(.tableCells, tableColumns) }
            if !indented, isReferenceDefinition(bytes, from: first, to: lineEnd) {
                add(.referenceDefinitions)
                continue
            }
            if isListMarker(bytes, from: first, to: lineEnd) {
                add(.listItems)
            } else if isHeadingMarker(bytes, from: first, to: lineEnd) {
                add(.headings)
            }
            if bytes[first] == UInt8(ascii: ">") { add(.quoteMarkers) }
            add(.lines)

            emails.removeAll(keepingCapacity: true)
            var index = lineStart
            while index < lineEnd {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "`"):
                    var next = index + 1
                    while next < lineEnd, bytes[next] == byte { next += 1 }
                    add(byte == UInt8(ascii: "`") ? .backtickRuns : .delimiterRuns)
                    index = next
                    continue
                case UInt8(ascii: "["), UInt8(ascii: "]"):
                    add(.brackets)
                case UInt8(ascii: "<"), UInt8(ascii: "\\"):
                    add(.rawHTMLAndEscapes)
                case UInt8(ascii: "&"):
                    add(.entities)
                case UInt8(ascii: "|") where tableColumns > 0:
                    add(.tableCells)
                case UInt8(ascii: ":"):
                    add(starts(bytes, at: index + 1, with: "//", before: lineEnd) ? .autolinks : .textBreaks)
                case UInt8(ascii: "w"):
                    add(starts(bytes, at: index, with: "www.", before: lineEnd) ? .autolinks : .textBreaks)
                case UInt8(ascii: "@"):
                    if index > lineStart, index + 1 < lineEnd, isEmailByte(bytes[index - 1]), isAlphanumeric(bytes[index + 1]) {
                        add(.emailAddresses)
                        if emails.count < 1_001 { emails.append(index) }
                    }
                default:
                    break
                }
                index += 1
            }
            for position in emails { emailCopies += lineEnd - position }
        }
        return (counts, emailCopies)
    }

    /// Why the text is refused, naming it as `name` (`'notes.md'`), or nil when it is read.
    public func refusal(of name: String) -> String? {
        guard !isAccepted else { return nil }
        var message = "\(name) is \(Self.amount(size)) of Markdown whose markup would take about \(Self.amount(estimatedBytes))"
            + " of memory to read, \(Self.grouped(estimatedBytes / max(size, 1))) times its size"
        let main = Construct.allCases.max { count($0) * $0.bytes < count($1) * $1.bytes }!
        if emailCopies > count(main) * main.bytes {
            message += ", mostly the \(Self.amount(emailCopies)) cmark-gfm's e-mail autolinker copies (the rest of the line after each"
                + " address, \(Self.grouped(count(.emailAddresses))) addresses)"
        } else {
            let every = size / max(count(main), 1)
            message += ", mostly for its \(Self.grouped(count(main))) \(main.name)" + (every >= 2 ? " (one every \(Self.grouped(every)) bytes)" : "")
        }
        return message + "; Herald reads Markdown that takes at most \(Self.maximumRatio) times its size, or \(Self.amount(Self.floor)),"
            + " which messages do: split the text, or write it with less markup"
    }

    // MARK: Lines

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    private static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        bytes[start..<end].allSatisfy(isBlank)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    /// What may come right before the `@` of an address.
    private static func isEmailByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    /// How many times the byte at `start` repeats from there.
    private static func run(of bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> Int {
        var index = start
        while index < end, bytes[index] == bytes[start] { index += 1 }
        return index - start
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, with text: StaticString, before end: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard start + count <= end else { return false }
        return text.withUTF8Buffer { bytes[start..<(start + count)].elementsEqual($0) }
    }

    /// `|---|:--:|`: the number of columns, or nil when the line is not a delimiter row.
    private static func delimiterRowColumns(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var cells = bytes[start..<end].split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
            .map { $0.filter { !isBlank($0) } }
        if cells.first?.isEmpty == true { cells.removeFirst() }
        if cells.last?.isEmpty == true { cells.removeLast() }
        guard !cells.isEmpty else { return nil }
        for cell in cells {
            var dashes = cell[...]
            if dashes.first == UInt8(ascii: ":") { dashes.removeFirst() }
            if dashes.last == UInt8(ascii: ":") { dashes.removeLast() }
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == UInt8(ascii: "-") }) else { return nil }
        }
        return cells.count
    }

    /// `[label]: url`: a map entry, no inline content.
    private static func isReferenceDefinition(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        guard bytes[start] == UInt8(ascii: "["), let close = bytes[(start + 1)..<end].firstIndex(of: UInt8(ascii: "]")) else { return false }
        return close > start + 1 && close + 1 < end && bytes[close + 1] == UInt8(ascii: ":")
    }

    /// `- `, `* `, `+ `, `1. `, `1) `.
    private static func isListMarker(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var index = start
        if [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(bytes[index]) {
            index += 1
        } else {
            while index < end, index - start < 9, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start, index < end, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ")") else { return false }
            index += 1
        }
        return index == end || isBlank(bytes[index])
    }

    private static func isHeadingMarker(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end, index - start < 7, bytes[index] == UInt8(ascii: "#") { index += 1 }
        return (1...6).contains(index - start) && (index == end || isBlank(bytes[index]))
    }

    // MARK: Numbers in messages

    /// `5.0 MB`, `64 MB`, `8.2 KB`.
    static func amount(_ bytes: Int) -> String {
        let (unit, name) = bytes >= 1_048_576 ? (1_048_576, "MB") : (1_024, "KB")
        if bytes % unit == 0 { return "\(grouped(bytes / unit)) \(name)" }
        let tenths = (bytes * 10 + unit / 2) / unit
        return "\(grouped(tenths / 10)).\(tenths % 10) \(name)"
    }

    static func grouped(_ number: Int) -> String {
        var digits = String(number)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }
}
