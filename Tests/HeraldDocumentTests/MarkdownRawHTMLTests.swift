import HeraldDocument
import Testing

/// Raw HTML in Markdown goes through the HTML reader, wherever it sits.
@Suite struct MarkdownRawHTMLTests {
    func blocks(_ markdown: String) -> [Block] {
        MarkdownReader().read(markdown).blocks
    }

    @Test func htmlBlockInsideAnAlignmentFenceIsAligned() {
        #expect(blocks("::: center\n<p>Signed <b>Ana</b></p>\n:::\n") == [
            .paragraph(Paragraph([.text("Signed "), .marked(.bold, [.text("Ana")])], alignment: .center)),
        ])
    }

    @Test func breakInATableCell() {
        let result = blocks("| a |\n|---|\n| one<br>two |\n")
        guard case .table(let table)? = result.first else {
            Issue.record("expected a table, got \(result)")
            return
        }
        #expect(table.rows == [[TableCell([.text("one"), .lineBreak, .text("two")])]])
    }

    @Test func markdownAroundInlineHTMLKeepsItsFormatting() {
        #expect(blocks("**bold** and <mark>marked</mark> [link](https://e.com) `a<b` ![alt](cid:x)") == [
            .paragraph(Paragraph([
                .marked(.bold, [.text("bold")]), .text(" and "), .marked(.highlight, [.text("marked")]), .text(" "),
                .link(Link(url: "https://e.com", content: [.text("link")])), .text(" "), .code("a<b"), .text(" "),
                .image(Image(source: "cid:x", alt: "alt")),
            ])),
        ])
    }

    @Test func htmlBlockInAListItemAndQuote() {
        #expect(blocks("- item\n\n  <div>inside <i>item</i></div>\n\n> <p>quoted</p>\n") == [
            .list(List(kind: .bullet, items: [ListItem([
                .paragraph(Paragraph([.text("item")])),
                .paragraph(Paragraph([.text("inside "), .marked(.italic, [.text("item")])])),
            ])], isTight: false)),
            .blockQuote([.paragraph(Paragraph([.text("quoted")]))]),
        ])
    }

    @Test func whatWasRemovedIsReportedWhereverItWasWritten() {
        let markdown = "Hi <b onclick=\"x()\">there</b>\n\n<script>alert(1)</script>\n\n- [a](javascript:x) ![i](data:image/png,xx) <a href=\"vbscript:y\">b</a>\n"
        let reading = MarkdownReader().readReportingRemovals(bytes: Array(markdown.utf8))
        // In the order first seen: a paragraph's inline HTML, an HTML block, then the list item.
        #expect(reading.removed.map(\.summary) == ["1 onclick attribute", "1 <script> element", "1 javascript: link", "1 data: image", "1 vbscript: link"])
        #expect(reading.document == MarkdownReader().read(markdown))
        // Plain Markdown reports nothing.
        #expect(MarkdownReader().readReportingRemovals(bytes: Array("**hi** [ok](https://e.com)".utf8)).removed.isEmpty)
    }

    @Test func aTagNamingNoElementIsTheAuthorsText() {
        // Agents write key names, generics and placeholders in angle brackets: they stay.
        #expect(blocks("Press <Ctrl> + <C>, or <kbd>Esc</kbd>.") == [
            .paragraph(Paragraph([.text("Press <Ctrl> + <C>, or "), .code("Esc"), .text(".")])),
        ])
        #expect(blocks("<Nombre del cliente>\n") == [.paragraph(Paragraph([.text("<Nombre del cliente>")]))])
        guard case .table(let table)? = blocks("| key |\n|---|\n| <Enter> |\n").first else {
            Issue.record("expected a table")
            return
        }
        #expect(table.rows == [[TableCell([.text("<Enter>")])]])
        // A real element is still read, and a dangerous one still removed.
        #expect(blocks("a <u>b</u> <script>x()</script>c") == [.paragraph(Paragraph([.text("a "), .marked(.underline, [.text("b")]), .text(" c")]))])
    }
}
