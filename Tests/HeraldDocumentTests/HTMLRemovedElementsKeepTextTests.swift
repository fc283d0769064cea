@testable import HeraldDocument
import Testing

/// Whatever the reader takes out, the agent's text after it stays: for every element it removes
/// (with its content, silently, or unwrapped), in editor HTML and in Markdown's raw HTML, as a
/// block and inline. The element is written as a browser reads it: a void element (`<embed>`,
/// `<source>`, `<track>`, `<keygen>`...) without an end tag, any other with its end tag.
@Suite struct HTMLRemovedElementsKeepTextTests {
    /// Every element kind the reader removes or unwraps, read from its own allow-list so a new
    /// entry is covered without touching this test.
    static let removedElements: [String] = (HTMLElements.removedWithContent.union(HTMLElements.skippedSilently)
        .union(HTMLElements.unwrappedReported).union(["head"])).sorted()

    /// The element as an author (or a paste) writes it.
    static func markup(_ name: String) -> String {
        HTMLElementNames.void.contains(name) ? "<\(name) src=\"https://example.com/x\">" : "<\(name)>inside</\(name)>"
    }

    /// The words of the leaf blocks in order: a removed block element may end a paragraph
    /// (`<form>` does), which is not lost text.
    static func words(_ blocks: [Block]) -> [String] {
        HTMLReaderRobustnessTests.plainText(of: blocks).joined(separator: " ").split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// What must be read: the text around the element, and its own text when it is unwrapped
    /// (a form's) or its tag is ignored (a `<head>` inside the body is, by libxml2 and browsers).
    static func expected(_ name: String) -> [String] {
        let shown = HTMLElements.unwrappedReported.contains(name) || name == "head"
        return ["before"] + (shown ? ["inside"] : []) + ["after", "bold", "last"]
    }

    @Test func everyHTML5VoidElementIsVoid() {
        // The HTML standard's void elements (and `image`, which a browser reads as `img`).
        #expect(HTMLElementNames.void == [
            "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
            "keygen", "link", "meta", "param", "source", "track", "wbr",
        ])
    }

    @Test(arguments: removedElements)
    func textAfterItInHTMLBlocks(_ name: String) {
        let blocks = HTMLReader().read("<p>before</p>\(Self.markup(name))<p>after <b>bold</b></p><p>last</p>").document.blocks
        #expect(Self.words(blocks) == Self.expected(name), "\(name)")
    }

    @Test(arguments: removedElements)
    func textAfterItInAnHTMLParagraph(_ name: String) {
        let blocks = HTMLReader().read("<p>before \(Self.markup(name)) after <b>bold</b></p><p>last</p>").document.blocks
        #expect(Self.words(blocks) == Self.expected(name), "\(name)")
    }

    @Test(arguments: removedElements)
    func textAfterItInAMarkdownHTMLBlock(_ name: String) {
        let markdown = "before\n\n<div>\n\(Self.markup(name))\n<p>after</p>\n</div>\n\n**bold** last\n"
        #expect(Self.words(MarkdownReader().read(markdown).blocks) == Self.expected(name), "\(name)")
    }

    @Test(arguments: removedElements)
    func textAfterItInMarkdownInlineHTML(_ name: String) {
        let blocks = MarkdownReader().read("before \(Self.markup(name)) after **bold**\n\nlast\n").blocks
        // Word's `<xml>` is no HTML element: in Markdown it is text the author typed, shown as typed.
        let expected = name == "xml" ? ["before", Self.markup(name), "after", "bold", "last"] : Self.expected(name)
        #expect(Self.words(blocks) == expected, "\(name)")
    }

    @Test func anEndTagWrittenForAVoidElementChangesNothing() {
        // `<embed></embed>`: the end tag closes nothing and what stands before it is text after
        // the embed, as a browser shows it. `src=x/>` is the value `x/`, not a self-closed tag.
        let reading = HTMLReader().read("<p>a</p><embed src=\"x\">text</embed><p>after</p><source src=x/><p>more</p><track/>end")
        #expect(reading.document.blocks == [
            .paragraph(Paragraph([.text("a")])), .paragraph(Paragraph([.text("text")])), .paragraph(Paragraph([.text("after")])),
            .paragraph(Paragraph([.text("more")])), .paragraph(Paragraph([.text("end")])),
        ])
        #expect(reading.removed.map(\.summary) == ["1 <embed> element", "1 <source> element", "1 <track> element"])
    }

    @Test func imageIsReadAsAnImage() {
        // Browsers read the obsolete `<image>` as `<img>`.
        #expect(HTMLReader().read("<p>a <image src=\"https://example.com/logo.png\" alt=\"Logo\"> b</p>").document.blocks == [
            .paragraph(Paragraph([.text("a "), .image(Image(source: "https://example.com/logo.png", alt: "Logo")), .text(" b")])),
        ])
    }
}
