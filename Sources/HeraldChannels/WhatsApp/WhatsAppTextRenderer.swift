import HeraldDocument

/// Renders a `Document` in WhatsApp's own marks: `*bold*`, `_italic_`, `~strike~`, `` `code` ``
/// and ```` ``` ```` blocks, `- ` and `1. ` lists, `> ` quotes. What WhatsApp cannot show degrades:
/// headings become a bold line, tables one bullet per row of `*column*: value` pairs, underline
/// and highlight plain text, links `label (url)` (WhatsApp links bare URLs itself), rules a line.
/// Markers must touch their text, so surrounding spaces are moved outside them.
public struct WhatsAppTextRenderer: Sendable {
    /// Free-form text messages carry at most 4096 characters.
    public static let maximumLength = 4096

    public init() {}

    public func render(_ document: Document) -> String {
        document.blocks.map { render($0) }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    private func render(_ block: Block) -> String {
        switch block {
        case .paragraph(let paragraph):
            return inlineText(paragraph.content)
        case .heading(let heading):
            return wrap(Self.literal(heading.content.plainText), in: "*")
        case .list(let list):
            return PlainTextList.render(list) { render($0) }
        case .table(let table):
            return table.rows.map { row in
                let pairs = row.enumerated().compactMap { column, cell -> String? in
                    let value = inlineText(cell.content)
                    guard !value.isEmpty else { return nil }
                    let label = column < table.header.count ? table.header[column].content.plainText : ""
                    return label.isEmpty ? value : "\(wrap(Self.literal(label), in: "*")): \(value)"
                }
                return "- " + pairs.joined(separator: ", ")
            }.joined(separator: "\n")
        case .blockQuote(let blocks):
            return blocks.map { render($0) }.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .map { "> " + $0 }.joined(separator: "\n")
        case .codeBlock(let code):
            return "```\n" + code.code + "\n```"
        case .horizontalRule:
            return "________"
        }
    }

    func inlineText(_ inlines: [Inline]) -> String {
        var text = ""
        for inline in inlines {
            switch inline {
            case .text(let value): text += Self.literal(value)
            case .code(let value): text += wrap(value, in: "`")
            case .lineBreak: text += "\n"
            case .marked(.bold, let content): text += wrap(inlineText(content), in: "*")
            case .marked(.italic, let content): text += wrap(inlineText(content), in: "_")
            case .marked(.strikethrough, let content): text += wrap(inlineText(content), in: "~")
            case .marked(_, let content): text += inlineText(content)
            case .link(let link):
                let label = link.content.plainText
                let url = TextBlockLayout.displayURL(link.url)
                text += label.isEmpty || label == url || label == link.url ? url : "\(Self.literal(label)) (\(url))"
            case .image(let image):
                text += Self.literal(image.alt)
            }
        }
        return text
    }

    /// Text shown as written: WhatsApp has no escape character, so a `*`, `_`, `~` or `` ` `` of
    /// the text itself (a customer named `*Bob*`, a value filled from data) would turn into
    /// formatting. A WORD JOINER (U+2060, invisible, no width) after each such character keeps it
    /// from pairing with another as a marker (the channels reference notes this as an inference
    /// to confirm on real clients). URLs are never passed through here: they must stay as they are.
    public static func literal(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2A || $0 == 0x5F || $0 == 0x7E || $0 == 0x60 }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(scalar)
            if scalar == "*" || scalar == "_" || scalar == "~" || scalar == "`" { result.append("\u{2060}") }
        }
        return String(result)
    }

    /// `*text*`, with spaces at the edges moved outside (`* x *` is not bold in WhatsApp).
    private func wrap(_ text: String, in marker: String) -> String {
        let leading = text.prefix { $0 == " " }
        let trailing = text.reversed().prefix { $0 == " " }
        let core = text.dropFirst(leading.count).dropLast(trailing.count)
        guard !core.isEmpty else { return text }
        return leading + marker + core + marker + String(trailing)
    }
}
