import CCmarkGFM
import CHeraldMarkdown

/// Raw HTML inside a Markdown paragraph, heading or table cell.
///
/// cmark-gfm cuts `a <b>bold</b> c` into separate inline HTML nodes (`<b>`, `</b>`) around the
/// text, so no single node is HTML that can be read. Instead, a paragraph that holds any inline
/// HTML is written back as one HTML fragment — its Markdown formatting as the equivalent tags,
/// its text escaped, the raw HTML as typed — and that fragment goes through `HTMLReader`, the
/// same allow-list as editor HTML. Opening and closing tags then pair up as a browser would
/// pair them, including across Markdown emphasis, and nothing unsafe in the raw HTML survives.
/// Paragraphs without inline HTML (nearly all) never take this path.
enum MarkdownInlineHTML {
    typealias Node = OpaquePointer

    /// Whether any inline HTML node is under `node`.
    static func isPresent(under node: Node) -> Bool {
        var pending: [Node] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            pending.append(current)
            child = cmark_node_next(current)
        }
        while let current = pending.popLast() {
            if cmark_node_get_type(current) == CMARK_NODE_HTML_INLINE { return true }
            var inner = cmark_node_first_child(current)
            while let next = inner {
                pending.append(next)
                inner = cmark_node_next(next)
            }
        }
        return false
    }

    /// `node`'s inline content as HTML (cmark's iterator walks without recursion).
    static func fragment(of node: Node) -> String {
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        let strikethrough = herald_strikethrough_node_type()
        var html = ""
        var imageDepth = 0
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let current = cmark_iter_get_node(iterator), current != node else { continue }
            let entering = event == CMARK_EVENT_ENTER
            let type = cmark_node_get_type(current)
            if imageDepth > 0 {
                // Inside an image only the text counts: it is the alt attribute.
                if type == CMARK_NODE_IMAGE, !entering {
                    imageDepth -= 1
                    if imageDepth == 0 { html += "\">" }
                } else if type == CMARK_NODE_IMAGE {
                    imageDepth += 1
                } else if entering, type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_HTML_INLINE {
                    html += escaped(literal(current), attribute: true)
                } else if entering, type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                    html += " "
                }
                continue
            }
            switch type {
            case CMARK_NODE_TEXT:
                html += escaped(literal(current), attribute: false)
            case CMARK_NODE_SOFTBREAK:
                html += "\n"
            case CMARK_NODE_LINEBREAK:
                html += "<br>"
            case CMARK_NODE_CODE:
                html += "<code>" + escaped(literal(current), attribute: false) + "</code>"
            case CMARK_NODE_HTML_INLINE:
                // `<Ctrl>` is the author's text, not a tag: shown as typed.
                let raw = literal(current)
                html += HTMLElementNames.isMarkup(Substring(raw)) ? raw : escaped(raw, attribute: false)
            case CMARK_NODE_STRONG:
                html += entering ? "<strong>" : "</strong>"
            case CMARK_NODE_EMPH:
                let tag = herald_node_is_highlight(current) != 0 ? "mark" : herald_node_is_underline(current) != 0 ? "u" : "em"
                html += entering ? "<\(tag)>" : "</\(tag)>"
            case strikethrough:
                html += entering ? "<del>" : "</del>"
            case CMARK_NODE_LINK:
                if entering {
                    html += "<a href=\"" + escaped(string(cmark_node_get_url(current)), attribute: true) + "\""
                    let title = string(cmark_node_get_title(current))
                    if !title.isEmpty { html += " title=\"" + escaped(title, attribute: true) + "\"" }
                    html += ">"
                } else {
                    html += "</a>"
                }
            case CMARK_NODE_IMAGE:
                if entering {
                    html += "<img src=\"" + escaped(string(cmark_node_get_url(current)), attribute: true) + "\""
                    let title = string(cmark_node_get_title(current))
                    if !title.isEmpty { html += " title=\"" + escaped(title, attribute: true) + "\"" }
                    html += " alt=\""
                    // The image's EXIT event (cmark sends one even with no alt text) closes it.
                    imageDepth = 1
                }
            default:
                break
            }
        }
        return html
    }

    private static func literal(_ node: Node) -> String {
        string(cmark_node_get_literal(node))
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    private static func escaped(_ text: String, attribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
