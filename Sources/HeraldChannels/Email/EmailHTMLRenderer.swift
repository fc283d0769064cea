import HeraldDocument

/// Renders a `Document` as email-safe HTML: every style inline (no CSS inliner), the hybrid 600px
/// column (a fixed-width table for Outlook on Windows inside conditional comments, a max-width
/// div for everyone else), and the element mapping that survives Outlook, Gmail and Apple Mail
/// (see README, "Email HTML"). The output is deterministic: the same input gives the same bytes.
public struct EmailHTMLRenderer: Sendable {
    public struct Output: Equatable, Sendable {
        public var html: String
        public var warnings: [RenderWarning]
    }

    /// Gmail clips messages whose HTML is larger than about 102 KB.
    public static let gmailClippingLimit = 102 * 1024

    public var theme: EmailTheme

    public init(theme: EmailTheme = EmailTheme()) {
        self.theme = theme
    }

    public func render(_ document: Document, options: EmailRenderOptions = EmailRenderOptions()) -> Output {
        let direction = options.direction ?? document.textDirection
        var writer = HTMLBodyWriter(theme: theme, direction: direction)
        var html = ""
        html.reserveCapacity(4096 + document.blocks.count * 256)
        writeHead(into: &html, options: options, direction: direction)
        writer.output = html
        for block in document.blocks { writer.write(block) }
        html = writer.output
        writeTail(into: &html)

        var warnings: [RenderWarning] = []
        let size = html.utf8.count
        if size > Self.gmailClippingLimit {
            warnings.append(RenderWarning(code: .gmailClipping,
                message: "the HTML is \(size) bytes; Gmail clips messages over about \(Self.gmailClippingLimit) bytes and hides the rest behind \"[Message clipped]\""))
        }
        return Output(html: html, warnings: warnings)
    }

    private func writeHead(into html: inout String, options: EmailRenderOptions, direction: TextDirection) {
        var langAttribute = ""
        if let language = options.language, !language.isEmpty {
            langAttribute = " lang=\""
            langAttribute.appendEscapedAttribute(language)
            langAttribute += "\""
        }
        html += "<!DOCTYPE html>\n"
        html += "<html\(langAttribute) dir=\"\(direction.rawValue)\" xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n"
        html += "<head>\n"
        html += "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<meta name=\"x-apple-disable-message-reformatting\">\n"
        html += "<meta name=\"format-detection\" content=\"telephone=no, date=no, address=no, email=no\">\n"
        html += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        html += "<meta name=\"supported-color-schemes\" content=\"light dark\">\n"
        html += "<title>"
        html.appendEscapedText(options.title ?? "")
        html += "</title>\n"
        // Outlook on Windows: render PNGs and keep sizes at 96 dpi on high-DPI screens.
        html += "<!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:AllowPNG/><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->\n"
        // Only resets and dark mode live here; everything that matters is inline.
        html += "<style>\n"
        html += ":root{color-scheme:light dark;supported-color-schemes:light dark;}\n"
        html += "body{margin:0;padding:0;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%;}\n"
        html += "table,td{border-collapse:collapse;mso-table-lspace:0pt;mso-table-rspace:0pt;}\n"
        html += "img{border:0;height:auto;line-height:100%;outline:none;text-decoration:none;-ms-interpolation-mode:bicubic;}\n"
        html += "@media (prefers-color-scheme:dark){.herald-page{background-color:#111827 !important;}.herald-card{background-color:#1f2937 !important;color:#e5e7eb !important;}.herald-card h1,.herald-card h2,.herald-card h3,.herald-card h4,.herald-card h5,.herald-card h6{color:#f9fafb !important;}.herald-card a{color:#93c5fd !important;}}\n"
        html += "</style>\n"
        html += "</head>\n"
        html += "<body class=\"herald-page\" style=\"margin:0;padding:0;background-color:\(theme.pageBackground);\">\n"
        if let preheader = options.preheader, !preheader.isEmpty {
            html += "<div style=\"display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;\" aria-hidden=\"true\">"
            html.appendEscapedText(preheader)
            // Filler keeps clients from pulling body text into the preview after the preheader.
            html += String(repeating: "&#8199;&#65279;&#847; ", count: 40)
            html += "</div>\n"
        }
        html += "<div role=\"article\" aria-roledescription=\"email\""
        if let title = options.title, !title.isEmpty {
            html += " aria-label=\""
            html.appendEscapedAttribute(title)
            html += "\""
        }
        html += "\(langAttribute) dir=\"\(direction.rawValue)\" style=\"background-color:\(theme.pageBackground);\">\n"
        let width = theme.contentWidth
        html += "<!--[if mso]><table role=\"presentation\" align=\"center\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" width=\"\(width)\" style=\"width:\(width)px;\"><tr><td><![endif]-->\n"
        html += "<div style=\"max-width:\(width)px;margin:0 auto;\">\n"
        html += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;\">\n"
        html += "<tr>\n<td class=\"herald-card\" style=\"padding:\(theme.contentPadding)px;background-color:\(theme.contentBackground);font-family:\(theme.fontFamily);font-size:16px;line-height:24px;color:\(theme.textColor);word-wrap:break-word;word-break:break-word;\">\n"
    }

