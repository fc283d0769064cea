import Foundation
import HeraldDocument
import Testing

/// Word (desktop paste, Outlook's editor) writes lists as paragraphs styled
/// `mso-list:lN levelM lfoK`, each starting with its bullet or number as text inside
/// `<![if !supportLists]>` and a `mso-list:Ignore` span. They are read as model lists.
@Suite struct HTMLReaderWordListTests {
    func read(_ html: String, maximumNesting: Int = 48) -> HTMLReading {
        HTMLReader(maximumNesting: maximumNesting).read(html)
    }

    func text(_ string: String) -> Block { .paragraph(Paragraph([.text(string)])) }

    /// One Word list paragraph as Word writes it (`conditional: false` gives the comment form of
    /// Word 2016+ web paste, `<!--[if !supportLists]-->`).
    func item(_ text: String, list: String = "l0", level: Int = 1, lfo: Int = 1, marker: String, conditional: Bool = true) -> String {
        let (open, close) = conditional ? ("<![if !supportLists]>", "<![endif]>") : ("<!--[if !supportLists]-->", "<!--[endif]-->")
        return "<p class=MsoListParagraphCxSpMiddle style='text-indent:-.25in;mso-list:\(list) level\(level) lfo\(lfo)'>"
            + "\(open)<span style='font-family:Symbol'><span style='mso-list:Ignore'>\(marker)"
            + "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span>\(close)\(text)<o:p></o:p></p>\n"
    }

