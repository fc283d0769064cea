import CLibXML2

/// The allow-list: how each element maps to the model. Anything not named here is an inline
/// wrapper whose content is kept (`span`, `font`, `o:p`, unknown tags).
enum HTMLElements {
    /// Removed with everything inside, and reported: active content, embedded documents,
    /// form fields, and markup whose text is not prose (SVG, MathML).
    static let removedWithContent: Set<String> = [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "param",
        "svg", "math", "noscript", "template", "input", "select", "option", "datalist", "keygen",
        "base", "meta", "link", "audio", "video", "source", "track", "canvas", "noembed",
        "noframes", "portal", "dialog", "bgsound",
    ]
    /// Removed with their content without a report: document metadata and Word's XML islands.
    static let skippedSilently: Set<String> = ["title", "xml"]
    /// Unwrapped (their text is content) but reported: a form in a message is phishing.
    static let unwrappedReported: Set<String> = ["form", "button", "textarea"]
    /// Wrappers that start and end paragraphs.
    static let blockWrappers: Set<String> = [
        "p", "div", "center", "section", "article", "header", "footer", "main", "aside", "nav",
        "address", "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "hgroup",
        "fieldset", "legend", "form", "body", "html", "caption", "tbody", "tfoot", "thead", "tr",
        "textarea", "li", "blockquote", "table", "td", "th", "ul", "ol", "menu", "dir",
        "h1", "h2", "h3", "h4", "h5", "h6",
    ]
    /// Attributes that load or submit a URL and that the model never keeps.
    static let urlAttributes: Set<String> = [
        "srcset", "action", "formaction", "background", "poster", "lowsrc", "dynsrc", "ping",
        "xlink:href", "href:xlink", "codebase", "longdesc", "usemap",
    ]
    static let marks: [String: Mark] = [
        "b": .bold, "strong": .bold, "i": .italic, "em": .italic, "u": .underline, "ins": .underline,
        "s": .strikethrough, "strike": .strikethrough, "del": .strikethrough, "mark": .highlight,
    ]
    static let code: Set<String> = ["code", "kbd", "samp", "tt"]
    static let preformatted: Set<String> = ["pre", "xmp", "listing", "plaintext"]

    /// Whether `enterElement` decides an element from its name and attributes alone, so the
    /// streaming walk may enter it while libxml2 is still reading its content: not one whose
    /// text is gathered at once (`pre`, `code`), nor one skipped whole or empty.
    static func entersBeforeContent(_ name: String) -> Bool {
        !removedWithContent.contains(name) && !skippedSilently.contains(name) && !preformatted.contains(name)
            && !code.contains(name) && !["br", "hr", "img", "image"].contains(name)
    }
}

