/// The one model of a composed message: everything an agent's editor can express.
///
/// Readers (Markdown, editor HTML, templates) produce a `Document`; renderers (email HTML, plain
/// text, SMS, WhatsApp) consume it. It holds no markup of any output format, so every renderer
/// decides for itself how to show each element. Its JSON form (see `Document+Codable.swift`) is
/// the body of the HTTP API.
public struct Document: Equatable, Sendable {
    public var blocks: [Block]

    public init(blocks: [Block] = []) {
        self.blocks = blocks
    }
}

/// Horizontal alignment of a paragraph or heading, or the placement of a table.
public enum Alignment: String, Equatable, Sendable, Codable, CaseIterable {
    case left, center, right, justify
}

/// Alignment of the cells of one table column; `nil` in a `Table` means "not specified".
public enum ColumnAlignment: String, Equatable, Sendable, Codable, CaseIterable {
    case left, center, right
}