    @Test func fixtureBulletListWithNestedLevelAndNumberedListFromThree() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/html/word-lists.html")
        let reading = HTMLReader().read(bytes: Array(try Data(contentsOf: url)))
        #expect(reading.document.blocks == [
            text("Before you ship:"),
            .list(List(kind: .bullet, items: [
                ListItem([
                    .paragraph(Paragraph([.text("Pack the "), .marked(.bold, [.text("fragile")]), .text(" items")])),
                    .list(List(kind: .bullet, items: [
                        ListItem([text("Wrap glasses twice")]),
                        ListItem([.paragraph(Paragraph([.text("Label the box "), .marked(.italic, [.text("This way up")])]))]),
                    ], isTight: true)),
                ]),
                ListItem([text("Print the label")]),
            ], isTight: true)),
            text("Then, at the counter:"),
            .list(List(kind: .ordered(start: 3), items: [
                ListItem([text("Hand over the parcel")]),
                ListItem([.paragraph(Paragraph([.text("Keep the "), .marked(.highlight, [.text("receipt")])]))]),
            ], isTight: true)),
        ])
        // Only the <head>'s `<!--[if gte mso 9]>` is reported, not the eight list-marker conditionals.
        #expect(reading.removed.map(\.summary) == ["3 <meta> elements", "1 conditional comment", "1 <style> element"])
    }

    @Test func commentFormOfTheMarkerConditionalAndParenthesisNumbers() {
        let reading = read(item("One", marker: "2)", conditional: false) + item("Two", marker: "3)", conditional: false))
        #expect(reading.document.blocks == [
            .list(List(kind: .ordered(start: 2), items: [ListItem([text("One")]), ListItem([text("Two")])])),
        ])
        #expect(reading.removed == [])
    }

    @Test func outlookMarkerSpanWithoutAConditional() {
        let html = "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>1.&nbsp;&nbsp; </span>Call us</p>"
        #expect(read(html).document.blocks == [.list(List(kind: .ordered(start: 1), items: [ListItem([text("Call us")])]))])
    }

    @Test(arguments: [
        ("·", List.Kind.bullet), ("o", .bullet), ("§", .bullet), ("-", .bullet), ("Ø", .bullet), ("\u{F0B7}", .bullet),
        ("1.", .ordered(start: 1)), ("7.", .ordered(start: 7)), ("(4)", .ordered(start: 4)), ("2.3.", .ordered(start: 3)),
        // Letters and roman numerals: ordered, from 1 (the model numbers with digits only).
        ("a.", .ordered(start: 1)), ("C)", .ordered(start: 1)), ("iv.", .ordered(start: 1)), ("XII.", .ordered(start: 1)),
        // Not a number or a letter with its dot: a bullet.
        ("ab.", .bullet), ("1a.", .bullet), ("", .bullet),
    ])
    func markerDecidesTheKind(_ marker: String, _ kind: List.Kind) {
        let blocks = read(item("Item", marker: marker)).document.blocks
        #expect(blocks == [.list(List(kind: kind, items: [ListItem([text("Item")])]))])
    }

    @Test func aNewListWhenTheListOrItsInstanceChanges() {
        let html = item("A", list: "l0", marker: "·") + item("B", list: "l1", marker: "1.")
            + item("C", list: "l1", lfo: 2, marker: "1.") + item("D", list: "l1", lfo: 2, marker: "2.")
        #expect(read(html).document.blocks == [
            .list(List(kind: .bullet, items: [ListItem([text("A")])])),
            .list(List(kind: .ordered(start: 1), items: [ListItem([text("B")])])),
            .list(List(kind: .ordered(start: 1), items: [ListItem([text("C")]), ListItem([text("D")])])),
        ])
    }

    @Test func anyBlockBetweenEndsTheList() {
        let html = item("A", marker: "1.") + "<table><tr><td>cell</td></tr></table>" + item("B", marker: "2.")
            + "<h2>Title</h2>" + item("C", marker: "3.")
        #expect(read(html).document.blocks == [
            .list(List(kind: .ordered(start: 1), items: [ListItem([text("A")])])),
            .table(Table(columns: [nil], header: [], rows: [[TableCell([.text("cell")])]])),
            .list(List(kind: .ordered(start: 2), items: [ListItem([text("B")])])),
            .heading(Heading(level: 2, [.text("Title")])),
            .list(List(kind: .ordered(start: 3), items: [ListItem([text("C")])])),
        ])
    }

    @Test func levelsNestAndComeBack() {
        let html = item("1", level: 1, marker: "1.") + item("1a", level: 2, marker: "a.") + item("1a-i", level: 3, marker: "i.")
            + item("2", level: 1, marker: "2.") + item("2-bullet", level: 2, marker: "o")
        #expect(read(html).document.blocks == [
            .list(List(kind: .ordered(start: 1), items: [
                ListItem([text("1"), .list(List(kind: .ordered(start: 1), items: [
                    ListItem([text("1a"), .list(List(kind: .ordered(start: 1), items: [ListItem([text("1a-i")])]))]),
                ]))]),
                ListItem([text("2"), .list(List(kind: .bullet, items: [ListItem([text("2-bullet")])]))]),
            ])),
        ])
    }

    @Test func aListStartingDeeperStaysItsOwnList() {
        let html = item("deep", level: 2, marker: "o") + item("top", level: 1, marker: "·")
        #expect(read(html).document.blocks == [
            .list(List(kind: .bullet, items: [ListItem([text("deep")])])),
            .list(List(kind: .bullet, items: [ListItem([text("top")])])),
        ])
    }

    @Test func levelsBeyondMaximumNestingJoinTheDeepestList() {
        let html = item("a", level: 1, marker: "·") + item("b", level: 2, marker: "o") + item("c", level: 3, marker: "§")
        #expect(read(html, maximumNesting: 1).document.blocks == [
            .list(List(kind: .bullet, items: [ListItem([text("a")]), ListItem([text("b")]), ListItem([text("c")])])),
        ])
        #expect(read(html, maximumNesting: 3).document.blocks == [
            .list(List(kind: .bullet, items: [
                ListItem([text("a"), .list(List(kind: .bullet, items: [ListItem([text("b")]), ListItem([text("c")])]))]),
            ])),
        ])
    }

    @Test func otherConditionalsAreStillReportedAndNumberedHeadingsKeepTheirNumber() {
        let html = "<p><![if !vml]><img src=\"https://e.com/a.png\" alt=\"A\"><![endif]></p>"
            + "<h1 style='mso-list:l2 level1 lfo3'><![if !supportLists]><span style='mso-list:Ignore'>1.<span>&nbsp; </span></span><![endif]>Intro</h1>"
        let reading = read(html)
        #expect(reading.document.blocks == [
            .paragraph(Paragraph([.image(Image(source: "https://e.com/a.png", alt: "A"))])),
            .heading(Heading(level: 1, [.text("1.\u{A0} Intro")])),
        ])
        #expect(reading.removed.map(\.summary) == ["2 conditional comments"])
    }

    @Test func picturesAndBreaksInTheMarkerAreNotItemContent() {
        let html = "<p style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>"
            + "<img src=\"file:///C:/Users/a/clip_image001.gif\" alt=\"*\"><br><span>&nbsp;</span></span><![endif]><b>Bold</b> item</p>"
        let reading = read(html)
        #expect(reading.document.blocks == [
            .list(List(kind: .bullet, items: [ListItem([.paragraph(Paragraph([.marked(.bold, [.text("Bold")]), .text(" item")]))])])),
        ])
        #expect(reading.removed == [])
    }

    @Test func anEmptyItemAndAnUnclosedMarkerLoseNoText() {
        let html = item("", marker: "·") + "<p style='mso-list:l0 level1 lfo1'><![if !supportLists]>·<p>After</p>"
        #expect(read(html).document.blocks == [text("After")])
    }

    @Test func aListInATableCellIsLinesOfTheCell() {
        let html = "<table><tr><td>" + item("A", marker: "·") + item("B", level: 2, marker: "o") + "</td><td>x</td></tr></table>"
        #expect(read(html).document.blocks == [
            .table(Table(columns: [nil, nil], header: [], rows: [[TableCell([.text("A"), .lineBreak, .text("B")]), TableCell([.text("x")])]])),
        ])
    }

    @Test func longListsAreReadInOnePass() {
        var html = ""
        for index in 0..<6_000 { html += item("item \(index)", level: index % 9 + 1, marker: "·") }
        var items = 0
        var pending = read(html).document.blocks
        while let block = pending.popLast() {
            guard case .list(let list) = block else { continue }
            items += list.items.count
            pending.append(contentsOf: list.items.flatMap(\.blocks))
        }
        #expect(items == 6_000)
    }
}
