import HeraldDocument

/// Renders a `Document` as the text/plain alternative of an email, from the model (not from the
/// HTML): headings underlined (`=` for level 1, `-` below), `-` and `1.` lists indented by
/// nesting, tables as aligned columns (or `Header: value` blocks when too wide), links as
/// `text (url)`, images as `[alt]`, rules as a line, quotes with `> `, code indented by four spaces. Lines wrap at
/// `width` columns, never inside a word or URL.
public struct EmailTextRenderer: Sendable {
    /// 76 leaves room for quoting ("> ") within RFC 5322's recommended 78.
    public var width: Int

    public init(width: Int = 76) {
        self.width = max(width, 20)
    }

    public func render(_ document: Document, options: EmailRenderOptions = EmailRenderOptions()) -> String {
        write(document, options: options, chunkSize: .max).text
    }

    /// The same text as `render`, as pieces of UTF-8 to write one after the other, never copied
    /// into one String (see `EmailHTMLRenderer.renderUTF8`).
    public func renderUTF8(_ document: Document, options: EmailRenderOptions = EmailRenderOptions()) -> [[UInt8]] {
        write(document, options: options, chunkSize: EmailHTMLRenderer.chunkSize).chunks
    }

    private func write(_ document: Document, options: EmailRenderOptions, chunkSize: Int) -> ByteWriter {
        // A logo means nothing in plain text: the header keeps its words only.
        let header = (options.layout?.header.blocks ?? []).filter { block in
            guard case .paragraph(let paragraph) = block else { return true }
            return !paragraph.content.allSatisfy { inline in
                if case .image = inline { return true }
                if case .link(let link) = inline { return link.content.allSatisfy { if case .image = $0 { true } else { false } } }
                return false
            }
        }
        var blocks = header + document.blocks
        if let footer = options.layout?.footer, !footer.blocks.isEmpty {
            blocks += [.horizontalRule] + footer.blocks
        }
        // Some clients (GMX, Web.de, K-9) take the preview from the text part: lead with it.
        if let preheader = options.preheader, !preheader.isEmpty {
            blocks.insert(.paragraph(Paragraph([.text(preheader)])), at: 0)
        }
        var writer = TextBlockLayout(direction: options.direction ?? document.textDirection)
        writer.output = ByteWriter(capacity: 2048)
        writer.output.chunkSize = chunkSize
        var prefix = TextBlockLayout.Prefix(first: "", rest: "")
        writer.write(blocks, width: width, prefix: &prefix)
        return writer.output
    }
}

/// Lays blocks out as lines of plain text, written straight into `output`. Nesting (list items,
/// quotes) is a line prefix: `first` goes before the next line written, `rest` before the ones
/// after it ("- " then "  " for a list item, "> " throughout for a quote).
struct TextBlockLayout {
    struct Prefix {
        var first: String
        var rest: String
    }

    let direction: TextDirection
    var output = ByteWriter()
    /// The prefix of a blank line owed before the next line, if any: separators are written
    /// only once something follows them, so a block that shows nothing leaves no gap.
    var pendingBlankLine: String? = nil

    /// Writes one line (trailing spaces removed) and moves the prefix on to `rest`.
    mutating func emit(_ line: String, prefix: inout Prefix) {
        startLine(prefix: &prefix)
        output += line
        endLine()
    }

    /// Writes one line of bytes after `padding` spaces.
    mutating func emit(_ line: ArraySlice<UInt8>, padding: Int, prefix: inout Prefix) {
        startLine(prefix: &prefix)
        if padding > 0 { output.bytes.append(contentsOf: repeatElement(0x20, count: padding)) }
        output.bytes.append(contentsOf: line)
        endLine()
    }

    /// Writes a line of `count` copies of one ASCII byte (an underline, a rule) after `padding`
    /// spaces: `String(repeating:count:)` cost thousands of instructions a line.
    mutating func emitRepeated(_ byte: UInt8, count: Int, padding: Int, prefix: inout Prefix) {
        startLine(prefix: &prefix)
        if padding > 0 { output.bytes.append(contentsOf: repeatElement(0x20, count: padding)) }
        output.bytes.append(contentsOf: repeatElement(byte, count: count))
        endLine()
    }

