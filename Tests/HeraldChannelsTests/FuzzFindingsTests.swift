import HeraldChannels
import HeraldDocument
import Testing

/// Inputs the fuzz targets (Fuzz/, docs/fuzzing.md) found breaking a property, kept as tests.
@Suite struct FuzzFindingsTests {
    /// FuzzMarkdownReader: a C0 control character (here a backspace, from a flipped bit in a
    /// sample) went into the email HTML as it was, which no HTML text may hold; libxml2 reported
    /// "Invalid char in CDATA 0x8". Controls other than tab, LF and CR, and U+FFFE/U+FFFF, are
    /// now left out of every escaped text and attribute.
    @Test func controlCharactersNeverReachTheEmailHTML() {
        let markdown = "# Tit\u{0E}le\n\nPay\u{08}ment [li\u{1B}nk](https://example.com/\u{07}x) ![a\u{01}lt](https://example.com/i.png) \u{FFFE}\u{FFFF}ok\n"
        let document = MarkdownReader().read(markdown)
        let html = EmailHTMLRenderer().render(document, options: EmailRenderOptions(title: "Sub\u{0B}ject", preheader: "Pre\u{1F}view")).html
        #expect(HTMLSyntaxCheck.inspect(html).problems.isEmpty)
        #expect(!html.unicodeScalars.contains { ($0.value < 0x20 && !["\t", "\n", "\r"].contains($0)) || $0 == "\u{FFFE}" || $0 == "\u{FFFF}" })
        // Only the invisible characters go: the words around them are whole.
        #expect(html.contains("Title") && html.contains("Payment") && html.contains("link") && html.contains("alt=\"alt\""))
    }
}
