import Foundation
import Herald
import Testing

/// What every sample's email HTML must be, whatever its content: well formed for libxml2's HTML
/// parser, and free of anything that runs, loads frames or points outside the URL allow-list.
@Suite struct EmailHTMLSafetyTests {
    static let renderedSamples: [(name: String, html: String)] = GoldenSampleTests.samples.compactMap { sample in
        guard let outputs = try? sample.render(), let html = outputs.first(where: { $0.fileName == "golden.html" }) else { return nil }
        return (sample.name, html.content)
    }

    @Test(arguments: renderedSamples.map(\.name))
    func parsesWithoutErrors(_ name: String) throws {
        let html = try #require(Self.renderedSamples.first { $0.name == name }).html
        let report = HTMLSyntaxCheck.inspect(html)
        #expect(report.problems.isEmpty, "libxml2 reported: \(report.problems)")
        #expect(report.elements.first?.name == "html")
    }

    @Test(arguments: renderedSamples.map(\.name))
    func holdsOnlyAllowedElementsAndURLs(_ name: String) throws {
        let html = try #require(Self.renderedSamples.first { $0.name == name }).html
        let report = HTMLSyntaxCheck.inspect(html)
        let allowedElements: Set = ["html", "head", "meta", "title", "style", "body", "div", "table", "thead", "tbody", "tr", "td", "th",
                                    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "u", "del", "span",
                                    "code", "pre", "a", "img", "br"]
        for element in report.elements {
            #expect(allowedElements.contains(element.name), "unexpected <\(element.name)> in \(name)")
            for attribute in element.attributes {
                #expect(!attribute.name.lowercased().hasPrefix("on"), "event handler \(attribute.name) on <\(element.name)> in \(name)")
            }
            if let href = element.attribute("href") {
                #expect(["https:", "http:", "mailto:", "tel:"].contains { href.lowercased().hasPrefix($0) }, "href \(href) in \(name)")
            }
            if let source = element.attribute("src") {
                #expect(["https:", "http:", "cid:"].contains { source.lowercased().hasPrefix($0) }, "src \(source) in \(name)")
            }
        }
        // The only <style> is the head's reset and dark-mode block; the only comments are the
        // Outlook conditionals.
        #expect(report.elements.filter { $0.name == "style" }.count == 1)
        for comment in report.comments {
            #expect(comment.hasPrefix("[if mso]>") || comment.hasPrefix("[if mso]"), "unexpected comment \(comment) in \(name)")
        }
    }

    @Test func hostileSampleKeepsItsTextButNoMarkup() throws {
        let html = try #require(Self.renderedSamples.first { $0.name == "hostile-input" }).html
        let report = HTMLSyntaxCheck.inspect(html)
        #expect(!report.elements.contains { ["script", "iframe", "object", "embed", "form"].contains($0.name) })
        #expect(report.elements.filter { $0.name == "a" }.compactMap { $0.attribute("href") } == ["https://example.com"])
        // Raw HTML went through the HTML reader: scripts and styles are gone with their
        // content, wrappers and unsafe links keep their text.
        // (The subject, which names the attack, is escaped in <title> and aria-label; the body
        // is what follows the content cell.)
        let body = try #require(html.components(separatedBy: "class=\"herald-card\"").last)
        #expect(!body.contains("alert(1)</script>") && !body.contains("&lt;script"))
        #expect(!body.contains("display:none}"))
        #expect(html.contains("<p style=\"margin:0 0 16px 0;\">Click anywhere to claim your prize.</p>"))
        #expect(html.contains(">Raw anchor: raw anchor</li>"))
        #expect(html.contains(">Inline script: after the tag</li>"))
        #expect(html.contains("JavaScript link: click"))
        #expect(!html.lowercased().contains("<a href=\"javascript"))
    }
}
