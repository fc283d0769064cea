import HeraldDocument

/// Renders a `Document` as email-safe HTML: every style inline (no CSS inliner), the hybrid 600px
/// column (a fixed-width table for Outlook on Windows inside conditional comments, a max-width
/// div for everyone else), and the element mapping that survives Outlook, Gmail and Apple Mail
/// (see docs/email.md, "What the email HTML looks like"). The output is deterministic: the same
/// input gives the same bytes.
public struct EmailHTMLRenderer: Sendable {
    public struct Output: Equatable, Sendable {
        public var html: String
        public var warnings: [RenderWarning]
    }

    /// Gmail clips messages whose HTML is larger than about 102 KB.
    public static let gmailClippingLimit = 102 * 1024

    public let theme: EmailTheme
    private let frame: EmailFrame
    private let styles: HTMLStyles

    public init(theme: EmailTheme = EmailTheme()) {
        self.theme = theme
        // The default theme's pieces are built once per process, not once per renderer.
        if theme == Self.standardTheme {
            frame = Self.standardFrame
            styles = Self.standardStyles
        } else {
            frame = EmailFrame(theme: theme)
            styles = HTMLStyles(theme: theme)
        }
    }

    private static let standardTheme = EmailTheme()
    private static let standardFrame = EmailFrame(theme: standardTheme)
    private static let standardStyles = HTMLStyles(theme: standardTheme)

    public func render(_ document: Document, options: EmailRenderOptions = EmailRenderOptions()) -> Output {
        let output = write(document, options: options, chunkSize: .max)
        return Output(html: output.text, warnings: warnings(size: output.count))
    }

    /// The same HTML as `render`, as pieces of UTF-8 to write one after the other: a large
    /// message's HTML is never copied into one String (what writes a file needs no String).
    public func renderUTF8(_ document: Document, options: EmailRenderOptions = EmailRenderOptions()) -> (utf8: [[UInt8]], warnings: [RenderWarning]) {
        let output = write(document, options: options, chunkSize: Self.chunkSize)
        return (output.chunks, warnings(size: output.count))
    }

    /// The size of the pieces of `renderUTF8`: large enough that setting one aside is rare, small
    /// enough that the buffer's slack beside them is small.
    static let chunkSize = 1_048_576

    private func write(_ document: Document, options: EmailRenderOptions, chunkSize: Int) -> ByteWriter {
        let direction = options.direction ?? document.textDirection
        var writer = HTMLBodyWriter(theme: theme, styles: styles, direction: direction)
        // A guess at the output, capped: beyond it the buffer grows by doubling, and a 5 MB input
        // must not reserve twice its output up front (it did: 26 MB for 68,000 paragraphs).
        writer.output = ByteWriter(capacity: min(6144 + document.blocks.count * 384, 262_144))
        writer.output.chunkSize = chunkSize
        writeHead(into: &writer.output, options: options, direction: direction)
        if let header = options.layout?.header, !header.blocks.isEmpty {
            writer.output += frame.headerOpen
            for block in header.blocks { writer.write(block) }
            writer.output += "</td>\n</tr>\n"
        }
        writer.output += frame.cardOpen
        for block in document.blocks {
            writer.write(block)
            // Between blocks: nothing written later looks back at what came before.
            writer.output.sealChunk()
        }
        writer.output += EmailFrame.cardClose
        if let footer = options.layout?.footer, !footer.blocks.isEmpty {
            writer.output += frame.footerOpen
            for block in footer.blocks { writer.write(block) }
            writer.output += "</td>\n</tr>\n"
        }
        writer.output += EmailFrame.tail
        return writer.output
    }

    private func warnings(size: Int) -> [RenderWarning] {
        guard size > Self.gmailClippingLimit else { return [] }
        return [RenderWarning(code: .gmailClipping,
            message: "the HTML is \(size) bytes; Gmail clips messages over about \(Self.gmailClippingLimit) bytes and hides the rest behind \"[Message clipped]\"")]
    }

