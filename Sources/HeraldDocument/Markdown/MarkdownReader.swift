import CCmarkGFM
import CHeraldMarkdown

/// Reads Herald's Markdown into a `Document`: CommonMark plus GFM tables, `~~strikethrough~~`
/// and autolinks, `==highlight==`, `++underline++`, and `::: center` … `:::` alignment blocks.
///
/// Safety is applied here, on the way into the model, because cmark-gfm's own protection lives
/// only in its HTML renderer, which Herald does not use: links and images keep only the schemes
/// of `SafeURL` (an unsafe link keeps its text, an unsafe image its alt text), and raw HTML goes
/// through `HTMLReader`, the allow-list editor HTML goes through (HTML blocks become blocks;
/// a paragraph with inline HTML is read as one fragment, see `MarkdownInlineHTML`). Invalid
/// UTF-8 becomes U+FFFD. Parsing is linear in the input (cmark-gfm is; the walk below visits
/// each node once).
public struct MarkdownReader: Sendable {
    /// Nesting deeper than this (block quotes in block quotes, marks in marks...) is flattened:
    /// the content is kept, the extra levels are not. It bounds the recursion of every renderer.
    public var maximumNesting: Int
    /// For the template filler only: a link or image URL holding a placeholder (U+E000) is kept
    /// as written, because its value is not known yet; the filler checks it once filled.
    public var keepsPlaceholderURLs: Bool

    /// The character that opens a template filler's placeholder.
    public static let placeholderMark: Unicode.Scalar = "\u{E000}"

    public init(maximumNesting: Int = 48, keepsPlaceholderURLs: Bool = false) {
        self.maximumNesting = maximumNesting
        self.keepsPlaceholderURLs = keepsPlaceholderURLs
    }

    public func read(_ markdown: String) -> Document {
        read(bytes: Array(markdown.utf8))
    }

    public func read(bytes input: [UInt8]) -> Document {
        readReportingRemovals(bytes: input).document
    }

    /// The document, and what the HTML reader removed from the raw HTML in the Markdown
    /// (scripts, event handlers, unsafe links...), for the composer to warn the agent.
    public func readReportingRemovals(bytes input: consuming [UInt8]) -> HTMLReading {
        let isLarge = input.count >= Self.largeDocument
        // (`copy`: a reference to the same bytes, for an initializer that would take them.)
        let fences = AlignmentFences(for: copy input)
        let source = fences.rewrite(input)
        // The input goes before cmark-gfm parses, when the caller gave it up (`Draft` does)
        // and the source is a rewritten copy: 5 MB less beside cmark-gfm's tree.
        _ = consume input
        // Without a '<' there is no raw HTML: paragraphs skip looking for it.
        let mayHoldHTML = source.contains(UInt8(ascii: "<"))
        // The rewritten source goes once fed to cmark-gfm (see `parse`).
        let root = Self.parse(consume source)
        guard let root else { return HTMLReading(document: Document(), removed: []) }
        var walker = ASTWalker(fences: fences, maximumNesting: maximumNesting, keepsPlaceholderURLs: keepsPlaceholderURLs)
        walker.mayHoldHTML = mayHoldHTML
        let document = Document(blocks: walker.topLevelBlocks(of: root))
        cmark_node_free(root)
        if isLarge { herald_release_free_memory() }
        return HTMLReading(document: document, removed: walker.removals.log.removals)
    }

    /// From this size on, the memory of cmark-gfm's tree goes back to the system once the
    /// document is read. The tree is small allocations (a node is about 170 bytes, often 10 to
    /// 20 times the text it holds) that the C allocator keeps once freed, while the renderers
    /// take their large buffers elsewhere: the freed tree would still count beside them.
    static let largeDocument = 1_048_576

    /// cmark-gfm options: UTF-8 repair, and strikethrough only with `~~` (a lone `~` in "~5 min"
    /// is common in support replies and must not strike text out).
    static let options: Int32 = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE

