import HeraldDocument
import Testing

/// The checker the email HTML tests rely on must itself see problems and structure.
@Suite struct HTMLSyntaxCheckTests {
    @Test func reportsWhatLibxml2ComplainsAbout() {
        let report = HTMLSyntaxCheck.inspect("<html><body><blink>x</blink><p>unclosed <b>bold</p></body></html>")
        #expect(report.problems.contains { $0.contains("blink") }, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("Opening and ending tag mismatch") }, "\(report.problems)")
    }

    @Test func cleanHTMLHasNoProblems() {
        let report = HTMLSyntaxCheck.inspect("<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>a &amp; b<br></p></body></html>")
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test func listsElementsAttributesAndCommentsInOrder() {
        let report = HTMLSyntaxCheck.inspect("<html><body><!--[if mso]>x<![endif]--><a href=\"https://e.com\" title=\"t\">l</a><img src=\"cid:x\" alt=\"\"></body></html>")
        #expect(report.elements.map(\.name) == ["html", "body", "a", "img"])
        #expect(report.elements[2].attributes.map(\.name) == ["href", "title"])
        #expect(report.elements[2].attribute("href") == "https://e.com")
        #expect(report.elements[3].attribute("alt") == "")
        #expect(report.comments == ["[if mso]>x<![endif]"])
    }
}
