import HeraldDocument
import Testing

/// One element with tens of thousands of attributes (a pasted or generated tag) is cut to the
/// first 256 before libxml2 sees it — libxml2's duplicate check would take quadratic time —
/// and the cut is reported. (The time is measured by Benchmarks/HTMLReaderBenchmark.)
@Suite struct HTMLReaderAttributeLimitTests {
    static func attributes(_ range: Range<Int>) -> String {
        range.map { " data-a\($0)=\"v\"" }.joined()
    }

    @Test func attributesBeyondTheLimitAreCutAndReported() {
        // The first attribute still counts (the paragraph is centred); an onclick after the
        // limit is cut with the rest, so it is not reported as a handler.
        let html = "<p style=\"text-align:center\"\(Self.attributes(1..<40_000)) onclick=\"steal()\">kept <b>text</b></p><p>after</p>"
        let reading = HTMLReader().read(html)
        #expect(reading.document.blocks == [
            .paragraph(Paragraph([.text("kept "), .marked(.bold, [.text("text")])], alignment: .center)),
            .paragraph(Paragraph([.text("after")])),
        ])
        #expect(reading.removed.map(\.summary) == ["1 <p> element's attributes beyond the first 256"])
        #expect(reading.removed.first?.example.hasPrefix("data-a256=\"v\" data-a257") == true)
    }

    @Test func everyElementOverTheLimitIsCounted() {
        let html = String(repeating: "<span\(Self.attributes(0..<300))>word </span>", count: 50) + "<img src=\"https://example.com/a.png\" alt=\"end\"\(Self.attributes(0..<257))>"
        let reading = HTMLReader().read(html)
        #expect(reading.document.blocks == [
            .paragraph(Paragraph([.text(String(repeating: "word ", count: 50)), .image(Image(source: "https://example.com/a.png", alt: "end"))])),
        ])
        #expect(reading.removed.map(\.summary) == ["50 <span> elements' attributes beyond the first 256", "1 <img> element's attributes beyond the first 256"])
    }

    @Test func anElementAtTheLimitIsUntouched() {
        let reading = HTMLReader().read("<p\(Self.attributes(0..<255)) align=\"right\">x</p>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("x")], alignment: .right))])
        #expect(reading.removed == [])
    }

    @Test func quotesAndSlashesInValuesDoNotEndTheTag() {
        // Values holding `>` and `/>` (quoted), and an unquoted value ending in `/`: the cut
        // ends where libxml2 ends the tag, so no attribute text turns into message text.
        let html = "<p\(Self.attributes(0..<256)) title=\"a > b\" alt='/>' src=x/>text</p>"
        let reading = HTMLReader().read(html)
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("text")]))])
        #expect(reading.removed.map(\.example) == ["title=\"a > b\" alt='/>' src=x/"])
    }
}
