import HeraldChannels
import HeraldDocument

/// What any document a reader makes must satisfy, whatever the input: every URL in the model is
/// one the allow-list keeps, and the email HTML rendered from it is well formed and holds only
/// Herald's own markup (the elements its renderer writes, no event handler, no URL outside the
/// allow-list). The same rules the golden safety tests apply to the samples, applied here to
/// whatever the fuzzer makes.
public enum RenderedDocumentCheck {
    static let allowedElements: Set<String> = [
        "html", "head", "meta", "title", "style", "body", "div", "table", "thead", "tbody", "tr", "td", "th",
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "u", "del", "span",
        "code", "pre", "a", "img", "br",
    ]

    public static func check(_ document: Document) {
        document.forEachInline { inline in
            switch inline {
            case .link(let link):
                require(SafeURL.clean(link.url, for: .link) == link.url, "the model holds a link the allow-list refuses: \(visible(link.url))")
            case .image(let image):
                require(SafeURL.clean(image.source, for: .image) == image.source,
                        "the model holds an image source the allow-list refuses: \(visible(image.source))")
            default:
                break
            }
        }

        let html = EmailHTMLRenderer().render(document).html
        _ = EmailTextRenderer().render(document)
        let report = HTMLSyntaxCheck.inspect(html)
        require(report.problems.isEmpty, "libxml2 finds the email HTML malformed: \(report.problems.prefix(3))")
        for element in report.elements {
            require(allowedElements.contains(element.name), "the email HTML holds <\(element.name)>")
            for attribute in element.attributes {
                require(!attribute.name.lowercased().hasPrefix("on"), "the email HTML holds an event handler \(attribute.name) on <\(element.name)>")
            }
            if let href = element.attribute("href") {
                require(SafeURL.clean(href, for: .link) != nil, "the email HTML links to \(visible(href))")
            }
            if let source = element.attribute("src") {
                require(SafeURL.clean(source, for: .image) != nil, "the email HTML loads \(visible(source))")
            }
        }
    }
}