    private static func parse(_ source: consuming [UInt8]) -> OpaquePointer? {
        // cmark_parser_finish always returns a document node (possibly empty).
        guard let parser = herald_markdown_parser_start(options) else { return nil }
        source.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                herald_markdown_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        // cmark-gfm holds its own copy of what it was fed: the source goes before the inline
        // pass, the peak of the parse (5 MB of its 65 for 5 MB of Markdown).
        _ = consume source
        return herald_markdown_parser_finish(parser)
    }
}

/// Turns a cmark-gfm AST into model values.
private struct ASTWalker {
    typealias Node = OpaquePointer

    let fences: AlignmentFences
    let maximumNesting: Int
    let keepsPlaceholderURLs: Bool
    var mayHoldHTML = true
    /// What the HTML reader removed from raw HTML, gathered across the whole walk (a reference,
    /// so the walk's non-mutating functions can add to it).
    let removals = RemovalCollector()
    let tableType = herald_table_node_type()
    let strikethroughType = herald_strikethrough_node_type()

    init(fences: AlignmentFences, maximumNesting: Int, keepsPlaceholderURLs: Bool) {
        self.fences = fences
        self.maximumNesting = maximumNesting
        self.keepsPlaceholderURLs = keepsPlaceholderURLs
    }

    mutating func topLevelBlocks(of document: Node) -> [Block] {
        var blocks: [Block] = []
        var alignments: [Alignment] = []
        var child = cmark_node_first_child(document)
        while let node = child {
            child = cmark_node_next(node)
            // Once read, its part of cmark-gfm's tree goes: the tree shrinks as the model grows.
            defer { cmark_node_free(node) }
            if cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK {
                let html = literal(of: node)
                if let marker = fences.marker(inHTMLBlock: html) {
                    switch marker {
                    case .open(let alignment): alignments.append(alignment)
                    case .close: _ = alignments.popLast()
                    }
                    continue
                }
                if fences.containsMarker(html) {
                    appendHTMLWithFences(html, alignments: &alignments, to: &blocks)
                    continue
                }
            }
            let start = blocks.count
            appendBlock(node, depth: 1, to: &blocks)
            if let alignment = alignments.last {
                for index in start..<blocks.count { blocks[index].align(alignment) }
            }
        }
        return blocks
    }

    /// A top-level HTML block that swallowed fence lines (`::: center` right after `<p>…</p>`
    /// with no blank line): the HTML between the lines is read, the lines are fences.
    private func appendHTMLWithFences(_ html: String, alignments: inout [Alignment], to blocks: inout [Block]) {
        var chunk = ""
        func flush(_ alignments: [Alignment]) {
            let start = blocks.count
            blocks.append(contentsOf: readHTML(chunk, maximumNesting: max(1, maximumNesting - 1)))
            if let alignment = alignments.last {
                for index in start..<blocks.count { blocks[index].align(alignment) }
            }
            chunk = ""
        }
        for line in html.split(separator: "\n", omittingEmptySubsequences: false) {
            if let marker = fences.marker(inHTMLBlock: String(line)) {
                flush(alignments)
                switch marker {
                case .open(let alignment): alignments.append(alignment)
                case .close: _ = alignments.popLast()
                }
            } else {
                chunk += line
                chunk += "\n"
            }
        }
        flush(alignments)
    }

    private func readHTML(_ html: String, maximumNesting: Int) -> [Block] {
        let reading = HTMLReader(maximumNesting: maximumNesting).read(html)
        removals.log.merge(reading.removed)
        return reading.document.blocks
    }

