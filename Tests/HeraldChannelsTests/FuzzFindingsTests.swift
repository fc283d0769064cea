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

    /// FuzzSMSEncoder (a seed of its corpus): with transliteration, removing a zero-width space
    /// between a CR and an LF made a CRLF after CRLFs had been replaced by LF, so the same break
    /// cost 2 units where a typed CRLF costs 1: the text said 4 units, its segments 3.
    @Test func transliterationThatJoinsCRAndLFCountsOneBreak() {
        let analysis = SMSEncoder(transliterate: true).analyze("a\r\u{200B}\nb")
        #expect(analysis.text == "a\nb")
        #expect(analysis.units == 3)
        #expect(analysis.segments == ["a\nb"])
    }

    /// Seen while writing FuzzSMSEncoder's budget property: a character longer than a UCS-2 part
    /// (a letter with 80 combining marks) made a segment over 67 units, after an empty one. It is
    /// now cut between its scalars.
    @Test func aCharacterLongerThanASegmentIsCutBetweenScalars() {
        let text = "x" + String(repeating: "\u{0301}", count: 80) + " 😜"
        let analysis = SMSEncoder().analyze(text)
        #expect(analysis.encoding == .ucs2)
        #expect(analysis.segments.allSatisfy { !$0.isEmpty && $0.utf16.count <= 67 })
        #expect(Array(analysis.segments.joined().unicodeScalars) == Array(text.unicodeScalars))
        // The emoji's surrogate pair stays whole: every segment is valid text on its own.
        #expect(analysis.segments.last?.unicodeScalars.last == "😜")
    }
}