    private func writeHead(into html: inout ByteWriter, options: EmailRenderOptions, direction: TextDirection) {
        var langAttribute = ""
        if let language = options.language, !language.isEmpty {
            var escaped = ByteWriter()
            escaped.appendEscapedAttribute(language)
            langAttribute = " lang=\"\(escaped.text)\""
        }
        let dirAttribute = direction == .rtl ? " dir=\"rtl\"" : " dir=\"ltr\""
        html += "<!DOCTYPE html>\n<html"
        html += langAttribute
        html += dirAttribute
        html += frame.headToTitle
        html.appendEscapedText(options.title ?? "")
        html += frame.titleToBody
        if let preheader = options.preheader, !preheader.isEmpty {
            html += frame.preheaderOpen
            html.appendEscapedText(preheader)
            html += frame.preheaderClose
        }
        html += "<div role=\"article\" aria-roledescription=\"email\""
        if let title = options.title, !title.isEmpty {
            html += " aria-label=\""
            html.appendEscapedAttribute(title)
            html += "\""
        }
        html += langAttribute
        html += dirAttribute
        html += frame.articleToTable
    }
}

/// The fixed parts of the email HTML around the content, made once per renderer (they depend
/// on the theme only) so a render copies them instead of assembling them.
struct EmailFrame: Sendable {
    let headToTitle: String
    let titleToBody: String
    let preheaderOpen = "<div style=\"display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;\" aria-hidden=\"true\">"
    /// Filler keeps clients from pulling body text into the preview after the preheader.
    let preheaderClose = String(repeating: "&#8199;&#65279;&#847; ", count: 40) + "</div>\n"
    let articleToTable: String
    let cardOpen: String
    /// A layout's header row (logo, title) above the card, and its footer row below it.
    let headerOpen: String
    let footerOpen: String

    static let cardClose = "</td>\n</tr>\n"
    static let tail = "</table>\n</div>\n<!--[if mso]></td></tr></table><![endif]-->\n</div>\n</body>\n</html>\n"

    init(theme: EmailTheme) {
        headToTitle = """
             xmlns="http://www.w3.org/1999/xhtml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
            <head>
            <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="x-apple-disable-message-reformatting">
            <meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
            <meta name="color-scheme" content="light dark">
            <meta name="supported-color-schemes" content="light dark">
            <title>
            """
        // The Office settings make Outlook on Windows render PNGs and keep sizes at 96 dpi on
        // high-DPI screens. Only resets and dark mode live in <style>; all that matters is inline.
        titleToBody = """
            </title>
            <!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:AllowPNG/><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->
            <style>
            :root{color-scheme:light dark;supported-color-schemes:light dark;}
            body{margin:0;padding:0;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%;}
            table,td{border-collapse:collapse;mso-table-lspace:0pt;mso-table-rspace:0pt;}
            img{border:0;height:auto;line-height:100%;outline:none;text-decoration:none;-ms-interpolation-mode:bicubic;}
            @media (prefers-color-scheme:dark){.herald-page{background-color:#111827 !important;}.herald-card{background-color:#1f2937 !important;color:#e5e7eb !important;}.herald-card h1,.herald-card h2,.herald-card h3,.herald-card h4,.herald-card h5,.herald-card h6{color:#f9fafb !important;}.herald-card a{color:#93c5fd !important;}}
            </style>
            </head>
            <body class="herald-page" style="margin:0;padding:0;background-color:\(theme.pageBackground);">

            """
        let width = theme.contentWidth
        articleToTable = """
             style="background-color:\(theme.pageBackground);">
            <!--[if mso]><table role="presentation" align="center" border="0" cellpadding="0" cellspacing="0" width="\(width)" style="width:\(width)px;"><tr><td><![endif]-->
            <div style="max-width:\(width)px;margin:0 auto;">
            <table role="presentation" width="100%" border="0" cellpadding="0" cellspacing="0" style="width:100%;table-layout:fixed;">

            """
        cardOpen = """
            <tr>
            <td class="herald-card" style="padding:\(theme.contentPadding)px;background-color:\(theme.contentBackground);font-family:\(theme.fontFamily);font-size:16px;line-height:24px;color:\(theme.textColor);word-wrap:break-word;">

            """
        let padding = theme.contentPadding
        headerOpen = """
            <tr>
            <td class="herald-header" style="padding:\(padding)px \(padding)px 8px \(padding)px;font-family:\(theme.fontFamily);font-size:16px;line-height:24px;color:\(theme.textColor);text-align:center;">

            """
        footerOpen = """
            <tr>
            <td class="herald-footer" style="padding:16px \(padding)px \(padding)px \(padding)px;font-family:\(theme.fontFamily);font-size:12px;line-height:18px;color:\(theme.mutedColor);text-align:center;">

            """
    }
}

