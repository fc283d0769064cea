/// Assembles blocks from the events of the HTML walk: containers (quotes, lists, items, tables,
/// rows, cells) own blocks; everything else (`div`, `p`, `center`...) only changes the style of
/// the paragraphs that follow. Keeping plain wrappers out of the container stack is what makes
/// 10,000 nested `<div>`s cost 10,000 small pushes, not 10,000 copies of the blocks below them.
struct HTMLModelBuilder {
    enum ContainerKind: Equatable {
        case root
        case quote
        /// A layout cell with a top border and nothing in it is the email renderer's rule.
        case ruleCandidate
        case list(List.Kind)
        case item
        case table(alignment: Alignment?)
        case row
        case cell(isHeader: Bool, alignment: ColumnAlignment?, span: Int)
    }

    struct Container {
        var kind: ContainerKind
        var blocks: [Block] = []
        var run = HTMLInlineRun()
        // Lists
        var items: [ListItem] = []
        var isLoose = false
        // List items: a <p> inside means a loose list (paragraphs with gaps).
        var sawParagraph = false
        // Tables
        var header: [(TableCell, ColumnAlignment?)]? = nil
        var rows: [[(TableCell, ColumnAlignment?)]] = []
        var inHead = false
        var sawHead = false
        // Rows
        var cells: [(TableCell, ColumnAlignment?)] = []
        var allHeaderCells = true

        init(kind: ContainerKind) { self.kind = kind }
    }

    /// How the paragraphs that follow are written.
    struct BlockStyle {
        var headingLevel: Int? = nil
        var alignment: Alignment? = nil
        var isRTL = false
    }

    /// Wider tables are cut: a row of 65,535 `colspan`s must not become 65,535 cells per row.
    static let maximumColumns = 256

    var containers: [Container] = [Container(kind: .root)]
    var styles: [BlockStyle] = [BlockStyle()]

    var top: ContainerKind { containers[containers.count - 1].kind }
    var style: BlockStyle { styles[styles.count - 1] }

    // MARK: Inline content

    mutating func append(text: String, context: [HTMLInlineEntry]) {
        containers[containers.count - 1].run.append(text: text, context: context)
    }

    mutating func append(leaf: Inline, context: [HTMLInlineEntry]) {
        containers[containers.count - 1].run.append(leaf: leaf, context: context)
    }

    mutating func appendLineBreak(context: [HTMLInlineEntry]) {
        containers[containers.count - 1].run.appendLineBreak(context: context)
    }

    /// Ends the paragraph being read (a block element starts or ends).
    mutating func flushRun() {
        let index = containers.count - 1
        guard !containers[index].run.isEmpty else { return }
        let content = containers[index].run.finish()
        guard !content.isBlank else { return }
        let style = self.style
        if let level = style.headingLevel {
            append(block: .heading(Heading(level: level, content, alignment: style.alignment)))
        } else {
            append(block: .paragraph(Paragraph(content, alignment: style.alignment)))
        }
    }

    // MARK: Blocks

    mutating func append(block: Block) {
        let index = containers.count - 1
        switch containers[index].kind {
        case .list:
            // Content directly in <ul> (outside any <li>) belongs to the item before it.
            if containers[index].items.isEmpty {
                containers[index].items.append(ListItem([block]))
            } else {
                containers[index].items[containers[index].items.count - 1].blocks.append(block)
            }
        default:
            containers[index].blocks.append(block)
        }
    }

    mutating func pushStyle(_ style: BlockStyle) {
        styles.append(style)
    }

    mutating func popStyle() {
        if styles.count > 1 { styles.removeLast() }
    }

    mutating func openContainer(_ kind: ContainerKind) {
        flushRun()
        containers.append(Container(kind: kind))
    }

    mutating func noteParagraphElement() {
        if case .item = top { containers[containers.count - 1].sawParagraph = true }
    }

    var depth: Int { containers.count }

    mutating func enterTableSection(head: Bool) {
        guard case .table = top else { return }
        containers[containers.count - 1].inHead = head
        if head { containers[containers.count - 1].sawHead = true }
    }

