/// Writes a `Document` as the plain semantic HTML the web composer's editor holds and produces
/// (`<p style="text-align: center">`, `<h2>`, `<ul><li><p>`, `<table><tbody><tr><th><p>`, marks
/// as `<strong>`, `<em>`, `<u>`, `<s>`, `<mark>`, `<code>`), so a filled template can be put into
/// the editor and read back by `HTMLReader` as the same document.
///
/// Every text and attribute value is escaped: a customer's `<script>` in template data stays
/// text. What the editor has no place for is written as the nearest thing it does hold: a code
/// block becomes a paragraph of code lines joined by line breaks; a table's and its columns'
/// alignment, a link's or image's title and an image's width are left out. No whitespace is
/// written between elements, so the editor's parser sees only the document's own text.
public struct EditorHTMLWriter: Sendable {
    public init() {}

    public func write(_ document: Document) -> String {
        var html = ""
        for block in document.blocks { write(block, into: &html) }
        return html
    }

    private func write(_ block: Block, into html: inout String) {
        switch block {
        case .paragraph(let paragraph):
            html += "<p\(alignmentStyle(paragraph.alignment))>"
            write(paragraph.content, into: &html)
            html += "</p>"
        case .heading(let heading):
            html += "<h\(heading.level)\(alignmentStyle(heading.alignment))>"
            write(heading.content, into: &html)
            html += "</h\(heading.level)>"
        case .list(let list):
            switch list.kind {
            case .bullet: html += "<ul>"
            case .ordered(let start): html += start == 1 ? "<ol>" : "<ol start=\"\(start)\">"
            }
            for item in list.items {
                html += "<li>"
                // The editor's list item starts with a paragraph; an empty one still needs it.
                if item.blocks.isEmpty { html += "<p></p>" }
                for child in item.blocks { write(child, into: &html) }
                html += "</li>"
            }
            switch list.kind {
            case .bullet: html += "</ul>"
            case .ordered: html += "</ol>"
            }
        case .table(let table):
            html += "<table><tbody>"
            if !table.header.isEmpty { writeRow(table.header, cell: "th", into: &html) }
            for row in table.rows { writeRow(row, cell: "td", into: &html) }
            html += "</tbody></table>"
        case .blockQuote(let blocks):
            html += "<blockquote>"
            for child in blocks { write(child, into: &html) }
            html += "</blockquote>"
        case .codeBlock(let code):
            // The editor has no code block: each line as code, the lines joined by line breaks.
            html += "<p>"
            let lines = code.code.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                if index > 0 { html += "<br>" }
                if !line.isEmpty { html += "<code>\(escaped(String(line)))</code>" }
            }
            html += "</p>"
        case .horizontalRule:
            html += "<hr>"
        }
    }

    private func writeRow(_ cells: [TableCell], cell name: String, into html: inout String) {
        html += "<tr>"
        for cell in cells {
            html += "<\(name)><p>"
            write(cell.content, into: &html)
            html += "</p></\(name)>"
        }
        html += "</tr>"
    }

    private func write(_ inlines: [Inline], into html: inout String) {
        for inline in inlines { write(inline, into: &html) }
    }

    private func write(_ inline: Inline, into html: inout String) {
        switch inline {
        case .text(let text):
            html += escaped(text)
        case .code(let text):
            html += "<code>\(escaped(text))</code>"
        case .lineBreak:
            html += "<br>"
        case .marked(let mark, let content):
            let tag = Self.tags[mark] ?? "span"
            html += "<\(tag)>"
            write(content, into: &html)
            html += "</\(tag)>"
        case .link(let link):
            html += "<a href=\"\(escaped(link.url))\">"
            write(link.content, into: &html)
            html += "</a>"
        case .image(let image):
            html += "<img src=\"\(escaped(image.source))\" alt=\"\(escaped(image.alt))\">"
        }
    }

    private static let tags: [Mark: String] = [
        .bold: "strong", .italic: "em", .underline: "u", .strikethrough: "s", .highlight: "mark",
    ]

    private func alignmentStyle(_ alignment: Alignment?) -> String {
        alignment.map { " style=\"text-align: \($0.rawValue)\"" } ?? ""
    }

    /// Escapes text for both content and double- or single-quoted attributes. C0 controls other
    /// than tab and line feed (and DEL) are dropped: HTML has no way to write them, and a
    /// browser's parser would turn them into something else than the document's text.
    func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