/// Writes the blocks of the message body. Kept apart from the frame so nested containers
/// (list items, quotes) reuse it.
struct HTMLBodyWriter {
    let theme: EmailTheme
    let styles: HTMLStyles
    /// The document's direction; blocks that differ get their own `dir`.
    let direction: TextDirection
    var output = ByteWriter()
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
                output += "<p"
                output += directionAttribute(block)
                output += " style=\"margin:0 0 16px 0;"
                output += textAlign(paragraph.alignment)
                output += "\">"
                writeInlines(paragraph.content)
                output += "</p>\n"
            }
        case .heading(let heading):
            output += styles.headingTag[heading.level - 1]
            output += directionAttribute(block)
            output += styles.headingStyle[heading.level - 1]
            output += textAlign(heading.alignment)
            output += "\">"
            writeInlines(heading.content)
            output += styles.headingClose[heading.level - 1]
        case .list(let list):
            writeList(list, block: block)
        case .table(let table):
            writeTable(table, block: block)
        case .blockQuote(let blocks):
            // Fixed layout: the quote is the card's width whatever it holds (a wide table inside
            // scrolls in its own box; see writeTable).
            output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;table-layout:fixed;\">\n"
            output += "<tr>\n<td"
            output += directionAttribute(block)
            output += " style=\"border-"
            output += startSide
            output += ":4px solid "
            output += theme.ruleColor
            output += ";padding-"
            output += startSide
            output += ":12px;color:"
            output += theme.mutedColor
            output += ";\">\n"
            for inner in blocks { write(inner) }
            output += "</td>\n</tr>\n</table>\n"
        case .codeBlock(let code):
            // Fixed layout, so a long line wraps (word-wrap) instead of widening the email.
            output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;table-layout:fixed;\">\n"
            output += "<tr>\n<td dir=\"ltr\" style=\"padding:12px;background-color:"
            output += theme.codeBackground
            output += ";font-family:"
            output += theme.monospaceFontFamily
            output += ";font-size:14px;line-height:20px;text-align:left;\"><pre style=\"margin:0;font-family:"
            output += theme.monospaceFontFamily
            output += ";white-space:pre-wrap;word-wrap:break-word;\">"
            output.appendEscapedText(code.code)
            output += "</pre></td>\n</tr>\n</table>\n"
        case .horizontalRule:
            // A bordered cell: Outlook ignores most of <hr>'s styling and adds its own margins.
            output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:8px 0 24px 0;\">\n"
            output += "<tr>\n<td style=\"border-top:1px solid "
            output += theme.ruleColor
            output += ";font-size:1px;line-height:1px;mso-line-height-rule:exactly;\">&nbsp;</td>\n</tr>\n</table>\n"
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
        // Appended piece by piece: an interpolated String per list cost more than its output.
        output += "<"
        output += tag
        output += startAttribute
        output += directionAttribute(block)
        output += " style=\"margin:"
        output += margin
        output += ";margin-"
        output += startSide
        output += ":24px;padding:0;\">\n"
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
        output += "</"
        output += tag
        output += ">\n"
    }

    // MARK: Tables

    private mutating func writeTable(_ table: Table, block: Block) {
        // A layout cell places the table (align on the cell is what Outlook honours); a table
        // without a placement fills the column.
        let placement = table.alignment.flatMap { $0 == .center || $0 == .right ? $0.rawValue : nil }
        let widthAttributes = placement == nil ? " width=\"100%\"" : ""
        let widthStyle = placement == nil ? "width:100%;" : ""
        // The layout cell has a fixed width (table-layout:fixed) and the table scrolls inside its
        // own box: a table wider than a phone, its words unbroken, does not widen the email.
        output += "<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;table-layout:fixed;\">\n"
        output += "<tr>\n<td align=\""
        output += placement ?? startSide
        output += "\">\n<div style=\"overflow-x:auto;\">\n<table"
        output += directionAttribute(block)
        output += " border=\"0\" cellpadding=\"0\" cellspacing=\"0\""
        output += widthAttributes
        if let placement {
            output += " align=\""
            output += placement
            output += "\""
        }
        output += " style=\""
        output += widthStyle
        output += "border-collapse:collapse;\">\n"
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
        output += "</tbody>\n</table>\n</div>\n</td>\n</tr>\n</table>\n"
    }

    private mutating func writeCell(_ cell: TableCell, tag: String, alignment: ColumnAlignment?) {
        let side = alignment?.rawValue ?? startSide
        output += tag == "th" ? "<th align=\"" : "<td align=\""
        output += side
        output += styles.cellBorder
        output += side
        // A number keeps its line ("129,30 €", "39-42", "$1,049.00"): a column of them is as
        // wide as its widest; words and overlong strings wrap as usual.
        if Self.isNumber(cell.content) { output += ";white-space:nowrap" }
        output += tag == "th" ? styles.headerCellRest : styles.cellRest
        writeInlines(cell.content)
        output += tag == "th" ? "</th>\n" : "</td>\n"
    }

    /// Whether a cell holds only a number: at least one digit, and nothing but digits, spaces,
    /// separators, signs and currency symbols, in at most 24 characters.
    static func isNumber(_ content: [Inline]) -> Bool {
        let text = content.plainText
        // Most cells are ASCII: decided from a table of the same categories, without asking
        // the Unicode properties of each scalar.
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ isASCIINumber($0) }), let ascii { return ascii }
        guard text.unicodeScalars.count <= 24, text.unicodeScalars.contains(where: { $0.properties.numericType == .decimal }) else { return false }
        return text.unicodeScalars.allSatisfy(allowedInNumber)
    }

    /// Digits, spaces, currency signs, punctuation and math signs: what a number cell may hold.
    private static func allowedInNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .spaceSeparator, .currencySymbol, .otherPunctuation, .dashPunctuation, .openPunctuation,
             .closePunctuation, .mathSymbol:
            return true
        default:
            return false
        }
    }

    /// `isNumber` for ASCII text; nil when the text is not all ASCII.
    private static func isASCIINumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard bytes.count <= 24 else { return bytes.contains { $0 >= 0x80 } ? nil : false }
        var digit = false
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            if byte >= 0x30 && byte <= 0x39 { digit = true }
            if !asciiNumberCharacters[Int(byte)] { return false }
        }
        return digit
    }

    /// The ASCII characters `isNumber` allows, from the same general categories.
    private static let asciiNumberCharacters: [Bool] = (0..<128).map { value in
        Unicode.Scalar(UInt32(value)).map(allowedInNumber) ?? false
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
        output += "<tr>\n<td align=\""
        output += side
        output += "\">"
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
        output += block ? " style=\"display:block;" : " style=\""
        output += "border:0;outline:none;text-decoration:none;height:auto;max-width:100%;-ms-interpolation-mode:bicubic;\">"
    }

    // MARK: Inlines

    mutating func writeInlines(_ inlines: [Inline]) {
        for inline in inlines { writeInline(inline) }
    }

    private mutating func writeInline(_ inline: Inline) {
        switch inline {
        case .text(let text):
            output.appendEscapedTextMarkingOverlongRuns(text)
        case .code(let code):
            output += styles.inlineCodeOpen
            output.appendEscapedTextMarkingOverlongRuns(code)
            output += "</code>"
        case .lineBreak:
            output += "<br>\n"
        case .marked(let mark, let content):
            switch mark {
            case .bold: output += "<strong style=\"font-weight:bold;\">"
            case .italic: output += "<em style=\"font-style:italic;\">"
            case .underline: output += "<u>"
            case .strikethrough: output += "<del>"
            case .highlight: output += styles.highlightOpen
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
        output += styles.linkStyle
    }

    // MARK: Attributes

    private func textAlign(_ alignment: Alignment?) -> String {
        switch alignment {
        case nil: return ""
        case .left?: return "text-align:left;"
        case .center?: return "text-align:center;"
        case .right?: return "text-align:right;"
        case .justify?: return "text-align:justify;"
        }
    }

    /// `dir` for a block whose own text runs against the document's direction.
    private func directionAttribute(_ block: Block) -> String {
        guard let own = block.textDirection, own != direction else { return "" }
        return own == .rtl ? " dir=\"rtl\"" : " dir=\"ltr\""
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