    /// Closes the innermost container and hands what it built to the one around it.
    mutating func closeContainer() {
        flushRun()
        guard containers.count > 1, let container = containers.popLast() else { return }
        switch container.kind {
        case .root:
            break
        case .quote:
            if !container.blocks.isEmpty { append(block: .blockQuote(container.blocks)) }
        case .ruleCandidate:
            if container.blocks.isEmpty {
                append(block: .horizontalRule)
            } else {
                for block in container.blocks { append(block: block) }
            }
        case .list(let kind):
            if !container.items.isEmpty {
                append(block: .list(List(kind: kind, items: container.items, isTight: !container.isLoose)))
            }
        case .item:
            let index = containers.count - 1
            guard case .list = containers[index].kind else {
                for block in container.blocks { append(block: block) }
                return
            }
            containers[index].items.append(ListItem(container.blocks))
            if container.sawParagraph { containers[index].isLoose = true }
        case .table(let alignment):
            for block in container.blocks { append(block: block) }
            if let table = Self.table(from: container, alignment: alignment) { append(block: .table(table)) }
        case .row:
            let index = containers.count - 1
            guard case .table = containers[index].kind else { return }
            // Stray content inside <tr> (outside cells) is shown before the table.
            containers[index].blocks.append(contentsOf: container.blocks)
            guard !container.cells.isEmpty else { return }
            if containers[index].header == nil,
               containers[index].inHead || (!containers[index].sawHead && containers[index].rows.isEmpty && container.allHeaderCells) {
                containers[index].header = container.cells
            } else {
                containers[index].rows.append(container.cells)
            }
        case .cell(let isHeader, let alignment, let span):
            let index = containers.count - 1
            guard case .row = containers[index].kind else { return }
            let cell = TableCell(Self.inlines(of: container.blocks))
            // Word aligns the paragraph inside the cell, not the cell.
            var alignment = alignment
            if alignment == nil, case .paragraph(let paragraph)? = container.blocks.first {
                alignment = HTMLTreeWalker.columnAlignment(paragraph.alignment)
            }
            if !isHeader { containers[index].allHeaderCells = false }
            let room = Self.maximumColumns - containers[index].cells.count
            guard room > 0 else { return }
            containers[index].cells.append((cell, alignment))
            // A spanning cell is followed by empty cells so every row has the same columns.
            for _ in 1..<max(1, min(span, room)) { containers[index].cells.append((TableCell([]), alignment)) }
        }
    }

    /// The document, after closing whatever the HTML left open.
    mutating func finish() -> [Block] {
        while containers.count > 1 { closeContainer() }
        flushRun()
        return containers[0].blocks
    }

    // MARK: Tables and cells

    private static func table(from container: Container, alignment: Alignment?) -> Table? {
        let header = container.header ?? []
        let width = max(header.count, container.rows.map(\.count).max() ?? 0)
        guard width > 0 else { return nil }
        var columns: [ColumnAlignment?] = []
        for column in 0..<width {
            // The header's alignment decides the column, else the first row that has the cell.
            if column < header.count {
                columns.append(header[column].1)
            } else {
                columns.append(container.rows.first { $0.count > column }?[column].1)
            }
        }
        func padded(_ row: [(TableCell, ColumnAlignment?)]) -> [TableCell] {
            row.map(\.0) + Array(repeating: TableCell([]), count: width - row.count)
        }
        return Table(columns: columns,
                     header: header.isEmpty ? [] : padded(header),
                     rows: container.rows.map(padded),
                     alignment: alignment)
    }

    /// A cell holds inlines only: its paragraphs are joined by line breaks, and anything deeper
    /// (a list or a table pasted into a cell) keeps its text the same way.
    static func inlines(of blocks: [Block]) -> [Inline] {
        var result: [Inline] = []
        func add(_ content: [Inline]) {
            guard !content.isEmpty else { return }
            if !result.isEmpty { result.append(.lineBreak) }
            result.append(contentsOf: content)
        }
        // Explicit stack: cells may hold nested structures.
        var pending: [Block] = blocks.reversed()
        while let block = pending.popLast() {
            switch block {
            case .paragraph(let paragraph): add(paragraph.content)
            case .heading(let heading): add(heading.content)
            case .codeBlock(let code): add([.code(code.code)])
            case .horizontalRule: break
            case .blockQuote(let inner): pending.append(contentsOf: inner.reversed())
            case .list(let list): pending.append(contentsOf: list.items.flatMap(\.blocks).reversed())
            case .table(let table):
                for row in ([table.header] + table.rows).reversed() where !row.isEmpty {
                    pending.append(.paragraph(Paragraph(row.flatMap { $0.content.isEmpty ? [] : $0.content + [.text(" ")] }.dropLastSpace())))
                }
            }
        }
        return result
    }
}

private extension Array where Element == Inline {
    func dropLastSpace() -> [Inline] {
        guard case .text(" ")? = last else { return self }
        return Array(dropLast())
    }
}
