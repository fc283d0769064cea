import HeraldDocument

/// The two things the email HTML cannot carry, made explicit instead of loosening the
/// comparison. Everything else in the model must come back exactly.
enum RoundTripNormalization {
    static func normalized(_ document: Document) -> Document {
        let startSide: ColumnAlignment = document.textDirection == .rtl ? .right : .left
        return Document(blocks: document.blocks.map { normalized($0, startSide: startSide) })
    }

    private static func normalized(_ block: Block, startSide: ColumnAlignment) -> Block {
        switch block {
        case .table(var table):
            // The renderer writes a column with no alignment as aligned to the start side
            // (`align="left"` in a left-to-right message): both look the same and the HTML
            // cannot tell them apart, so an unspecified column reads back as the start side.
            table.columns = table.columns.map { $0 ?? startSide }
            return .table(table)
        case .codeBlock(var code):
            // The email HTML has no place for a code block's language (nothing shows it), so
            // it cannot come back.
            code.language = nil
            return .codeBlock(code)
        case .blockQuote(let blocks):
            return .blockQuote(blocks.map { normalized($0, startSide: startSide) })
        case .list(var list):
            list.items = list.items.map { ListItem($0.blocks.map { normalized($0, startSide: startSide) }) }
            return .list(list)
        case .paragraph, .heading, .horizontalRule:
            return block
        }
    }
}
