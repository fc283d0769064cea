import HeraldDocument
import Testing

/// What never gets through, what text stays, and what the reader reports.
@Suite struct HTMLReaderSanitizingTests {
    func read(_ html: String) -> HTMLReading {
        HTMLReader().read(html)
    }

    // (`embed` is void: text after it is no content of it; HTMLRemovedElementsKeepTextTests.)
    @Test(arguments: ["script", "style", "iframe", "object", "svg", "math", "noscript", "template", "select"])
    func activeElementsGoWithTheirContent(_ name: String) {
        let reading = read("<p>before<\(name)>inside</\(name)>after</p>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("beforeafter")]))])
        #expect(reading.removed.map(\.kind) == [.element(name)])
    }

    @Test func metadataElementsAreRemovedAndReported() {
        let reading = read("<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\"><link rel=\"stylesheet\" href=\"https://evil.example/x.css\"><p>text</p>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("text")]))])
        #expect(Set(reading.removed.map(\.kind)) == [.element("base"), .element("meta"), .element("link")])
    }

    @Test func formsLoseTheirFieldsButKeepTheirText() {
        let reading = read("<form action=\"https://evil.example/steal\"><p>Confirm your password</p><input type=\"password\" name=\"p\"><button formaction=\"https://evil.example\">Log in</button></form>")
        #expect(reading.document.blocks == [
            .paragraph(Paragraph([.text("Confirm your password")])),
            .paragraph(Paragraph([.text("Log in")])),
        ])
        #expect(reading.removed.map(\.summary) == [
            "1 <form> element", "1 action attribute", "1 <input> element", "1 <button> element", "1 formaction attribute",
        ])
    }

    @Test func eventHandlersAreReportedAndTheTextStays() {
        let reading = read("<div onclick=\"steal()\" onmouseover=\"x()\">Click <b onclick=\"y()\">here</b></div>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("Click "), .marked(.bold, [.text("here")])]))])
        #expect(reading.removed.map(\.summary) == ["2 onclick attributes", "1 onmouseover attribute"])
    }

    @Test(arguments: [
        ("javascript:alert(1)", "javascript"), ("JaVaScRiPt:alert(1)", "javascript"), ("  javascript:alert(1)", "javascript"),
        ("java&#x09;script:alert(1)", "javascript"), ("java&#10;script:alert(1)", "javascript"), ("&#106;avascript:alert(1)", "javascript"),
        ("vbscript:msgbox(1)", "vbscript"), ("data:text/html;base64,PHNjcmlwdD4=", "data"), ("file:///etc/passwd", "file"),
        ("/relative/path", ""), ("#top", ""),
    ])
    func unsafeLinksKeepTheirText(_ href: String, _ scheme: String) {
        let reading = read("<p><a href=\"\(href)\">label</a></p>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("label")]))])
        #expect(reading.removed.map(\.kind) == [.link(scheme: scheme)])
    }

    @Test func unsafeImagesBecomeTheirAltText() {
        let reading = read("<p><img src=\"javascript:alert(1)\" alt=\"chart\"> <img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"\"> <img src=x onerror=\"alert(1)\"></p>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("chart")]))])
        #expect(reading.removed.map(\.summary) == ["1 javascript: image", "1 data: image", "1 onerror attribute", "1 image without a scheme"])
    }

    @Test func hostileCSSIsReportedAndNeverKept() {
        let reading = read("""
            <p style="position:fixed;top:0;left:0;width:100%">overlay</p>\
            <span style="width: expr\\65 ssion(alert(1))">a</span>\
            <span style="background:url(https://tracker.example/p.gif)">b</span>\
            <span style="behavior:url(x.htc);-moz-binding:url(x.xml#x)">c</span>
            """)
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("overlay")])), .paragraph(Paragraph([.text("abc")]))])
        #expect(reading.removed.map(\.kind) == [
            .css("position:fixed"), .css("expression()"), .css("url()"), .css("behavior"), .css("-moz-binding"),
        ])
        #expect(reading.removed.first { $0.kind == .css("url()") }?.count == 3)
    }

    @Test func conditionalCommentsAreReportedAndPlainCommentsDropped() {
        let reading = read("<!--[if mso]><p>Outlook only</p><![endif]--><p>a<!-- note -->b</p>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("ab")]))])
        #expect(reading.removed == [HTMLRemoval(kind: .conditionalComment, count: 1, example: "<!--[if mso]><p>Outlook only</p><![endif]-->")])
    }

    @Test func urlAttributesNeverSurvive() {
        let reading = read("<img src=\"https://e.com/a.png\" srcset=\"javascript:alert(1) 2x\" alt=\"a\"><table background=\"https://t.example/b.gif\"><tr><td>x</td></tr></table>")
        #expect(reading.removed.map(\.summary) == ["1 srcset attribute", "1 background attribute"])
        #expect(reading.document.blocks.first == .paragraph(Paragraph([.image(Image(source: "https://e.com/a.png", alt: "a"))])))
    }

    @Test func summariesReadAsAWarning() {
        let reading = read("<script>a</script><script>b</script><a href=\"javascript:x\">l</a>")
        #expect(reading.removed.map(\.summary) == ["2 <script> elements", "1 javascript: link"])
        #expect(reading.removed[0].example == "<script>")
        #expect(reading.removed[1].example == "javascript:x")
    }
}