    private mutating func startLine(prefix: inout Prefix) {
        if let blank = pendingBlankLine {
            pendingBlankLine = nil
            var blankPrefix = Prefix(first: blank, rest: blank)
            emit("", prefix: &blankPrefix)
        }
        output += prefix.first
        prefix.first = prefix.rest
    }

    private mutating func endLine() {
        while let last = output.bytes.last, last == 0x20 || last == 0x09 { output.bytes.removeLast() }
        output.bytes.append(0x0A)
        // After a whole line: trimming the next one's trailing spaces stops at this newline.
        output.sealChunk()
    }

    /// Writes blocks separated by blank lines (none in a tight list item); returns whether any
    /// line was written.
    @discardableResult
    mutating func write(_ blocks: [Block], width: Int, prefix: inout Prefix, tight: Bool = false) -> Bool {
        var wroteAny = false
        for block in blocks {
            let owed = pendingBlankLine
            if wroteAny && !tight { pendingBlankLine = prefix.rest }
            if write(block, width: width, prefix: &prefix) {
                wroteAny = true
            } else {
                pendingBlankLine = owed
            }
        }
        return wroteAny
    }

    /// Writes one block; returns whether it wrote any line.
    mutating func write(_ block: Block, width: Int, prefix: inout Prefix) -> Bool {
        switch block {
        case .paragraph(let paragraph):
            return writeWrapped(paragraph.content, width: width, alignment: paragraph.alignment, prefix: &prefix).lines > 0
        case .heading(let heading):
            let written = writeWrapped(heading.content, width: width, alignment: heading.alignment, prefix: &prefix)
            let underlineWidth = min(written.widest, width)
            guard underlineWidth > 0 else { return written.lines > 0 }
            emitRepeated(heading.level == 1 ? 0x3D : 0x2D, count: underlineWidth, padding: written.lastIndent, prefix: &prefix)
            return true
        case .list(let list):
            return writeList(list, width: width, prefix: &prefix)
        case .table(let table):
            return emitAll(TextTableLayout(table: table, inlineText: inlineText).lines(width: width), prefix: &prefix)
        case .blockQuote(let blocks):
            var quoted = Prefix(first: prefix.first + "> ", rest: prefix.rest + "> ")
            guard write(blocks, width: max(width - 2, 10), prefix: &quoted) else { return false }
            prefix.first = prefix.rest
            return true
        case .codeBlock(let code):
            for line in Self.splitLines(code.code) { emit("    " + line, prefix: &prefix) }
            return true
        case .horizontalRule:
            emitRepeated(0x2D, count: min(40, width), padding: 0, prefix: &prefix)
            return true
        }
    }

    @discardableResult
    private mutating func emitAll(_ lines: [String], prefix: inout Prefix) -> Bool {
        for line in lines { emit(line, prefix: &prefix) }
        return !lines.isEmpty
    }

    private mutating func writeList(_ list: List, width: Int, prefix: inout Prefix) -> Bool {
        for (index, (item, marker)) in zip(list.items, list.itemMarkers).enumerated() {
            if index > 0 && !list.isTight { pendingBlankLine = prefix.rest }
            var itemPrefix = Prefix(first: prefix.first + marker, rest: prefix.rest + Self.spaces(marker.count))
            if !write(item.blocks, width: max(width - marker.count, 10), prefix: &itemPrefix, tight: list.isTight) {
                emit("", prefix: &itemPrefix)
            }
            prefix.first = prefix.rest
        }
        return !list.items.isEmpty
    }

