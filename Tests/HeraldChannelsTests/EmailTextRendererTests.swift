import HeraldChannels
import HeraldDocument
import Testing

@Suite struct EmailTextRendererTests {
    func text(_ markdown: String, width: Int = 76, options: EmailRenderOptions = EmailRenderOptions()) -> String {
        EmailTextRenderer(width: width).render(MarkdownReader().read(markdown), options: options)
    }

    @Test func headingsAreUnderlined() {
        #expect(text("# Title\n\n## Sub\n\n### Small") == "Title\n=====\n\nSub\n---\n\nSmall\n-----\n")
    }

    @Test func listsUseDashesAndNumbersIndentedByNesting() {
        #expect(text("9. nine\n   - a\n     - b\n10. ten") == """
        9. nine
           - a
             - b
        10. ten

        """)
    }

    @Test func tablesBecomeAlignedColumns() {
        #expect(text("| Item | Qty | Price |\n|:--|:-:|--:|\n| Mug | 2 | 9.50 |\n| Teapot | 10 | 24.00 |") == """
        Item    Qty  Price
        ------  ---  -----
        Mug      2    9.50
        Teapot  10   24.00

        """)
    }

    @Test func tablesTooWideBecomeHeaderValueBlocks() {
        let long = String(repeating: "word ", count: 12)
        #expect(text("| A | B |\n|---|---|\n| \(long)| \(long)|\n| x | y |", width: 40) == """
        A: word word word word word word word
          word word word word word
        B: word word word word word word word
          word word word word word

        A: x
        B: y

        """)
    }

    @Test func linksShowTheirURLOnce() {
        #expect(text("[Docs](https://e.com/d) <https://e.com> [mail](mailto:a@e.com) <a@e.com> [call](tel:+15550100) www.e.org")
                == "Docs (https://e.com/d) https://e.com mail (a@e.com) a@e.com call (+15550100)\nhttp://www.e.org\n")
    }

    @Test func imagesShowTheirAltTextAndStrikethroughStaysVisible() {
        #expect(text("![Logo](cid:logo) ![](https://e.com/x.png) ~~$50~~ $40 ==key==") == "[Logo] ~~$50~~ $40 key\n")
    }

    @Test func wrapsAt76WithoutBreakingURLsOrWords() {
        let url = "https://example.com/" + String(repeating: "a", count: 90)
        let result = text("Some words before the link \(url) and some after it.")
        let lines = result.split(separator: "\n").map(String.init)
        #expect(lines == ["Some words before the link", url, "and some after it."])
        let prose = text(String(repeating: "lorem ipsum ", count: 40))
        #expect(prose.split(separator: "\n").allSatisfy { $0.count <= 76 })
    }

    @Test func cjkWrapsBetweenCharactersCountingTwoColumnsEach() {
        let result = text(String(repeating: "汉字", count: 50) + "。")
        let lines = result.split(separator: "\n").map(String.init)
        #expect(lines.map(\.count) == [38, 38, 25])
        // Closing punctuation never starts a line.
        #expect(lines.last?.hasSuffix("字。") == true)
    }

    @Test func quotesCodeRulesAndBreaks() {
        #expect(text("> quoted\n>\n> more\n\n```\ncode  line\n```\n\n***\n\nline one  \nline two") == """
        > quoted
        >
        > more

            code  line

        ----------------------------------------

        line one
        line two

        """)
    }

    @Test func centeredAndRightAlignedTextIsPaddedForLeftToRightOnly() {
        #expect(text("::: center\nabc\n:::", width: 20) == "        abc\n")
        #expect(text("::: right\nabc\n:::", width: 20) == "                 abc\n")
        #expect(text("::: center\nمرحبا\n:::", width: 20) == "مرحبا\n")
    }

    @Test func preheaderLeadsTheTextPart() {
        #expect(text("Body", options: EmailRenderOptions(preheader: "Preview")) == "Preview\n\nBody\n")
    }
}