    private func writeTail(into html: inout String) {
        html += "</td>\n</tr>\n</table>\n</div>\n"
        html += "<!--[if mso]></td></tr></table><![endif]-->\n"
        html += "</div>\n</body>\n</html>\n"
    }
}

/// Writes the blocks of the message body. Kept apart from the frame so nested containers
/// (list items, quotes) reuse it.
struct HTMLBodyWriter {
    let theme: EmailTheme
    /// The document's direction; blocks that differ get their own `dir`.
    let direction: TextDirection
    var output = ""
    /// How many lists enclose what is being written: a nested list sits tight under its item.
    var listDepth = 0

    private var startSide: String { direction == .rtl ? "right" : "left" }

    mutating func write(_ block: Block, inTightList: Bool = false) {
        switch block {
        case .paragraph(let paragraph):
            if inTightList {
                writeInlines(paragraph.content)
            } else if let image = Self.standaloneImage(paragraph.content) {
                writeImageBlock(image, alignment: paragraph.alignment)
            } else {
                output += "<p\(directionAttribute(block)) style=\"margin:0 0 16px 0;\(textAlign(paragraph.alignment))\">"
                writeInlines(paragraph.content)
                output += "</p>\n"
            }
        case .heading(let heading):
            let (size, lineHeight) = theme.headingSize(heading.level)
            output += "<h\(heading.level)\(directionAttribute(block)) style=\"margin:0 0 16px 0;font-size:\(size)px;line-height:\(lineHeight)px;mso-line-height-rule:exactly;font-weight:bold;color:\(theme.headingColor);\(textAlign(heading.alignment))\">"
            writeInlines(heading.content)
            output += "</h\(heading.level)>\n"
        case .list(let list):
            writeList(list, block: block)
        case .table(let table):
            writeTable(table, block: block)
        case .blockQuote(let blocks):
            output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;\">\n"
            output += "<tr>\n<td\(directionAttribute(block)) style=\"border-\(startSide):4px solid \(theme.ruleColor);padding-\(startSide):12px;color:\(theme.mutedColor);\">\n"
            for inner in blocks { write(inner) }
            output += "</td>\n</tr>\n</table>\n"
        case .codeBlock(let code):
            output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;\">\n"
            output += "<tr>\n<td dir=\"ltr\" style=\"padding:12px;background-color:\(theme.codeBackground);font-family:\(theme.monospaceFontFamily);font-size:14px;line-height:20px;text-align:left;\">"
            output += "<pre style=\"margin:0;font-family:\(theme.monospaceFontFamily);white-space:pre-wrap;word-wrap:break-word;\">"
            output.appendEscapedText(code.code)
            output += "</pre></td>\n</tr>\n</table>\n"
        case .horizontalRule:
            // A bordered cell: Outlook ignores most of <hr>'s styling and adds its own margins.
            output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:8px 0 24px 0;\">\n"
            output += "<tr>\n<td style=\"border-top:1px solid \(theme.ruleColor);font-size:1px;line-height:1px;mso-line-height-rule:exactly;\">&nbsp;</td>\n</tr>\n</table>\n"
        }
    }

    // MARK: Lists

    private mutating func writeList(_ list: List, block: Block) {
        // Outlook on Windows ignores padding outside table cells, so lists indent with margin.
        let tag: String
        var startAttribute = ""
        switch list.kind {
        case .bullet:
            tag = "ul"
        case .ordered(let start):
            tag = "ol"
            if start != 1 { startAttribute = " start=\"\(start)\"" }
        }
        let margin = listDepth == 0 ? "0 0 16px 0" : "4px 0 0 0"
        output += "<\(tag)\(startAttribute)\(directionAttribute(block)) style=\"margin:\(margin);margin-\(startSide):24px;padding:0;\">\n"
        listDepth += 1
        defer { listDepth -= 1 }
        for item in list.items {
            output += "<li style=\"margin:0 0 4px 0;\">"
            for (index, inner) in item.blocks.enumerated() {
                if list.isTight, index > 0, case .paragraph = inner { output += "<br>" }
                if case .list = inner { output += "\n" }
                write(inner, inTightList: list.isTight)
            }
            output += "</li>\n"
        }
        output += "</\(tag)>\n"
    }

    // MARK: Tables

