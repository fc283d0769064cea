import HeraldDocument

/// Renders a `Document` as SMS text. Formatting degrades to what plain text can say: marks are
/// dropped, lists keep their markers (`- `, `1. `; a bullet character would force UCS-2),
/// headings are their own line, tables become `column: value` lines, links become `label url`,
/// quotes keep a `> ` prefix, images leave their alt text. No wrapping: the phone wraps.
public struct SMSTextRenderer: Sendable {
    public init() {}

    public func render(_ document: Document) -> String {
        var blocks: [String] = []
        for block in document.blocks {
            let text = render(block)
            if !text.isEmpty { blocks.append(text) }
        }
        return blocks.joined(separator: "\n\n")
    }

    private func render(_ block: Block) -> String {
        switch block {
        case .paragraph(let paragraph):
            return inlineText(paragraph.content)
        case .heading(let heading):
            return inlineText(heading.content)
        case .list(let list):
            return PlainTextList.render(list) { render($0) }
        case .table(let table):
            var rows: [String] = []
            for row in table.rows {
                var lines: [String] = []
                // An empty cell says nothing: its line is left out.
                for (column, cell) in row.enumerated() {
                    let value = inlineText(cell.content)
                    if value.isEmpty { continue }
                    let label = column < table.header.count ? inlineText(table.header[column].content) : ""
                    lines.append(label.isEmpty ? value : "\(label): \(value)")
                }
                rows.append(lines.joined(separator: "\n"))
            }
            return rows.joined(separator: "\n\n")
        case .blockQuote(let blocks):
            return blocks.map(render).joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .map { "> " + $0 }.joined(separator: "\n")
        case .codeBlock(let code):
            return code.code
        case .horizontalRule:
            return "---"
        }
    }

    func inlineText(_ inlines: [Inline]) -> String {
        var text = ""
        for inline in inlines {
            switch inline {
            case .text(let value), .code(let value): text += value
            case .lineBreak: text += "\n"
            case .marked(_, let content): text += inlineText(content)
            case .link(let link):
                let label = inlineText(link.content)
                let url = TextBlockLayout.displayURL(link.url)
                text += label.isEmpty || label == url || label == link.url ? url : label + " " + url
            case .image(let image):
                text += image.alt
            }
        }
        return text
    }
}
