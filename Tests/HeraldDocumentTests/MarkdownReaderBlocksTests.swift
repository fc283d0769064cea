import HeraldDocument
import Testing

@Suite struct MarkdownReaderBlocksTests {
    func blocks(_ markdown: String) -> [Block] {
        MarkdownReader().read(markdown).blocks
    }

    @Test func headingsOneToSix() {
        let levels = blocks((1...6).map { String(repeating: "#", count: $0) + " H\($0)" }.joined(separator: "\n")).map { block -> Int in
            if case .heading(let heading) = block { return heading.level }
            return 0
        }
        #expect(levels == [1, 2, 3, 4, 5, 6])
    }

    @Test func nestedListsKeepKindStartAndTightness() {
        let markdown = """
        7. seven
           - bullet
             1. deep

        8. eight
        """
        guard case .list(let outer)? = blocks(markdown).first else {
            Issue.record("expected a list")
            return
        }
        #expect(outer.kind == .ordered(start: 7))
        #expect(outer.isTight == false)
        #expect(outer.items.count == 2)
        guard case .list(let middle)? = outer.items[0].blocks.last, case .list(let inner)? = middle.items[0].blocks.last else {
            Issue.record("expected three levels, got \(outer.items[0].blocks)")
            return
        }
        #expect(middle.kind == .bullet)
        #expect(inner.kind == .ordered(start: 1))
        #expect(inner.items[0].blocks == [.paragraph(Paragraph([.text("deep")]))])
    }

    @Test func tableColumnsHeaderAndRowsPaddedToTheColumnCount() {
        let markdown = """
        | L | C | R | N |
        |:--|:-:|--:|---|
        | a | **b** |
        """
        #expect(blocks(markdown) == [.table(Table(
            columns: [.left, .center, .right, nil],
            header: [TableCell([.text("L")]), TableCell([.text("C")]), TableCell([.text("R")]), TableCell([.text("N")])],
            rows: [[TableCell([.text("a")]), TableCell([.marked(.bold, [.text("b")])]), TableCell([]), TableCell([])]]))])
    }

    @Test func quotesCodeAndRules() {
        let markdown = """
        > quoted
        >> deeper

        ```json
        {"a": 1}
        ```

        ---

            indented
        """
        #expect(blocks(markdown) == [
            .blockQuote([.paragraph(Paragraph([.text("quoted")])), .blockQuote([.paragraph(Paragraph([.text("deeper")]))])]),
            .codeBlock(CodeBlock(language: "json", code: "{\"a\": 1}")),
            .horizontalRule,
            .codeBlock(CodeBlock(language: nil, code: "indented")),
        ])
    }

    @Test func rawHTMLGoesThroughTheHTMLReader() {
        // Script blocks disappear with their content; allowed inline tags become marks even
        // though cmark splits `<b>` and `</b>` into separate nodes around the text.
        #expect(blocks("<script>alert(1)</script>\n\nhi <b>there</b>") == [
            .paragraph(Paragraph([.text("hi "), .marked(.bold, [.text("there")])])),
        ])
        // An HTML block is read as blocks: the div is a wrapper, its line is a paragraph.
        #expect(blocks("<div>\nline\n</div>") == [.paragraph(Paragraph([.text("line")]))])
        // Raw tags and Markdown emphasis form one fragment; where they cross, libxml2 closes
        // the inner tag with the outer one (it does not reopen it as HTML5 browsers do). An
        // unsafe raw link keeps its text.
        #expect(blocks("*a <u>b* c</u> <a href=\"javascript:x()\">d</a>") == [
            .paragraph(Paragraph([
                .marked(.italic, [.text("a "), .marked(.underline, [.text("b")])]),
                .text(" c d"),
            ])),
        ])
    }

    @Test func invalidUTF8IsReplacedNotFatal() {
        let bytes: [UInt8] = Array("ok ".utf8) + [0xFF, 0xC3] + Array(" fine\u{0}".utf8)
        #expect(MarkdownReader().read(bytes: bytes).blocks == [.paragraph(Paragraph([.text("ok \u{FFFD}\u{FFFD} fine\u{FFFD}")]))])
    }

    @Test func deepNestingIsFlattenedNotACrash() {
        let reader = MarkdownReader(maximumNesting: 8)
        let document = reader.read(String(repeating: ">", count: 10_000) + " bottom")
        var depth = 0
        var blocks = document.blocks
        while case .blockQuote(let inner)? = blocks.first {
            depth += 1
            blocks = inner
        }
        #expect(depth <= 8)
        #expect(blocks == [.paragraph(Paragraph([.text("bottom")]))])

        let marks = reader.read(String(repeating: "*a ", count: 500) + "x" + String(repeating: " a*", count: 500))
        #expect(marks.blocks.count == 1)
    }

    @Test func emptyInputIsAnEmptyDocument() {
        #expect(blocks("") == [])
        #expect(blocks("\n\n   \n") == [])
    }
}
