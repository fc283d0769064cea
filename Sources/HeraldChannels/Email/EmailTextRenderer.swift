import HeraldDocument

/// Renders a `Document` as the text/plain alternative of an email, from the model (not from the
/// HTML): headings underlined (`=` for level 1, `-` below), `-` and `1.` lists indented by
/// nesting, tables as aligned columns (or `Header: value` blocks when too wide), links as
/// `text (url)`, images as `[alt]`, rules as a line, quotes with `> `, code indented by four spaces. Lines wrap at
/// `width` columns, never inside a word or URL.
public struct EmailTextRenderer: Sendable {
    /// 76 leaves room for quoting ("> ") within RFC 5322's recommended 78.
    public var width: Int

    public init(width: Int = 76) {
        self.width = max(width, 20)
    }

    public func render(_ document: Document, options: EmailRenderOptions = EmailRenderOptions()) -> String {
        var blocks = document.blocks
        // Some clients (GMX, Web.de, K-9) take the preview from the text part: lead with it.
        if let preheader = options.preheader, !preheader.isEmpty {
            blocks.insert(.paragraph(Paragraph([.text(preheader)])), at: 0)
        }
        let direction = options.direction ?? document.textDirection
        let lines = TextBlockLayout(direction: direction).lines(for: blocks, width: width)
        var text = ""
        for line in lines {
            text += line.trimmingTrailingSpaces()
            text += "\n"
        }
        return text
    }
}

/// Lays blocks out as lines of plain text.
struct TextBlockLayout {
    let direction: TextDirection

    func lines(for blocks: [Block], width: Int, tight: Bool = false) -> [String] {
        var lines: [String] = []
        for block in blocks {
            let blockLines = self.lines(for: block, width: width)
            if blockLines.isEmpty { continue }
            if !lines.isEmpty && !tight { lines.append("") }
            lines.append(contentsOf: blockLines)
        }
        return lines
    }

    func lines(for block: Block, width: Int) -> [String] {
        switch block {
        case .paragraph(let paragraph):
            return aligned(wrapped(paragraph.content, width: width), alignment: paragraph.alignment, width: width)
        case .heading(let heading):
            let text = aligned(wrapped(heading.content, width: width), alignment: heading.alignment, width: width)
            let underlineWidth = min(text.map { DisplayWidth.of($0.trimmingLeadingSpaces()) }.max() ?? 0, width)
            guard underlineWidth > 0 else { return [] }
            let underline = String(repeating: heading.level == 1 ? "=" : "-", count: underlineWidth)
            let indent = text.last.map { String(repeating: " ", count: $0.count - $0.trimmingLeadingSpaces().count) } ?? ""
            return text + [indent + underline]
        case .list(let list):
            return listLines(list, width: width)
        case .table(let table):
            return TextTableLayout(table: table, inlineText: inlineText).lines(width: width)
        case .blockQuote(let blocks):
            return lines(for: blocks, width: max(width - 2, 10)).map { $0.isEmpty ? ">" : "> " + $0 }
        case .codeBlock(let code):
            return code.code.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
        case .horizontalRule:
            return [String(repeating: "-", count: min(40, width))]
        }
    }

    private func listLines(_ list: List, width: Int) -> [String] {
        var lines: [String] = []
        var number: Int
        if case .ordered(let start) = list.kind { number = start } else { number = 0 }
        for item in list.items {
            let marker: String
            if case .ordered = list.kind {
                marker = "\(number). "
                number += 1
            } else {
                marker = "- "
            }
            let indent = String(repeating: " ", count: marker.count)
            var itemLines = self.lines(for: item.blocks, width: max(width - marker.count, 10), tight: list.isTight)
            if itemLines.isEmpty { itemLines = [""] }
            if !lines.isEmpty && !list.isTight { lines.append("") }
            for (index, line) in itemLines.enumerated() {
                lines.append((index == 0 ? marker : (line.isEmpty ? "" : indent)) + line)
            }
        }
        return lines
    }

    private func wrapped(_ content: [Inline], width: Int) -> [String] {
        let wrapper = LineWrapper(width: width)
        var lines: [String] = []
        for line in inlineText(content).split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(contentsOf: wrapper.wrap(String(line)))
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Centre or right-align lines inside `width`. Right-to-left text is already right-aligned
    /// by the reader's client, so it is not padded.
    private func aligned(_ lines: [String], alignment: Alignment?, width: Int) -> [String] {
        guard direction == .ltr, let alignment, alignment == .center || alignment == .right else { return lines }
        return lines.map { line in
            let free = max(width - DisplayWidth.of(line), 0)
            let pad = alignment == .center ? free / 2 : free
            return String(repeating: " ", count: pad) + line
        }
    }

    /// Inline content as text: marks dropped except strikethrough (`~~x~~`, since struck-out text
    /// shown plainly would read as valid), links as `text (url)`, images as `[alt]`.
    func inlineText(_ inlines: [Inline]) -> String {
        var text = ""
        for inline in inlines { appendText(of: inline, to: &text) }
        return text
    }

    private func appendText(of inline: Inline, to text: inout String) {
        switch inline {
        case .text(let value), .code(let value):
            text += value
        case .lineBreak:
            text += "\n"
        case .marked(.strikethrough, let content):
            text += "~~" + inlineText(content) + "~~"
        case .marked(_, let content):
            text += inlineText(content)
        case .link(let link):
            let label = inlineText(link.content).trimmingASCIISpaces()
            let shown = Self.displayURL(link.url)
            if label.isEmpty {
                text += shown
            } else if label == shown || label == link.url {
                text += label
            } else if link.url == "http://" + label || link.url == "https://" + label {
                // An autolinked "www.example.org": the URL says it all.
                text += link.url
            } else {
                text += label + " (" + shown + ")"
            }
        case .image(let image):
            // Brackets tell the reader this stood for a picture (as text browsers show it).
            if !image.alt.isEmpty { text += "[" + image.alt + "]" }
        }
    }

    /// `mailto:` and `tel:` read better without their scheme.
    static func displayURL(_ url: String) -> String {
        for scheme in ["mailto:", "tel:"] where url.lowercased().hasPrefix(scheme) {
            return String(url.dropFirst(scheme.count))
        }
        return url
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = Substring(self)
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return String(result)
    }

    func trimmingLeadingSpaces() -> Substring {
        Substring(self).drop { $0 == " " }
    }

    func trimmingASCIISpaces() -> String {
        String(trimmingTrailingSpaces().trimmingLeadingSpaces())
    }
}
