/// The element names of HTML (the living standard's, plus the obsolete ones editors still
/// write), for raw HTML in Markdown: a tag naming one of them is HTML for the reader; any other
/// `<word>` — `<Ctrl>`, `List<String>`, `<Customer name>` — is text the author typed, shown as
/// typed, as a browser shows an unknown tag's text but here with its brackets.
enum HTMLElementNames {
    static let known: Set<String> = [
        "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b", "base", "basefont", "bdi", "bdo",
        "bgsound", "big", "blink", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
        "colgroup", "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em",
        "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3",
        "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "img", "image", "input", "ins",
        "kbd", "keygen", "label", "legend", "li", "link", "listing", "main", "map", "mark", "marquee", "math",
        "menu", "menuitem", "meta", "meter", "nav", "nobr", "noembed", "noframes", "noscript", "object", "ol",
        "optgroup", "option", "output", "p", "param", "picture", "plaintext", "portal", "pre", "progress", "q",
        "rb", "rp", "rt", "rtc", "ruby", "s", "samp", "script", "search", "section", "select", "slot", "small",
        "source", "span", "strike", "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody", "td",
        "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var",
        "video", "wbr", "xmp",
    ]

    /// Void elements: a start tag is the whole element, no end tag closes it, and what follows
    /// is its sibling. The HTML standard's list (with the obsolete `basefont`, `bgsound`,
    /// `frame` and `keygen`), plus `image`, which a browser reads as `img`. libxml2 2.9 knows
    /// only its HTML 4 subset as empty; the others (`embed`, `source`, `track`, `wbr`, `keygen`,
    /// `bgsound`, `image`) it keeps open, so without help they would hold the rest of the input.
    static let void: Set<String> = [
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    ]

    /// Whether a raw HTML piece is markup for the HTML reader: a comment, a declaration or
    /// processing instruction, or a tag of a known element (or a namespaced one, like Word's
    /// `o:p`). `false` for `<Ctrl>` or `<Nombre del cliente>`.
    static func isMarkup(_ html: Substring) -> Bool {
        var rest = html.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard rest.first == "<" else { return true }
        rest = rest.dropFirst()
        if rest.first == "!" || rest.first == "?" { return true }
        if rest.first == "/" { rest = rest.dropFirst() }
        let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ":") }
        if name.contains(":") { return true }
        return known.contains(name.lowercased())
    }
}
