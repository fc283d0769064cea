import HeraldDocument
import Testing

/// Inline marks, including Herald's own `==highlight==` and `++underline++`.
@Suite struct MarkdownReaderMarksTests {
    func inlines(_ markdown: String) -> [Inline] {
        guard case .paragraph(let paragraph)? = MarkdownReader().read(markdown).blocks.first else { return [] }
        return paragraph.content
    }

    @Test func everyMarkBecomesItsModelMark() {
        #expect(inlines("**b** *i* ++u++ ~~s~~ ==h== `c`") == [
            .marked(.bold, [.text("b")]), .text(" "),
            .marked(.italic, [.text("i")]), .text(" "),
            .marked(.underline, [.text("u")]), .text(" "),
            .marked(.strikethrough, [.text("s")]), .text(" "),
            .marked(.highlight, [.text("h")]), .text(" "),
            .code("c"),
        ])
    }

    @Test func marksNest() {
        #expect(inlines("==a **b** ++c++==") == [
            .marked(.highlight, [.text("a "), .marked(.bold, [.text("b")]), .text(" "), .marked(.underline, [.text("c")])]),
        ])
        #expect(inlines("++x ==*y*==++") == [
            .marked(.underline, [.text("x "), .marked(.highlight, [.marked(.italic, [.text("y")])])]),
        ])
    }

    @Test func escapesAndCodeSpansKeepDelimitersLiteral() {
        #expect(inlines("\\==not==") == [.text("==not==")])
        #expect(inlines("\\++not++") == [.text("++not++")])
        #expect(inlines("`==code==` and `++code++`") == [.code("==code=="), .text(" and "), .code("++code++")])
    }

    @Test func delimitersThatDoNotFlankStayText() {
        #expect(inlines("C++ and C++") == [.text("C++ and C++")])
        #expect(inlines("1 + 2 ++ 3") == [.text("1 + 2 ++ 3")])
        #expect(inlines("a == b") == [.text("a == b")])
        #expect(inlines("== unclosed") == [.text("== unclosed")])
        #expect(inlines("===three===") == [.text("===three===")])
    }

    @Test func intrawordHighlightWorksLikeStrikethrough() {
        #expect(inlines("a==b==c") == [.text("a"), .marked(.highlight, [.text("b")]), .text("c")])
    }

    @Test func singleTildeDoesNotStrike() {
        #expect(inlines("about ~3 days, ~this~ too") == [.text("about ~3 days, ~this~ too")])
    }

    @Test func highlightAndUnderlineWorkInsideTableCells() {
        let document = MarkdownReader().read("| a | b |\n|---|---|\n| ==h== | ++u++ |\n")
        guard case .table(let table)? = document.blocks.first else {
            Issue.record("expected a table, got \(document.blocks)")
            return
        }
        #expect(table.rows[0][0].content == [.marked(.highlight, [.text("h")])])
        #expect(table.rows[0][1].content == [.marked(.underline, [.text("u")])])
    }

    @Test func hardBreaksAndSoftBreaks() {
        #expect(inlines("one  \ntwo\\\nthree\nfour") == [.text("one"), .lineBreak, .text("two"), .lineBreak, .text("three four")])
    }

    @Test func plusListMarkerIsStillAList() {
        guard case .list(let list)? = MarkdownReader().read("+ item\n+ other\n").blocks.first else {
            Issue.record("expected a list")
            return
        }
        #expect(list.items.count == 2)
    }
}

/// cmark-gfm switches its inline special characters on and off in process-global tables; the
/// reader must still see every mark when many threads parse at once (a server's normal day).
@Suite struct MarkdownReaderConcurrencyTests {
    @Test func parallelReadsAllSeeTheirMarks() async {
        let expected: [Inline] = [.marked(.underline, [.text("u")]), .text(" "), .marked(.strikethrough, [.text("s")]),
                                  .text(" "), .marked(.highlight, [.text("h")]), .text(" "), .link(Link(url: "http://www.e.org", content: [.text("www.e.org")]))]
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    (0..<50).allSatisfy { _ in
                        MarkdownReader().read("++u++ ~~s~~ ==h== www.e.org").blocks == [.paragraph(Paragraph(expected))]
                    }
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }
}
