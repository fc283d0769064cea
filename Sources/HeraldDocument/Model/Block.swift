/// A block-level element of a `Document`.
public enum Block: Equatable, Sendable {
    case paragraph(Paragraph)
    case heading(Heading)
    case list(List)
    case table(Table)
    case blockQuote([Block])
    case codeBlock(CodeBlock)
    case horizontalRule
}

public struct Paragraph: Equatable, Sendable {
    public var content: [Inline]
    /// `nil` means the renderer's default (start of line for the text direction).
    public var alignment: Alignment?

    public init(_ content: [Inline], alignment: Alignment? = nil) {
        self.content = content
        self.alignment = alignment
    }
}

public struct Heading: Equatable, Sendable {
    /// 1 to 6.
    public var level: Int
    public var content: [Inline]
    public var alignment: Alignment?

    public init(level: Int, _ content: [Inline], alignment: Alignment? = nil) {
        self.level = min(max(level, 1), 6)
        self.content = content
        self.alignment = alignment
    }
}

public struct List: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case bullet
        case ordered(start: Int)
    }

    public var kind: Kind
    public var items: [ListItem]
    /// A tight list has no blank lines between its items (its paragraphs render without gaps).
    public var isTight: Bool

    public init(kind: Kind, items: [ListItem], isTight: Bool = true) {
        self.kind = kind
        self.items = items
        self.isTight = isTight
    }
}

public struct ListItem: Equatable, Sendable {
    public var blocks: [Block]

    public init(_ blocks: [Block]) {
        self.blocks = blocks
    }
}

public struct Table: Equatable, Sendable {
    /// One entry per column: the alignment of that column's cells.
    public var columns: [ColumnAlignment?]
    public var header: [TableCell]
    public var rows: [[TableCell]]
    /// Placement of the whole table in the message column (from an alignment block).
    public var alignment: Alignment?

    public init(columns: [ColumnAlignment?], header: [TableCell], rows: [[TableCell]], alignment: Alignment? = nil) {
        self.columns = columns
        self.header = header
        self.rows = rows
        self.alignment = alignment
    }
}

public struct TableCell: Equatable, Sendable {
    public var content: [Inline]

    public init(_ content: [Inline]) {
        self.content = content
    }
}

public struct CodeBlock: Equatable, Sendable {
    /// The info string's first word (` ```json ` gives "json"), if any.
    public var language: String?
    /// The code, with its final newline removed.
    public var code: String

    public init(language: String? = nil, code: String) {
        self.language = language
        self.code = code
    }
}