extension HTMLTreeWalker {
    mutating func enterElement(_ node: Node) -> Exit? {
        // libxml2's HTML parser lowercases element names itself.
        let name = Self.name(of: node)
        if HTMLElements.removedWithContent.contains(name) {
            log.record(.element(name), example: "<\(name)>")
            return nil
        }
        if HTMLElements.skippedSilently.contains(name) { return nil }
        if name == "head" {
            suppressText += 1
            return Exit(suppressesText: true)
        }
        if HTMLElements.unwrappedReported.contains(name) { log.record(.element(name), example: "<\(name)>") }

        let attributes = Self.attributes(of: node)
        var styleText: String? = nil
        var align: String? = nil
        var dir: String? = nil
        for (attribute, value) in attributes {
            if attribute.hasPrefix("on") {
                log.record(.eventHandler(attribute), example: "\(attribute)=\"\(value)\"")
            } else if HTMLElements.urlAttributes.contains(attribute) {
                log.record(.urlAttribute(attribute), example: "\(attribute)=\"\(value)\"")
            } else if attribute == "style" {
                styleText = value
            } else if attribute == "align" {
                align = value.trimmingASCIIWhitespace().lowercased()
            } else if attribute == "dir" {
                dir = value.trimmingASCIIWhitespace().lowercased()
            }
        }
        let css = styleText.map(HTMLStyleAttribute.init) ?? HTMLStyleAttribute("")
        for (construct, declaration) in css.hostile { log.record(.css(construct), example: declaration) }
        func value(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
        // A Word list marker may hold a picture bullet or spacing: none of it is item content.
        if isReadingWordListMarker, name == "br" || name == "img" || HTMLElements.code.contains(name) { return nil }

        switch name {
        case "br":
            builder.appendLineBreak(context: inlineContext)
            return nil
        case "hr":
            builder.flushRun()
            builder.append(block: .horizontalRule)
            return nil
        case "img", "image":
            // Browsers read the obsolete `<image>` as `<img>`.
            appendImage(source: value("src"), alt: value("alt") ?? "", title: value("title"), width: value("width"))
            return nil
        case _ where HTMLElements.preformatted.contains(name):
            builder.flushRun()
            var code = gatherText(under: node, lineBreak: "\n")
            // HTML ignores a newline right after <pre>; the model keeps no final newline.
            if code.hasPrefix("\n") { code.removeFirst() }
            if code.hasSuffix("\n") { code.removeLast() }
            if !code.isEmpty { builder.append(block: .codeBlock(CodeBlock(language: codeLanguage(node, value("class")), code: code))) }
            return nil
        case _ where HTMLElements.code.contains(name):
            let code = gatherText(under: node, lineBreak: " ").map { $0 == "\n" || $0 == "\t" || $0 == "\r" ? " " : $0 }
            if !code.isEmpty { builder.append(leaf: .code(String(code)), context: inlineContext) }
            return nil
        case _ where HTMLElements.blockWrappers.contains(name):
            return enterBlock(name, node: node, css: css, align: align, dir: dir, value: value)
        case "a":
            return enterLink(href: value("href"), title: value("title"), css: css)
        default:
            var exit = enterInline(name, css: css)
            if css.isWordListMarker {
                wordListMarkerDepth += 1
                exit.endsWordListMarker = true
            }
            return exit
        }
    }

    // MARK: Blocks

    private mutating func enterBlock(_ name: String, node: Node, css: HTMLStyleAttribute, align: String?, dir: String?,
                                     value: (String) -> String?) -> Exit? {
        var style = builder.style
        if dir == "rtl" { style.isRTL = true } else if dir == "ltr" { style.isRTL = false }
        let ownAlignment = Self.alignment(css: css, align: align, isRTL: style.isRTL)
        let canNest = builder.depth <= maximumNesting
        var exit = Exit(popStyle: true, boundary: true)
        style.wordList = nil

        switch name {
        case "h1", "h2", "h3", "h4", "h5", "h6":
            style.headingLevel = Int(name.dropFirst())
            style.alignment = ownAlignment ?? style.alignment
        case "p":
            // A paragraph with a gap below it in a list item makes the list loose; Google
            // Docs wraps every item's text in a <p> with no margin, which is a tight list.
            if !css.hasNoBottomMargin { builder.noteParagraphElement() }
            style.headingLevel = nil
            style.alignment = ownAlignment ?? style.alignment
            // Word writes list items as paragraphs: `<p style="mso-list:l0 level1 lfo1">`.
            if let wordList = css.wordList {
                style.wordList = wordList
                exit.endsWordListParagraph = true
                inSupportListsConditional = false
            }
        case "blockquote" where canNest:
            exit.container = true
            builder.openContainer(.quote)
            style.headingLevel = nil
            style.alignment = ownAlignment ?? style.alignment
        case "ul", "ol", "menu", "dir":
            style.headingLevel = nil
            if canNest {
                exit.container = true
                let start = value("start").flatMap { Int($0.trimmingASCIIWhitespace()) }.map { min(max($0, 0), 999_999_999) } ?? 1
                builder.openContainer(.list(name == "ol" ? .ordered(start: start) : .bullet))
            }
        case "li":
            style.headingLevel = nil
            if case .list = builder.top {
                exit.container = true
                builder.openContainer(.item)
            }
        case "table" where canNest:
            if value("role")?.lowercased() != "presentation" {
                exit.container = true
                builder.openContainer(.table(alignment: Self.alignment(css: HTMLStyleAttribute(""), align: align, isRTL: false)))
            }
        case "thead":
            builder.enterTableSection(head: true)
            exit.endsHeadSection = true
        case "tbody", "tfoot":
            builder.enterTableSection(head: false)
        case "tr":
            if case .table = builder.top {
                exit.container = true
                builder.openContainer(.row)
            }
        case "td", "th":
            style.headingLevel = nil
            if case .row = builder.top {
                exit.container = true
                let span = value("colspan").flatMap { Int($0.trimmingASCIIWhitespace()) } ?? 1
                builder.openContainer(.cell(isHeader: name == "th", alignment: Self.columnAlignment(ownAlignment), span: span))
                style.alignment = nil
            } else {
                enterLayoutCell(css: css, ownAlignment: ownAlignment, style: &style, exit: &exit, canNest: canNest)
            }
        case "center":
            style.alignment = ownAlignment ?? .center
        default:
            // div and the other wrappers: a new paragraph, the same heading level, own alignment.
            style.alignment = ownAlignment ?? style.alignment
        }
        if !exit.container { builder.flushRun() }
        builder.pushStyle(style)
        return exit
    }

    /// A cell outside a real table: the email renderer's layout (quotes are cells with a side
    /// border, rules cells with a top border, block images cells aligned to their side).
    private mutating func enterLayoutCell(css: HTMLStyleAttribute, ownAlignment: Alignment?, style: inout HTMLModelBuilder.BlockStyle,
                                          exit: inout Exit, canNest: Bool) {
        if canNest, (css.borderLeft || css.borderRight), !css.borderTop {
            exit.container = true
            builder.openContainer(.quote)
        } else if canNest, css.borderTop, !css.borderLeft, !css.borderRight {
            exit.container = true
            builder.openContainer(.ruleCandidate)
        }
        // A layout cell placed at the start side is where the content would be anyway.
        let startSide: Alignment = style.isRTL ? .right : .left
        if let ownAlignment { style.alignment = ownAlignment == startSide ? nil : ownAlignment }
    }

    static func alignment(css: HTMLStyleAttribute, align: String?, isRTL: Bool) -> Alignment? {
        if let aligned = css.textAlign { return aligned }
        if css.hasStartOrEndAlign.start { return isRTL ? .right : .left }
        if css.hasStartOrEndAlign.end { return isRTL ? .left : .right }
        switch align {
        case "left": return .left
        case "center", "middle": return .center
        case "right": return .right
        case "justify": return .justify
        default: return nil
        }
    }

    static func columnAlignment(_ alignment: Alignment?) -> ColumnAlignment? {
        switch alignment {
        case .left?: return .left
        case .center?: return .center
        case .right?: return .right
        case .justify?, nil: return nil
        }
    }

    private func codeLanguage(_ node: Node, _ classes: String?) -> String? {
        // Editors mark code blocks `<pre><code class="language-json">` or `<pre class="language-json">`.
        var candidates = [classes]
        if let child = node.pointee.children, child.pointee.type == XML_ELEMENT_NODE, Self.name(of: child) == "code" {
            candidates.append(Self.attributes(of: child).first { $0.name == "class" }?.value)
        }
        for case let list? in candidates {
            for word in list.split(separator: " ") where word.hasPrefix("language-") && word.count > 9 {
                let language = word.dropFirst(9)
                if language.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" || $0 == "#" || $0 == "_" }) {
                    return String(language)
                }
            }
        }
        return nil
    }

