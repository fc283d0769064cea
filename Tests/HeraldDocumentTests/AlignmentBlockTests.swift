import HeraldDocument
import Testing

@Suite struct AlignmentBlockTests {
    func blocks(_ markdown: String) -> [Block] {
        MarkdownReader().read(markdown).blocks
    }

    @Test(arguments: Alignment.allCases)
    func fenceAlignsParagraphsAndHeadings(_ alignment: Alignment) {
        #expect(blocks("::: \(alignment.rawValue)\n# Title\ntext\n:::\nafter") == [
            .heading(Heading(level: 1, [.text("Title")], alignment: alignment)),
            .paragraph(Paragraph([.text("text")], alignment: alignment)),
            .paragraph(Paragraph([.text("after")])),
        ])
    }

    @Test func fencePlacesTablesAndReachesIntoLists() {
        let result = blocks("::: center\n| a |\n|---|\n| b |\n\n- item\n:::\n")
        guard result.count == 2, case .table(let table) = result[0], case .list(let list) = result[1] else {
            Issue.record("expected a table and a list, got \(result)")
            return
        }
        #expect(table.alignment == .center)
        #expect(list.items[0].blocks == [.paragraph(Paragraph([.text("item")], alignment: .center))])
    }

    @Test func innermostFenceWinsAndUnclosedFenceRunsToTheEnd() {
        #expect(blocks("::: right\none\n::: center\ntwo\n:::\nthree\n") == [
            .paragraph(Paragraph([.text("one")], alignment: .right)),
            .paragraph(Paragraph([.text("two")], alignment: .center)),
            .paragraph(Paragraph([.text("three")], alignment: .right)),
        ])
    }

    @Test func strayOrUnknownFencesStayText() {
        #expect(blocks(":::\n\n::: sideways\n") == [
            .paragraph(Paragraph([.text(":::")])),
            .paragraph(Paragraph([.text("::: sideways")])),
        ])
    }

    @Test func fencesInsideCodeBlocksAreCode() {
        #expect(blocks("```\n::: center\n```\n") == [.codeBlock(CodeBlock(code: "::: center"))])
    }

    @Test func anAuthorCannotForgeTheInternalMarker() {
        // The reader's marker comment, typed by hand, is an ordinary HTML comment: the HTML
        // reader drops it, and it aligns nothing.
        let result = blocks("<!-- herald-align-0 center -->\n\ntext\n")
        #expect(result == [
            .paragraph(Paragraph([.text("text")])),
        ])
    }

    @Test func fenceLinesInsideRawHTMLStillAlign() {
        // cmark runs an HTML block on until a blank line, over the fence lines; the HTML
        // between them is read, and the lines are fences as the author meant.
        #expect(blocks("<div>before</div>\n::: right\n<p>after</p>\n:::\nplain\n") == [
            .paragraph(Paragraph([.text("before")])),
            .paragraph(Paragraph([.text("after")], alignment: .right)),
            .paragraph(Paragraph([.text("plain")])),
        ])
        // An open fence with nothing after it aligns nothing and shows nothing.
        #expect(blocks("<div>\n::: center\n") == [])
    }
}