    /// Wraps inline content into `output`, centred or right-aligned when asked (left-to-right
    /// text only: right-to-left text is already right-aligned by the reader's client). Empty
    /// lines at the end (a trailing hard break) are dropped. Returns how many lines were
    /// written, the widest, and the indentation of the last.
    private mutating func writeWrapped(_ content: [Inline], width: Int, alignment: Alignment?,
                                       prefix: inout Prefix) -> (lines: Int, widest: Int, lastIndent: Int) {
        let wrapper = LineWrapper(width: width)
        let pads = direction == .ltr && (alignment == .center || alignment == .right)
        var owedEmptyLines = 0
        var result = (lines: 0, widest: 0, lastIndent: 0)
        // Each line of the text (split at LF) wrapped from its bytes: no String per line.
        wrapper.wrapLines(inlineText(content)) { line, lineWidth in
            if line.isEmpty {
                owedEmptyLines += 1
                return
            }
            while owedEmptyLines > 0 {
                emit("", prefix: &prefix)
                owedEmptyLines -= 1
                result.lines += 1
            }
            let free = max(width - lineWidth, 0)
            let pad = pads ? (alignment == .center ? free / 2 : free) : 0
            emit(line, padding: pad, prefix: &prefix)
            result.lines += 1
            result.widest = max(result.widest, lineWidth)
            result.lastIndent = pad
        }
        return result
    }

    /// Spaces for indentation, without building a new String each time for common widths.
    static func spaces(_ count: Int) -> String {
        count < spaceStrings.count ? spaceStrings[max(count, 0)] : String(unsafeUninitializedCapacity: count) { buffer in
            buffer.initialize(repeating: 0x20)
            return buffer.count
        }
    }

    private static let spaceStrings = (0...80).map { String(repeating: Character(" "), count: $0) }

    /// Inline content as text: marks dropped except strikethrough (`~~x~~`, since struck-out text
    /// shown plainly would read as valid), links as `text (url)`, images as `[alt]`.
    func inlineText(_ inlines: [Inline]) -> String {
        if inlines.count == 1, case .text(let only) = inlines[0] { return only }
        var text = ""
        for inline in inlines { appendText(of: inline, to: &text) }
        return text
    }

    private func appendText(of inline: Inline, to text: inout String) {
        switch inline {
        case .text(let value), .code(let value):
            text += value
        case .lineBreak:
            text += "\n"
        case .marked(.strikethrough, let content):
            text += "~~"
            for inner in content { appendText(of: inner, to: &text) }
            text += "~~"
        case .marked(_, let content):
            for inner in content { appendText(of: inner, to: &text) }
        case .link(let link):
            let label = inlineText(link.content).trimmingASCIISpaces()
            let shown = Self.displayURL(link.url)
            if label.isEmpty {
                text += shown
            } else if label == shown || label == link.url {
                text += label
            } else if link.url == "http://" + label || link.url == "https://" + label {
                // An autolinked "www.example.org": the URL says it all.
                text += link.url
            } else {
                text += label + " (" + shown + ")"
            }
        case .image(let image):
            // Brackets tell the reader this stood for a picture (as text browsers show it).
            if !image.alt.isEmpty { text += "[" + image.alt + "]" }
        }
    }

    /// Splits on LF by bytes (Character-wise splitting costs a grapheme walk).
    static func splitLines(_ text: String) -> [String] {
        let hasNewline = text.utf8.withContiguousStorageIfAvailable { $0.contains(0x0A) } ?? text.utf8.contains(0x0A)
        guard hasNewline else { return [text] }
        return text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    /// `mailto:` and `tel:` read better without their scheme.
    static func displayURL(_ url: String) -> String {
        for scheme in ["mailto:", "tel:"] where url.lowercased().hasPrefix(scheme) {
            return String(url.dropFirst(scheme.count))
        }
        return url
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        guard let last = utf8.last, last == 0x20 || last == 0x09 else { return self }
        var result = Substring(self)
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return String(result)
    }

    func trimmingLeadingSpaces() -> Substring {
        Substring(self).drop { $0 == " " }
    }

    func trimmingASCIISpaces() -> String {
        String(trimmingTrailingSpaces().trimmingLeadingSpaces())
    }
}