    private mutating func writeTable(_ table: Table, block: Block) {
        // A layout cell places the table (align on the cell is what Outlook honours); a table
        // without a placement fills the column.
        let placement = table.alignment.flatMap { $0 == .center || $0 == .right ? $0.rawValue : nil }
        let widthAttributes = placement == nil ? " width=\"100%\"" : ""
        let widthStyle = placement == nil ? "width:100%;" : ""
        output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;\">\n"
        output += "<tr>\n<td align=\"\(placement ?? startSide)\">\n"
        output += "<table\(directionAttribute(block)) border=\"0\" cellpadding=\"0\" cellspacing=\"0\"\(widthAttributes)\(placement.map { " align=\"\($0)\"" } ?? "") style=\"\(widthStyle)border-collapse:collapse;\">\n"
        if !table.header.isEmpty {
            output += "<thead>\n<tr>\n"
            for (column, cell) in table.header.enumerated() { writeCell(cell, tag: "th", alignment: table.columns[safe: column] ?? nil) }
            output += "</tr>\n</thead>\n"
        }
        output += "<tbody>\n"
        for row in table.rows {
            output += "<tr>\n"
            for (column, cell) in row.enumerated() { writeCell(cell, tag: "td", alignment: table.columns[safe: column] ?? nil) }
            output += "</tr>\n"
        }
        output += "</tbody>\n</table>\n</td>\n</tr>\n</table>\n"
    }

    private mutating func writeCell(_ cell: TableCell, tag: String, alignment: ColumnAlignment?) {
        let side = alignment?.rawValue ?? startSide
        var style = "padding:6px 8px;border:1px solid \(theme.ruleColor);text-align:\(side);vertical-align:top;font-family:\(theme.fontFamily);font-size:14px;line-height:20px;"
        if tag == "th" { style += "font-weight:bold;background-color:\(theme.codeBackground);" }
        output += "<\(tag) align=\"\(side)\" style=\"\(style)\">"
        writeInlines(cell.content)
        output += "</\(tag)>\n"
    }

    // MARK: Images

    /// A paragraph that holds only an image (possibly linked) is laid out as a block image.
    private static func standaloneImage(_ content: [Inline]) -> (image: Image, link: Link?)? {
        guard content.count == 1 else { return nil }
        switch content[0] {
        case .image(let image):
            return (image, nil)
        case .link(let link):
            if link.content.count == 1, case .image(let image) = link.content[0] { return (image, link) }
            return nil
        default:
            return nil
        }
    }

    private mutating func writeImageBlock(_ standalone: (image: Image, link: Link?), alignment: Alignment?) {
        let side = alignment.flatMap { $0 == .justify ? nil : $0.rawValue } ?? startSide
        output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;\">\n"
        output += "<tr>\n<td align=\"\(side)\">"
        if let link = standalone.link { openLink(link) }
        writeImage(standalone.image, block: true)
        if standalone.link != nil { output += "</a>" }
        output += "</td>\n</tr>\n</table>\n"
    }

    private mutating func writeImage(_ image: Image, block: Bool) {
        output += "<img src=\""
        output.appendEscapedAttribute(image.source)
        output += "\" alt=\""
        output.appendEscapedAttribute(image.alt)
        output += "\""
        if let title = image.title {
            output += " title=\""
            output.appendEscapedAttribute(title)
            output += "\""
        }
        // Outlook ignores CSS widths on images: the attribute is what it uses.
        if let width = image.width { output += " width=\"\(width)\"" }
        output += " style=\"\(block ? "display:block;" : "")border:0;outline:none;text-decoration:none;height:auto;max-width:100%;-ms-interpolation-mode:bicubic;\">"
    }

    // MARK: Inlines

    mutating func writeInlines(_ inlines: [Inline]) {
        for inline in inlines { writeInline(inline) }
    }

    private mutating func writeInline(_ inline: Inline) {
        switch inline {
        case .text(let text):
            output.appendEscapedText(text)
        case .code(let code):
            output += "<code style=\"font-family:\(theme.monospaceFontFamily);font-size:14px;background-color:\(theme.codeBackground);\">"
            output.appendEscapedText(code)
            output += "</code>"
        case .lineBreak:
            output += "<br>\n"
        case .marked(let mark, let content):
            switch mark {
            case .bold: output += "<strong style=\"font-weight:bold;\">"
            case .italic: output += "<em style=\"font-style:italic;\">"
            case .underline: output += "<u>"
            case .strikethrough: output += "<del>"
            case .highlight: output += "<span style=\"background-color:\(theme.highlightBackground);color:\(theme.highlightText);\">"
            }
            writeInlines(content)
            switch mark {
            case .bold: output += "</strong>"
            case .italic: output += "</em>"
            case .underline: output += "</u>"
            case .strikethrough: output += "</del>"
            case .highlight: output += "</span>"
            }
        case .link(let link):
            openLink(link)
            writeInlines(link.content)
            output += "</a>"
        case .image(let image):
            writeImage(image, block: false)
        }
    }

    private mutating func openLink(_ link: Link) {
        output += "<a href=\""
        output.appendEscapedAttribute(link.url)
        output += "\""
        if let title = link.title {
            output += " title=\""
            output.appendEscapedAttribute(title)
            output += "\""
        }
        output += " style=\"color:\(theme.linkColor);text-decoration:underline;\">"
    }

    // MARK: Attributes

    private func textAlign(_ alignment: Alignment?) -> String {
        guard let alignment else { return "" }
        return "text-align:\(alignment.rawValue);"
    }

    /// `dir` for a block whose own text runs against the document's direction.
    private func directionAttribute(_ block: Block) -> String {
        guard let own = block.textDirection, own != direction else { return "" }
        return " dir=\"\(own.rawValue)\""
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