    private func children(of node: Node, depth: Int) -> [Block] {
        var blocks: [Block] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            appendBlock(current, depth: depth, to: &blocks)
            child = cmark_node_next(current)
        }
        return blocks
    }

    private func appendBlock(_ node: Node, depth: Int, to blocks: inout [Block]) {
        let type = cmark_node_get_type(node)
        switch type {
        case CMARK_NODE_PARAGRAPH:
            let content = inlines(of: node, depth: depth)
            if !content.isEmpty { blocks.append(.paragraph(Paragraph(content))) }
        case CMARK_NODE_HEADING:
            blocks.append(.heading(Heading(level: Int(cmark_node_get_heading_level(node)), inlines(of: node, depth: depth))))
        case CMARK_NODE_THEMATIC_BREAK:
            blocks.append(.horizontalRule)
        case CMARK_NODE_CODE_BLOCK:
            var code = literal(of: node)
            if code.hasSuffix("\n") { code.removeLast() }
            let info = cString(cmark_node_get_fence_info(node))
            let language = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
            blocks.append(.codeBlock(CodeBlock(language: language, code: code)))
        case CMARK_NODE_HTML_BLOCK:
            // Fence lines cmark swallowed into the block are the author's text again.
            let html = fences.restoreFenceLines(in: literal(of: node))
            if HTMLElementNames.isMarkup(Substring(html)) {
                blocks.append(contentsOf: readHTML(html, maximumNesting: max(1, maximumNesting - depth)))
            } else {
                // `<Nombre del cliente>` on a line of its own: cmark calls it an HTML block, but
                // it names no element; it is what the author typed.
                var text = html
                while text.hasSuffix("\n") { text.removeLast() }
                var content: [Inline] = []
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if index > 0 { content.append(.lineBreak) }
                    if !line.isEmpty { content.append(.text(String(line))) }
                }
                if !content.isEmpty { blocks.append(.paragraph(Paragraph(content))) }
            }
        case CMARK_NODE_BLOCK_QUOTE where depth >= maximumNesting, CMARK_NODE_LIST where depth >= maximumNesting:
            appendFlattened(node, to: &blocks)
        case CMARK_NODE_BLOCK_QUOTE:
            blocks.append(.blockQuote(children(of: node, depth: depth + 1)))
        case CMARK_NODE_LIST:
            let kind: List.Kind = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
                ? .ordered(start: Int(cmark_node_get_list_start(node))) : .bullet
            blocks.append(.list(List(kind: kind, items: listItems(of: node, depth: depth), isTight: cmark_node_get_list_tight(node) != 0)))
        case tableType:
            blocks.append(.table(table(node, depth: depth)))
        default:
            // Custom blocks and footnote definitions are not enabled; keep any text they hold.
            blocks.append(contentsOf: children(of: node, depth: depth))
        }
    }

    /// The leaf blocks under a container nested too deep, in order, without recursion (the
    /// input may nest thousands of levels).
    private func appendFlattened(_ container: Node, to blocks: inout [Block]) {
        var pending: [Node] = [container]
        while let node = pending.popLast() {
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_BLOCK_QUOTE || type == CMARK_NODE_LIST || type == CMARK_NODE_ITEM {
                var children: [Node] = []
                var child = cmark_node_first_child(node)
                while let current = child {
                    children.append(current)
                    child = cmark_node_next(current)
                }
                pending.append(contentsOf: children.reversed())
            } else {
                appendBlock(node, depth: maximumNesting, to: &blocks)
            }
        }
    }

    private func listItems(of list: Node, depth: Int) -> [ListItem] {
        var items: [ListItem] = []
        var child = cmark_node_first_child(list)
        while let item = child {
            items.append(ListItem(children(of: item, depth: depth + 1)))
            child = cmark_node_next(item)
        }
        return items
    }

    private func table(_ node: Node, depth: Int) -> Table {
        let columnCount = Int(cmark_gfm_extensions_get_table_columns(node))
        var columns: [ColumnAlignment?] = []
        let alignments = cmark_gfm_extensions_get_table_alignments(node)
        for index in 0..<columnCount {
            switch alignments?[index] {
            case UInt8(ascii: "l"): columns.append(.left)
            case UInt8(ascii: "c"): columns.append(.center)
            case UInt8(ascii: "r"): columns.append(.right)
            default: columns.append(nil)
            }
        }
        var header: [TableCell] = []
        var rows: [[TableCell]] = []
        var rowNode = cmark_node_first_child(node)
        while let row = rowNode {
            var cells: [TableCell] = []
            var cellNode = cmark_node_first_child(row)
            while let cell = cellNode {
                cells.append(TableCell(inlines(of: cell, depth: depth)))
                cellNode = cmark_node_next(cell)
            }
            // Every row has exactly one cell per column.
            if cells.count > columnCount { cells.removeLast(cells.count - columnCount) }
            while cells.count < columnCount { cells.append(TableCell([])) }
            if cmark_gfm_extensions_get_table_row_is_header(row) != 0 {
                header = cells
            } else {
                rows.append(cells)
            }
            rowNode = cmark_node_next(row)
        }
        return Table(columns: columns, header: header, rows: rows)
    }

    // MARK: Inlines

    private func inlines(of node: Node, depth: Int) -> [Inline] {
        if mayHoldHTML, MarkdownInlineHTML.isPresent(under: node) {
            let reading = HTMLReader(maximumNesting: max(1, maximumNesting - depth)).readInlines(MarkdownInlineHTML.fragment(of: node))
            removals.log.merge(reading.removed)
            return reading.inlines
        }
        var builder = InlineBuilder()
        var child = cmark_node_first_child(node)
        while let current = child {
            child = cmark_node_next(current)
            appendInline(current, depth: depth, to: &builder)
            // Once read, its part of cmark-gfm's tree goes (nothing reads a block's inlines
            // twice): a 5 MB paragraph held its whole tree, and the copies of its text that
            // cmark_node_get_literal keeps, beside the model made of it until read.
            cmark_node_free(current)
        }
        return builder.finish()
    }

    private func appendInlines(of node: Node, depth: Int, to builder: inout InlineBuilder) {
        var child = cmark_node_first_child(node)
        while let current = child {
            appendInline(current, depth: depth, to: &builder)
            child = cmark_node_next(current)
        }
    }

    private func appendInline(_ node: Node, depth: Int, to builder: inout InlineBuilder) {
        let type = cmark_node_get_type(node)
        switch type {
        case CMARK_NODE_TEXT:
            if let literal = cmark_node_get_literal(node) { builder.append(cString: literal) }
        case CMARK_NODE_SOFTBREAK:
            builder.append(text: " ")
        case CMARK_NODE_LINEBREAK:
            builder.append(.lineBreak)
        case CMARK_NODE_CODE:
            builder.append(.code(literal(of: node)))
        case CMARK_NODE_HTML_INLINE:
            // Only reached inside an image's alt text (paragraphs with inline HTML are read by
            // MarkdownInlineHTML): the alt text is what was typed.
            builder.append(text: literal(of: node))
        case CMARK_NODE_STRONG:
            appendMarked(.bold, node, depth: depth, to: &builder)
        case CMARK_NODE_EMPH:
            let mark: Mark = herald_node_is_highlight(node) != 0 ? .highlight
                : herald_node_is_underline(node) != 0 ? .underline : .italic
            appendMarked(mark, node, depth: depth, to: &builder)
        case strikethroughType:
            appendMarked(.strikethrough, node, depth: depth, to: &builder)
        case CMARK_NODE_LINK:
            let content = nested(node, depth: depth)
            if let url = checkedURL(cString(cmark_node_get_url(node)), for: .link) {
                builder.append(.link(Link(url: url, title: title(of: node), content: content)))
            } else {
                builder.append(contentsOf: content)
            }
        case CMARK_NODE_IMAGE:
            let alt = nested(node, depth: depth).plainText
            if let source = checkedURL(cString(cmark_node_get_url(node)), for: .image) {
                builder.append(.image(Image(source: source, alt: alt, title: title(of: node))))
            } else if !alt.isEmpty {
                builder.append(text: alt)
            }
        default:
            appendInlines(of: node, depth: depth, to: &builder)
        }
    }

    private func checkedURL(_ raw: String, for context: SafeURL.Context) -> String? {
        if keepsPlaceholderURLs && raw.unicodeScalars.contains(MarkdownReader.placeholderMark) { return raw }
        guard let clean = SafeURL.clean(raw, for: context) else {
            // Reported like the HTML reader's refusals, so the agent hears of a javascript: link
            // whichever way it was written.
            let scheme = HTMLTreeWalker.displayScheme(raw)
            removals.log.record(context == .link ? .link(scheme: scheme) : .image(scheme: scheme), example: raw)
            return nil
        }
        return clean
    }

    private func appendMarked(_ mark: Mark, _ node: Node, depth: Int, to builder: inout InlineBuilder) {
        if depth >= maximumNesting {
            appendFlattenedInlines(of: node, to: &builder)
        } else {
            let content = nested(node, depth: depth)
            if !content.isEmpty { builder.append(.marked(mark, content)) }
        }
    }

    /// The leaves under marks nested too deep, marks dropped and text kept, without recursion.
    private func appendFlattenedInlines(of container: Node, to builder: inout InlineBuilder) {
        var pending: [Node] = []
        var child = cmark_node_last_child(container)
        while let current = child {
            pending.append(current)
            child = cmark_node_previous(current)
        }
        while let node = pending.popLast() {
            if cmark_node_first_child(node) != nil {
                var inner = cmark_node_last_child(node)
                while let current = inner {
                    pending.append(current)
                    inner = cmark_node_previous(current)
                }
            } else {
                appendInline(node, depth: maximumNesting, to: &builder)
            }
        }
    }

    private func nested(_ node: Node, depth: Int) -> [Inline] {
        var builder = InlineBuilder()
        appendInlines(of: node, depth: depth + 1, to: &builder)
        return builder.finish()
    }

    // MARK: Helpers

    private func literal(of node: Node) -> String {
        cString(cmark_node_get_literal(node))
    }

    private func title(of node: Node) -> String? {
        let title = cString(cmark_node_get_title(node))
        return title.isEmpty ? nil : title
    }

    private func cString(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}

