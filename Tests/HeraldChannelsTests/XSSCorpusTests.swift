import Foundation
import HeraldChannels
import HeraldDocument
import Testing

/// Tests/Fixtures/xss/vectors.txt, each read as editor HTML and as raw HTML in Markdown (alone
/// and inside a paragraph), rendered as email HTML, and the result parsed again with libxml2:
/// nothing executable may survive, whatever the vector.
@Suite struct XSSCorpusTests {
    static let vectors: [String] = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/xss/vectors.txt")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init).filter { !$0.hasPrefix("#") }
    }()

    /// Everything the email renderer itself writes; nothing else may appear.
    static let allowedElements: Set = ["html", "head", "meta", "title", "style", "body", "div", "table", "thead", "tbody", "tr", "td", "th",
                                       "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "u", "del", "span",
                                       "code", "pre", "a", "img", "br"]
    static let allowedAttributes: Set = ["xmlns", "xmlns:v", "xmlns:o", "lang", "dir", "http-equiv", "content", "name", "class", "style",
                                         "role", "aria-roledescription", "aria-label", "aria-hidden", "width", "border", "cellpadding",
                                         "cellspacing", "align", "start", "href", "title", "src", "alt"]

    @Test func theCorpusIsLargeEnough() {
        #expect(Self.vectors.count >= 100)
    }

    @Test(arguments: vectors)
    func nothingExecutableSurvives(_ vector: String) {
        let renderer = EmailHTMLRenderer()
        let documents = [
            ("editor HTML", HTMLReader().read(vector).document),
            ("Markdown block", MarkdownReader().read(vector)),
            ("Markdown inline", MarkdownReader().read("Text before \(vector) and after.")),
            ("Markdown list item", MarkdownReader().read("- item \(vector)\n- next")),
        ]
        for (source, document) in documents {
            let html = renderer.render(document).html
            for problem in Self.problems(in: html) {
                Issue.record("\(source): \(problem)\nvector: \(vector)")
            }
        }
    }

    /// What is wrong with rendered email HTML, as read back by libxml2.
    static func problems(in html: String) -> [String] {
        let report = HTMLSyntaxCheck.inspect(html)
        var problems: [String] = []
        for element in report.elements {
            if !allowedElements.contains(element.name) { problems.append("element <\(element.name)>") }
            for (name, value) in element.attributes {
                let lowered = name.lowercased()
                if lowered.hasPrefix("on") { problems.append("event handler \(name)=\(value)") }
                if !allowedAttributes.contains(lowered) { problems.append("attribute \(name) on <\(element.name)>") }
            }
            if let href = element.attribute("href"), !hasScheme(href, in: ["https", "http", "mailto", "tel"]) {
                problems.append("href \(href)")
            }
            if let source = element.attribute("src"), !hasScheme(source, in: ["https", "http", "cid"]) {
                problems.append("src \(source)")
            }
            if let style = element.attribute("style") {
                let compact = style.lowercased().filter { !$0.isWhitespace }.replacingOccurrences(of: "\\", with: "")
                for hostile in ["expression", "url(", "javascript", "vbscript", "behavior", "binding", "position:", "@import"]
                where compact.contains(hostile) {
                    problems.append("style with \(hostile): \(style)")
                }
            }
        }
        // The head's reset block is the only <style>; Outlook's own conditionals the only comments.
        let styles = report.elements.filter { $0.name == "style" }.count
        if styles != 1 { problems.append("\(styles) <style> elements") }
        for comment in report.comments where !comment.hasPrefix("[if mso]") {
            problems.append("comment \(comment)")
        }
        return problems
    }

    /// The scheme as a browser reads it: controls and spaces anywhere are ignored.
    static func hasScheme(_ url: String, in schemes: [String]) -> Bool {
        let visible = String(String.UnicodeScalarView(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })).lowercased()
        return schemes.contains { visible.hasPrefix($0 + ":") }
    }

    @Test func theCheckCatchesWhatItLooksFor() {
        // The checker itself must fail on each kind of leak, or the corpus proves nothing.
        let clean = EmailHTMLRenderer().render(Document(blocks: [.paragraph(Paragraph([.text("x")]))])).html
        #expect(Self.problems(in: clean).isEmpty)
        let leaks = [
            "<p onerror=\"alert(1)\">x</p>", "<script>alert(1)</script>", "<a href=\"java\tscript:alert(1)\">x</a>",
            "<img src=\"data:image/png;base64,AAAA\" alt=\"\">", "<p style=\"width:expression(alert(1))\">x</p>",
            "<p style=\"background:URL(x)\">x</p>", "<iframe src=\"https://e.com\"></iframe>", "<!-- [if IE]> -->",
            "<p id=\"location\">x</p>",
        ]
        for leak in leaks {
            let html = clean.replacingOccurrences(of: "<p style=\"margin:0 0 16px 0;\">x</p>", with: leak)
            #expect(!Self.problems(in: html).isEmpty, "not caught: \(leak)")
        }
    }
}