    // MARK: Inlines

    private mutating func enterLink(href: String?, title: String?, css: HTMLStyleAttribute) -> Exit? {
        var exit = Exit()
        if let href, !href.trimmingASCIIWhitespace().isEmpty {
            if let url = SafeURL.clean(href, for: .link) {
                // A link inside a link is not allowed in HTML; the inner text stays in the outer.
                if !isInLink, pushInline(.link(url: url, title: title.flatMap { $0.isEmpty ? nil : $0 })) {
                    exit.inlineEntries += 1
                }
            } else {
                log.record(.link(scheme: Self.displayScheme(href)), example: href)
            }
        }
        // Links are underlined anyway: their own text-decoration is no underline mark.
        var linkCSS = css
        linkCSS.underline = nil
        exit.inlineEntries += pushMarks(tag: nil, css: linkCSS)
        return exit
    }

    private mutating func enterInline(_ name: String, css: HTMLStyleAttribute) -> Exit {
        Exit(inlineEntries: pushMarks(tag: HTMLElements.marks[name], css: css))
    }

    /// Pushes the marks an inline element stands for: its tag's, then what its style adds or
    /// takes away (`<b style="font-weight:normal">` is not bold). Returns how many it pushed.
    private mutating func pushMarks(tag: Mark?, css: HTMLStyleAttribute) -> Int {
        var wanted: [Mark: Bool] = [:]
        if let tag { wanted[tag] = true }
        if let bold = css.bold { wanted[.bold] = bold }
        if let italic = css.italic { wanted[.italic] = italic }
        if let underline = css.underline { wanted[.underline] = underline }
        if let strikethrough = css.strikethrough { wanted[.strikethrough] = strikethrough }
        if css.highlight { wanted[.highlight] = true }
        var pushed = 0
        for mark in Mark.allCases where wanted[mark] == true && !isActive(mark) {
            if pushInline(.mark(mark)) { pushed += 1 }
        }
        return pushed
    }

    private mutating func appendImage(source: String?, alt: String, title: String?, width: String?) {
        guard let source, !source.trimmingASCIIWhitespace().isEmpty else {
            if !alt.isEmpty { builder.append(text: alt, context: inlineContext) }
            return
        }
        guard let url = SafeURL.clean(source, for: .image) else {
            log.record(.image(scheme: Self.displayScheme(source)), example: source)
            // An unsafe image keeps its alt text, like Markdown's.
            if !alt.isEmpty { builder.append(text: alt, context: inlineContext) }
            return
        }
        let pixels = width.flatMap { Int($0.trimmingASCIIWhitespace()) }.flatMap { (1...10_000).contains($0) ? $0 : nil }
        let image = Image(source: url, alt: alt, title: title.flatMap { $0.isEmpty ? nil : $0 }, width: pixels)
        builder.append(leaf: .image(image), context: inlineContext)
    }

    /// The scheme a refused URL was written with, as a browser would read it (controls and
    /// spaces removed, lowercased), or "" when it has none.
    static func displayScheme(_ url: String) -> String {
        var visible = ""
        for scalar in url.unicodeScalars where scalar.value > 0x20 && scalar.value != 0x7F && !(0x80...0xA0).contains(scalar.value)
            && !(0x200B...0x200F).contains(scalar.value) && scalar.value != 0xFEFF {
            visible.unicodeScalars.append(scalar)
        }
        return SafeURL.scheme(of: visible) ?? ""
    }
}
