extension Document {
    /// Calls `visit` with every inline of the document, in reading order, including those nested
    /// in marks and links (a link is visited before its content). For checks that look at every
    /// link or image, whatever block holds it.
    public func forEachInline(_ visit: (Inline) -> Void) {
        func walk(_ inlines: [Inline]) {
            for inline in inlines {
                visit(inline)
                switch inline {
                case .marked(_, let content): walk(content)
                case .link(let link): walk(link.content)
                case .text, .code, .lineBreak, .image: break
                }
            }
        }
        func walk(_ blocks: [Block]) {
            for block in blocks {
                switch block {
                case .paragraph(let paragraph): walk(paragraph.content)
                case .heading(let heading): walk(heading.content)
                case .list(let list): list.items.forEach { walk($0.blocks) }
                case .table(let table): (table.header + table.rows.joined()).forEach { walk($0.content) }
                case .blockQuote(let inner): walk(inner)
                case .codeBlock, .horizontalRule: break
                }
            }
        }
        walk(blocks)
    }
}
