import Foundation
import HeraldDocument
import Testing

/// HTML as Word and Google Docs put it on the clipboard (Tests/Fixtures/html): formatting the
/// model can hold is kept, the rest is dropped, and the text is always there.
@Suite struct HTMLReaderPasteTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/html")

    func read(_ name: String) throws -> HTMLReading {
        HTMLReader().read(bytes: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name))))
    }

    @Test func wordKeepsMarksAlignmentLinksAndTableText() throws {
        let reading = try read("word-paste.html")
        #expect(reading.document.blocks == [
            .paragraph(Paragraph([.marked(.bold, [.text("Returns policy update")])])),
            .paragraph(Paragraph([
                .text("From "), .marked(.highlight, [.text("1 April")]), .text(" you can return "),
                .marked(.italic, [.text("any")]), .text(" item within "), .marked(.underline, [.text("30 days")]),
                .text(". Items marked "), .marked(.strikethrough, [.text("final sale")]), .text(" are included too."),
            ])),
            .paragraph(Paragraph([.text("Thank you for shopping with us.")], alignment: .center)),
            // Word's list paragraph (mso-list) is a list; its bullet, written inside
            // `<![if !supportLists]>`, is the list's kind, not text.
            .list(List(kind: .bullet, items: [ListItem([.paragraph(Paragraph([.text("Print the label")]))])], isTight: true)),
            .paragraph(Paragraph([
                .text("See "), .link(Link(url: "https://example.com/returns", content: [.text("our returns page")])),
                .text(" or the index."),
            ])),
            .table(Table(columns: [nil, .right], header: [], rows: [
                [TableCell([.marked(.bold, [.text("Item")])]), TableCell([.marked(.bold, [.text("Days")])])],
                [TableCell([.text("Shoes")]), TableCell([.text("30")])],
            ])),
        ])
        let summaries = reading.removed.map(\.summary)
        #expect(summaries.contains("3 <meta> elements"))
        #expect(summaries.contains("1 <link> element"))
        #expect(summaries.contains("1 <style> element"))
        // The <head>'s `<!--[if gte mso 9]>`; the list marker's two conditionals are not reported.
        #expect(summaries.contains("1 conditional comment"))
        #expect(summaries.contains("1 link without a scheme"))
    }

    @Test func googleDocsWrapperIsNotBold() throws {
        let reading = try read("google-docs-paste.html")
        #expect(reading.document.blocks == [
            .heading(Heading(level: 2, [.text("Your order has shipped")])),
            .paragraph(Paragraph([
                .text("Hello Ana, your parcel is "), .marked(.bold, [.text("on its way")]), .text(" and should arrive "),
                .marked(.italic, [.marked(.highlight, [.text("on Thursday")])]), .text("."),
            ])),
            .list(List(kind: .bullet, items: [
                ListItem([.paragraph(Paragraph([
                    .marked(.underline, [.text("Track it")]), .text(" at "),
                    .link(Link(url: "https://example.com/track/42", content: [.marked(.underline, [.text("example.com/track/42")])])),
                ]))]),
                ListItem([.paragraph(Paragraph([.marked(.strikethrough, [.text("Signature required")])]))]),
            ], isTight: true)),
        ])
        // Its <meta charset> is the only thing removed.
        #expect(reading.removed == [HTMLRemoval(kind: .element("meta"), count: 1, example: "<meta>")])
    }
}
