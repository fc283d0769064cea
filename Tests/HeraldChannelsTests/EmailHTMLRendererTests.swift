import Foundation
import HeraldChannels
import HeraldDocument
import Testing

@Suite struct EmailHTMLRendererTests {
    func body(_ markdown: String, options: EmailRenderOptions = EmailRenderOptions()) -> String {
        let html = EmailHTMLRenderer().render(MarkdownReader().read(markdown), options: options).html
        // The part between the content cell and its closing tag.
        guard let start = html.range(of: "word-wrap:break-word;\">\n"), let end = html.range(of: "</td>\n</tr>\n</table>\n</div>\n<!--[if mso]></td>") else { return html }
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test func marksUseTheTagsOutlookAndGmailKeep() {
        #expect(body("==h== ++u++ ~~s~~ **b** *i* `c`") == """
        <p style="margin:0 0 16px 0;"><span style="background-color:#fff176;color:#111111;">h</span> <u>u</u> <del>s</del> \
        <strong style="font-weight:bold;">b</strong> <em style="font-style:italic;">i</em> \
        <code style="font-family:Consolas, Menlo, 'Courier New', monospace;font-size:14px;background-color:#f3f4f6;">c</code></p>

        """)
    }

    @Test func alignmentIsTextAlignOnBlocksAndAlignOnCells() {
        let html = body("::: center\n# T\n\np\n\n| a |\n|---|\n| b |\n\n![x](https://e.com/x.png)\n:::\n")
        #expect(html.contains("<h1 style=\"margin:0 0 16px 0;font-size:28px;line-height:36px;mso-line-height-rule:exactly;font-weight:bold;color:#111827;text-align:center;\">T</h1>"))
        #expect(html.contains("<p style=\"margin:0 0 16px 0;text-align:center;\">p</p>"))
        // A placed table sits in a layout cell with align, and carries align itself.
        #expect(html.contains("<td align=\"center\">\n<div style=\"overflow-x:auto;\">\n<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" align=\"center\" style=\"border-collapse:collapse;\">"))
        // A paragraph that is only an image becomes a block image in an aligned cell.
        #expect(html.contains("<td align=\"center\"><img src=\"https://e.com/x.png\" alt=\"x\" style=\"display:block;"))
    }

    @Test func listsIndentWithMarginAndKeepTheirStart() {
        #expect(body("3. a\n   - b\n4. c") == """
        <ol start="3" style="margin:0 0 16px 0;margin-left:24px;padding:0;">
        <li style="margin:0 0 4px 0;">a
        <ul style="margin:4px 0 0 0;margin-left:24px;padding:0;">
        <li style="margin:0 0 4px 0;">b</li>
        </ul>
        </li>
        <li style="margin:0 0 4px 0;">c</li>
        </ol>

        """)
    }

    @Test func dataTablesHavePaddedBorderedCellsWithColumnAlignment() {
        let html = body("| L | R |\n|:--|--:|\n| a | 1 |")
        #expect(html.contains("<th align=\"left\" style=\"padding:6px 8px;border:1px solid #d1d5db;text-align:left;"))
        #expect(html.contains("<td align=\"right\" style=\"padding:6px 8px;border:1px solid #d1d5db;text-align:right;"))
        #expect(html.contains("<thead>") && html.contains("<tbody>"))
        // Data tables are not marked as layout.
        #expect(html.contains("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" style=\"width:100%;border-collapse:collapse;\">"))
    }

    @Test func onlyOverlongRunsMayBreakAnywhere() {
        // More than 30 characters without a space: a span that lets it break; 30 or fewer (any
        // word, number, price or code) are written as they are.
        let url = "https://example.com/track?id=1&carrier=dhl-express"
        #expect(body("\(url) and \(String(repeating: "x", count: 30))") == """
            <p style="margin:0 0 16px 0;"><a href="https://example.com/track?id=1&amp;carrier=dhl-express" style="color:#1d4ed8;text-decoration:underline;">\
            <span style="word-break:break-all;">https://example.com/track?id=1&amp;carrier=dhl-express</span></a> and xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</p>

            """)
        #expect(body("Code `\(String(repeating: "y", count: 31))`").contains("<span style=\"word-break:break-all;\">\(String(repeating: "y", count: 31))</span></code>"))
        // Scripts written without spaces break between characters anyway.
        #expect(!body(String(repeating: "漢字かな", count: 20)).contains("break-all"))
    }

    @Test func dataTablesScrollInAFixedWidthBoxAndTheCardNoLongerBreaksWords() {
        let html = EmailHTMLRenderer().render(MarkdownReader().read("| a |\n|---|\n| 1 |")).html
        #expect(html.contains("<table role=\"presentation\" width=\"100%\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"width:100%;margin:0 0 16px 0;table-layout:fixed;\">\n<tr>\n<td align=\"left\">\n<div style=\"overflow-x:auto;\">\n<table "))
        #expect(!html.contains("word-break:break-word"))
    }

    @Test func aCellHoldingANumberKeepsItsLine() {
        let html = body("| Size | Total | Note |\n|---|--:|---|\n| 39-42 | **129,30 €** | 10% (spring sale) |")
        #expect(html.contains("text-align:left;white-space:nowrap;vertical-align:top;font-family:Arial, Helvetica, sans-serif;font-size:14px;line-height:20px;\">39-42</td>"))
        #expect(html.contains("text-align:right;white-space:nowrap;vertical-align:top;"))
        // Words wrap: a note is no number, nor is a header.
        #expect(html.components(separatedBy: "white-space:nowrap").count - 1 == 2)
    }

    @Test func ruleIsABorderedCellNotAnHr() {
        let html = body("a\n\n---\n\nb")
        #expect(!html.contains("<hr"))
        #expect(html.contains("<td style=\"border-top:1px solid #d1d5db;font-size:1px;line-height:1px;mso-line-height-rule:exactly;\">&nbsp;</td>"))
    }

    @Test func textIsEscaped() {
        #expect(body("a < b & \"c\" > d") == "<p style=\"margin:0 0 16px 0;\">a &lt; b &amp; \"c\" &gt; d</p>\n")
        let html = EmailHTMLRenderer().render(MarkdownReader().read("[x](https://e.com/?a=1&b=\"2\")"), options: EmailRenderOptions(title: "<T&>")).html
        #expect(html.contains("href=\"https://e.com/?a=1&amp;b=%22") || html.contains("href=\"https://e.com/?a=1&amp;b=&quot;2&quot;\""))
        #expect(html.contains("<title>&lt;T&amp;&gt;</title>"))
        #expect(html.contains("aria-label=\"&lt;T&amp;&gt;\""))
    }

    @Test func frameHasHybridLayoutPreheaderMetasAndLanguage() {
        let html = EmailHTMLRenderer().render(MarkdownReader().read("Hola"),
                                              options: EmailRenderOptions(title: "Asunto", preheader: "Vista previa", language: "es")).html
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"es\" dir=\"ltr\""))
        #expect(html.contains("<!--[if mso]><table role=\"presentation\" align=\"center\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" width=\"600\" style=\"width:600px;\"><tr><td><![endif]-->"))
        #expect(html.contains("<div style=\"max-width:600px;margin:0 auto;\">"))
        #expect(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"))
        #expect(html.contains("<meta name=\"supported-color-schemes\" content=\"light dark\">"))
        #expect(html.contains("mso-hide:all;\" aria-hidden=\"true\">Vista previa&#8199;"))
        #expect(html.contains("<div role=\"article\" aria-roledescription=\"email\" aria-label=\"Asunto\" lang=\"es\" dir=\"ltr\""))
        #expect(html.hasSuffix("</body>\n</html>\n"))
    }

    @Test func directionIsDetectedForTheDocumentAndPerBlock() {
        let html = EmailHTMLRenderer().render(MarkdownReader().read("مرحبا بك\n\nHerald Pro X2 is here\n\n- عنصر")).html
        #expect(html.contains("<html dir=\"rtl\""))
        #expect(html.contains("<p dir=\"ltr\" style=\"margin:0 0 16px 0;\">Herald Pro X2 is here</p>"))
        // Right-to-left lists indent on the right.
        #expect(html.contains("<ul style=\"margin:0 0 16px 0;margin-right:24px;padding:0;\">"))
    }

    @Test func warnsAboveGmailsClippingLimitOnly() {
        let small = EmailHTMLRenderer().render(MarkdownReader().read("short"))
        #expect(small.warnings.isEmpty)
        let big = EmailHTMLRenderer().render(MarkdownReader().read(String(repeating: "A paragraph of text.\n\n", count: 4000)))
        #expect(big.html.utf8.count > EmailHTMLRenderer.gmailClippingLimit)
        #expect(big.warnings.map(\.code) == [.gmailClipping])
        #expect(big.warnings.first?.message.contains("\(big.html.utf8.count) bytes") == true)
    }

    @Test func renderingIsDeterministic() {
        let document = MarkdownReader().read("# A\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n- ==h==")
        #expect(EmailHTMLRenderer().render(document) == EmailHTMLRenderer().render(document))
    }
}
