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

        var isList: Bool {
            if case .list = self { return true } else { return false }
        }
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
        // Word list paragraphs among `blocks`, by index: grouped into lists when it closes.
        var wordListItems: [Int: WordListItem] = [:]

        init(kind: ContainerKind) { self.kind = kind }
    }

    /// How the paragraphs that follow are written.
    struct BlockStyle {
        var headingLevel: Int? = nil
        var alignment: Alignment? = nil
        var isRTL = false
        /// Inside a Word list paragraph (`<p style="mso-list:l0 level1 lfo1">`).
        var wordList: WordListLevel? = nil
    }

    /// A paragraph Word wrote as a list item, with the marker text it wrote before it.
    struct WordListItem {
        var level: WordListLevel
        var marker: String
    }

    /// Wider tables are cut: a row of 65,535 `colspan`s must not become 65,535 cells per row.
    static let maximumColumns = 256
    /// A `colspan` counts for at most this many columns, and the tables of one document hold at
    /// most `maximumCells` cells together (beyond that a table is narrowed to one column): every
    /// row is padded to the widest, so wide rows times thousands of rows or tables would
    /// otherwise turn a 64 KB paste into a 90 MB email.
    static let maximumSpan = 32
    static let maximumCells = 10_000

    /// Adds a cell's text to the last cell of `cells`, after a space.
    static func fold(_ cell: TableCell, into cells: inout [(TableCell, ColumnAlignment?)]) {
        guard !cell.content.isEmpty, let last = cells.indices.last else { return }
        cells[last].0.content += (cells[last].0.content.isEmpty ? [] : [.text(" ")]) + cell.content
    }

    var containers: [Container] = [Container(kind: .root)]
    /// Cells the document's tables may still hold (see `maximumCells`).
    var cellBudget = HTMLModelBuilder.maximumCells
    var styles: [BlockStyle] = [BlockStyle()]
    /// The marker (bullet or number) of the Word list paragraph being read, kept out of its text.
    var wordListMarker = ""
    /// Bounds how deep Word's list levels nest, as `maximumNesting` bounds `<ul>`s.
    var maximumNesting = 48

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
        let marker = wordListMarker
        wordListMarker = ""
        guard !containers[index].run.isEmpty else { return }
        let content = containers[index].run.finish()
        guard !content.isBlank else { return }
        let style = self.style
        if let wordList = style.wordList, !containers[index].kind.isList {
            containers[index].wordListItems[containers[index].blocks.count] = WordListItem(level: wordList, marker: marker)
            containers[index].blocks.append(.paragraph(Paragraph(content, alignment: style.alignment)))
        } else if let level = style.headingLevel {
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
        guard containers.count > 1, var container = containers.popLast() else { return }
        container.blocks = groupingWordLists(container, depth: containers.count + 1)
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
            if let table = table(from: container, alignment: alignment) { append(block: .table(table)) }
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
            guard room > 0 else {
                // Past the last column the text still counts: it joins the row's last cell.
                Self.fold(cell, into: &containers[index].cells)
                return
            }
            containers[index].cells.append((cell, alignment))
            // A spanning cell is followed by empty cells so every row has the same columns.
            for _ in 1..<max(1, min(span, room, Self.maximumSpan)) { containers[index].cells.append((TableCell([]), alignment)) }
        }
    }

    /// The document, after closing whatever the HTML left open.
    mutating func finish() -> [Block] {
        while containers.count > 1 { closeContainer() }
        flushRun()
        return groupingWordLists(containers[0], depth: 1)
    }

    // MARK: Word lists

    /// The container's blocks with each run of consecutive Word list paragraphs of one list
    /// made a tight list, nested by level. One pass: every paragraph is pushed and popped once.
    private func groupingWordLists(_ container: Container, depth: Int) -> [Block] {
        let tags = container.wordListItems
        // A list opened at `depth` and each level below it cost two containers, like <ul><li>.
        guard !tags.isEmpty, depth <= maximumNesting else { return container.blocks }
        let maximumLevels = (maximumNesting - depth) / 2 + 1

        struct OpenList {
            var level: Int
            var kind: List.Kind
            var items: [ListItem]
        }
        var result: [Block] = []
        var open: [OpenList] = []
        var listID: String? = nil
        func closeInnermost() {
            guard let list = open.popLast() else { return }
            let block = Block.list(List(kind: list.kind, items: list.items, isTight: true))
            if open.isEmpty {
                result.append(block)
            } else {
                // Every open list holds at least the item that opened it.
                open[open.count - 1].items[open[open.count - 1].items.count - 1].blocks.append(block)
            }
        }
        for (index, block) in container.blocks.enumerated() {
            guard let tag = tags[index] else {
                while !open.isEmpty { closeInnermost() }
                listID = nil
                result.append(block)
                continue
            }
            if tag.level.id != listID {
                while !open.isEmpty { closeInnermost() }
                listID = tag.level.id
            }
            let level = tag.level.level
            while let innermost = open.last, innermost.level > level { closeInnermost() }
            let item = ListItem([block])
            if let innermost = open.last, innermost.level == level || open.count >= maximumLevels {
                open[open.count - 1].items.append(item)
            } else {
                open.append(OpenList(level: level, kind: Self.wordListKind(marker: tag.marker), items: [item]))
            }
        }
        while !open.isEmpty { closeInnermost() }
        return result
    }

    /// A number (`3.`, `3)`, `(3)`, legal `2.1.`) is an ordered list from that number; a letter
    /// or a roman numeral (`a.`, `B)`, `iv.`) an ordered list from 1, since the model numbers
    /// with digits only; anything else (`·`, `o`, `§`, `-`, Wingdings) or no marker a bullet list.
    static func wordListKind(marker: String) -> List.Kind {
        var text = Substring(marker)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard let last = text.last, last == "." || last == ")" else { return .bullet }
        text.removeLast()
        if last == ")", text.first == "(" { text.removeFirst() }
        guard !text.isEmpty, text.count <= 24 else { return .bullet }
        if text.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) {
            // Legal numbering (`2.1`) counts by its last number.
            guard let digits = text.split(separator: ".").last else { return .bullet }
            return .ordered(start: Int(digits).map { min($0, 999_999_999) } ?? 999_999_999)
        }
        let isLetter = text.count == 1 && text.allSatisfy { $0.isASCII && $0.isLetter }
        let isRoman = text.lowercased().allSatisfy { "ivxlcdm".contains($0) }
        return isLetter || isRoman ? .ordered(start: 1) : .bullet
    }

    // MARK: Tables and cells

    private mutating func table(from container: Container, alignment: Alignment?) -> Table? {
        var header = container.header ?? []
        var rows = container.rows
        var width = max(header.count, rows.map(\.count).max() ?? 0)
        guard width > 0 else { return nil }
        defer { cellBudget = max(0, cellBudget - width * (rows.count + 1)) }
        if width * (rows.count + 1) > cellBudget {
            // Narrower, so the document stays within the budget; the cut cells' text is kept.
            width = max(1, cellBudget / (rows.count + 1))
            func narrowed(_ row: [(TableCell, ColumnAlignment?)]) -> [(TableCell, ColumnAlignment?)] {
                guard row.count > width else { return row }
                var kept = Array(row.prefix(width))
                for extra in row.dropFirst(width) { Self.fold(extra.0, into: &kept) }
                return kept
            }
            header = narrowed(header)
            rows = rows.map(narrowed)
        }
        var columns: [ColumnAlignment?] = []
        for column in 0..<width {
            // The header's alignment decides the column, else the first row that has the cell.
            if column < header.count {
                columns.append(header[column].1)
            } else {
                columns.append(rows.first { $0.count > column }?[column].1)
            }
        }
        func padded(_ row: [(TableCell, ColumnAlignment?)]) -> [TableCell] {
            row.map(\.0) + Array(repeating: TableCell([]), count: width - row.count)
        }
        return Table(columns: columns,
                     header: header.isEmpty ? [] : padded(header),
                     rows: rows.map(padded),
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