/// Collects inlines, merging adjacent text so the model has one `.text` per run. Text is
/// gathered as bytes and becomes one String per run (cmark splits text at every special
/// character, so a sentence arrives in several pieces).
struct InlineBuilder {
    private var inlines: [Inline] = []
    private var pendingText: [UInt8] = []

    mutating func append(text: String) {
        pendingText.append(contentsOf: text.utf8)
    }

    /// Appends a NUL-terminated UTF-8 string (a cmark literal) without making a String of it.
    mutating func append(cString: UnsafePointer<CChar>) {
        cString.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
            var index = 0
            while bytes[index] != 0 { index += 1 }
            pendingText.append(contentsOf: UnsafeBufferPointer(start: bytes, count: index))
        }
    }

    mutating func append(_ inline: Inline) {
        if case .text(let text) = inline {
            append(text: text)
            return
        }
        flush()
        inlines.append(inline)
    }

    mutating func append(contentsOf inlines: [Inline]) {
        for inline in inlines { append(inline) }
    }

    mutating func finish() -> [Inline] {
        flush()
        return inlines
    }

    private mutating func flush() {
        if !pendingText.isEmpty {
            inlines.append(.text(String(decoding: pendingText, as: UTF8.self)))
            pendingText.removeAll(keepingCapacity: true)
        }
    }
}

extension Block {
    /// Applies an alignment block's alignment: text blocks take it as their text alignment,
    /// tables as their placement, containers pass it on. Code blocks and rules keep their own.
    mutating func align(_ alignment: Alignment) {
        switch self {
        case .paragraph(var paragraph):
            paragraph.alignment = alignment
            self = .paragraph(paragraph)
        case .heading(var heading):
            heading.alignment = alignment
            self = .heading(heading)
        case .table(var table):
            table.alignment = alignment
            self = .table(table)
        case .list(var list):
            for index in list.items.indices {
                for blockIndex in list.items[index].blocks.indices { list.items[index].blocks[blockIndex].align(alignment) }
            }
            self = .list(list)
        case .blockQuote(var blocks):
            for index in blocks.indices { blocks[index].align(alignment) }
            self = .blockQuote(blocks)
        case .codeBlock, .horizontalRule:
            break
        }
    }
}

/// The removals of one Markdown read.
final class RemovalCollector {
    var log = RemovalLog()
}
