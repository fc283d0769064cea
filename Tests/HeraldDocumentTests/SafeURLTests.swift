import HeraldDocument
import Testing

@Suite struct SafeURLTests {
    @Test(arguments: [
        "https://example.com/a?b=c", "http://example.com", "mailto:help@example.com", "tel:+15550100", "HTTPS://EXAMPLE.COM",
    ])
    func allowedLinks(_ url: String) {
        #expect(SafeURL.clean(url, for: .link) == url)
    }

    @Test(arguments: [
        "javascript:alert(1)", "JAVASCRIPT:alert(1)", "  javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
        "jav\u{0}ascript:x", "\u{200B}javascript:x", "java\u{200B}script:x", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd", "cid:logo@herald", "/relative/path", "#fragment", "//example.com",
        "https:", "", "  ",
    ])
    func refusedLinks(_ url: String) {
        #expect(SafeURL.clean(url, for: .link) == nil)
    }

    @Test func imagesAllowCidButNotMailto() {
        #expect(SafeURL.clean("cid:logo@herald", for: .image) == "cid:logo@herald")
        #expect(SafeURL.clean("mailto:a@b.c", for: .image) == nil)
        #expect(SafeURL.clean("data:image/png;base64,AAAA", for: .image) == nil)
    }

    @Test func edgesAreTrimmedAndInnerSpacesEncoded() {
        #expect(SafeURL.clean("  https://example.com/a b  ", for: .link) == "https://example.com/a%20b")
    }

    @Test func markdownLinksFollowTheAllowList() {
        let document = MarkdownReader().read("[ok](https://e.com) [bad](javascript:alert(1)) [tab](java&#x09;script:x) ![pic](data:image/png;base64,AA) ![](vbscript:x)")
        #expect(document.blocks == [.paragraph(Paragraph([
            .link(Link(url: "https://e.com", content: [.text("ok")])),
            .text(" bad tab pic "),
        ]))])
    }

    @Test func autolinksBecomeLinks() {
        let document = MarkdownReader().read("see www.example.org and <help@example.com> and <javascript:alert(1)>")
        #expect(document.blocks == [.paragraph(Paragraph([
            .text("see "), .link(Link(url: "http://www.example.org", content: [.text("www.example.org")])),
            .text(" and "), .link(Link(url: "mailto:help@example.com", content: [.text("help@example.com")])),
            .text(" and javascript:alert(1)"),
        ]))])
    }
}
