import HeraldDocument
import Testing

/// Every element the composer's editor can produce, mapped to the model.
@Suite struct HTMLReaderTests {
    func blocks(_ html: String) -> [Block] {
        HTMLReader().read(html).document.blocks
    }

    func inlines(_ html: String) -> [Inline] {
        guard case .paragraph(let paragraph)? = blocks(html).first else { return [] }
        return paragraph.content
    }

    @Test(arguments: [
        ("<b>x</b>", Mark.bold), ("<strong>x</strong>", .bold), ("<i>x</i>", .italic), ("<em>x</em>", .italic),
        ("<u>x</u>", .underline), ("<s>x</s>", .strikethrough), ("<strike>x</strike>", .strikethrough),
        ("<del>x</del>", .strikethrough), ("<mark>x</mark>", .highlight),
        ("<span style=\"background-color: #fef08a\">x</span>", .highlight), ("<span style=\"background:yellow\">x</span>", .highlight),
        ("<span style=\"font-weight:bold\">x</span>", .bold), ("<span style=\"font-weight: 700\">x</span>", .bold),
        ("<span style=\"font-style:italic\">x</span>", .italic), ("<span style=\"text-decoration:underline\">x</span>", .underline),
        ("<span style=\"text-decoration-line: line-through\">x</span>", .strikethrough),
    ])
    func marks(_ html: String, _ mark: Mark) {
        #expect(inlines("<p>a \(html) b</p>") == [.text("a "), .marked(mark, [.text("x")]), .text(" b")])
    }

    @Test func nestedMarksKeepTheirOrderAndSiblingsStaySeparate() {
        #expect(inlines("<p><b><i>x</i></b><b>y</b> <i><b>z</b></i></p>") == [
            .marked(.bold, [.marked(.italic, [.text("x")])]), .marked(.bold, [.text("y")]), .text(" "),
            .marked(.italic, [.marked(.bold, [.text("z")])]),
        ])
        // A mark inside the same mark adds nothing.
        #expect(inlines("<b>a<strong>b</strong></b>") == [.marked(.bold, [.text("ab")])])
    }

    @Test func styleOverridesTheTag() {
        #expect(inlines("<b style=\"font-weight:normal\">plain</b> <i style=\"font-style:normal\">too</i>") == [.text("plain too")])
        // Transparent and white backgrounds are no highlight (Google Docs writes one on every span).
        #expect(inlines("<span style=\"background-color:transparent\">a</span><span style=\"background:#FFFFFF\">b</span>") == [.text("ab")])
    }

    @Test func codeLineBreaksAndWhitespace() {
        #expect(inlines("<p>  run <code>swift  build</code>\n now<br>\n  next line  </p>") == [
            .text("run "), .code("swift  build"), .text(" now"), .lineBreak, .text("next line"),
        ])
        // A block's last <br> shows nothing; two make one blank line.
        #expect(inlines("<p>a<br></p>") == [.text("a")])
        #expect(inlines("<p>a<br><br>b</p>") == [.text("a"), .lineBreak, .lineBreak, .text("b")])
        // A space at the end of a mark stays inside it; a space after it stays outside.
        #expect(inlines("<b>a </b>b <b>c</b> d") == [.marked(.bold, [.text("a ")]), .text("b "), .marked(.bold, [.text("c")]), .text(" d")])
    }

    @Test func linksAndImages() {
        #expect(inlines("<a href=\"https://example.com/x?a=1&amp;b=2\" title=\"Go\">go <b>now</b></a>") == [
            .link(Link(url: "https://example.com/x?a=1&b=2", title: "Go", content: [.text("go "), .marked(.bold, [.text("now")])])),
        ])
        #expect(inlines("<a href=\"mailto:help@example.com\">mail</a> <a href=\"tel:+15550100\">call</a>") == [
            .link(Link(url: "mailto:help@example.com", content: [.text("mail")])), .text(" "),
            .link(Link(url: "tel:+15550100", content: [.text("call")])),
        ])
        #expect(inlines("<img src=\"cid:logo\" alt=\"Logo\" width=\"120\" title=\"Ours\"> <img src=\"https://e.com/a.png\">") == [
            .image(Image(source: "cid:logo", alt: "Logo", title: "Ours", width: 120)), .text(" "),
            .image(Image(source: "https://e.com/a.png", alt: "")),
        ])
        // A named anchor (Word's bookmarks) is no link; its text stays.
        #expect(inlines("<a name=\"_Toc1\">Intro</a>") == [.text("Intro")])
    }

    @Test func paragraphsDivsAndAlignment() {
        #expect(blocks("<p style=\"text-align: center\">a</p><div align=\"right\">b</div><p style=\"text-align:justify\">c</p><p>d</p>") == [
            .paragraph(Paragraph([.text("a")], alignment: .center)),
            .paragraph(Paragraph([.text("b")], alignment: .right)),
            .paragraph(Paragraph([.text("c")], alignment: .justify)),
            .paragraph(Paragraph([.text("d")])),
        ])
        // A wrapper's alignment reaches the paragraphs inside unless they have their own.
        #expect(blocks("<div style=\"text-align:center\"><p>a</p><p align=\"left\">b</p>c</div>") == [
            .paragraph(Paragraph([.text("a")], alignment: .center)),
            .paragraph(Paragraph([.text("b")], alignment: .left)),
            .paragraph(Paragraph([.text("c")], alignment: .center)),
        ])
        // Editors' empty lines are not paragraphs.
        #expect(blocks("<p>a</p><p><br></p><p>&nbsp;</p><div>b</div>") == [
            .paragraph(Paragraph([.text("a")])), .paragraph(Paragraph([.text("b")])),
        ])
    }

    @Test func headings() {
        #expect(blocks("<h1>One</h1><h3 style=\"text-align:right\">Three</h3><h6><i>Six</i></h6>") == [
            .heading(Heading(level: 1, [.text("One")])),
            .heading(Heading(level: 3, [.text("Three")], alignment: .right)),
            .heading(Heading(level: 6, [.marked(.italic, [.text("Six")])])),
        ])
    }

    @Test func nestedListsWithStart() {
        let html = "<ol start=\"3\"><li>three<ul><li>sub</li></ul></li><li>four</li></ol>"
        #expect(blocks(html) == [
            .list(List(kind: .ordered(start: 3), items: [
                ListItem([
                    .paragraph(Paragraph([.text("three")])),
                    .list(List(kind: .bullet, items: [ListItem([.paragraph(Paragraph([.text("sub")]))])])),
                ]),
                ListItem([.paragraph(Paragraph([.text("four")]))]),
            ])),
        ])
    }

    @Test func paragraphsWithGapsMakeALooseList() {
        #expect(blocks("<ul><li><p>a</p><p>b</p></li><li><p>c</p></li></ul>") == [
            .list(List(kind: .bullet, items: [
                ListItem([.paragraph(Paragraph([.text("a")])), .paragraph(Paragraph([.text("b")]))]),
                ListItem([.paragraph(Paragraph([.text("c")]))]),
            ], isTight: false)),
        ])
        #expect(blocks("<ul><li><p style=\"margin-top:0;margin-bottom:0pt\">a</p></li></ul>") == [
            .list(List(kind: .bullet, items: [ListItem([.paragraph(Paragraph([.text("a")]))])], isTight: true)),
        ])
    }

    @Test func tableWithHeaderAlignmentAndSpans() {
        let html = """
            <table align="center"><thead><tr><th align="left">Item</th><th style="text-align:right">Price</th><th>Note</th></tr></thead>
            <tbody><tr><td>Tea</td><td align="right">3.50</td><td><b>hot</b></td></tr>
            <tr><td colspan="2">Total</td><td>x<br>y</td></tr><tr><td>short</td></tr></tbody></table>
            """
        #expect(blocks(html) == [
            .table(Table(
                columns: [.left, .right, nil],
                header: [TableCell([.text("Item")]), TableCell([.text("Price")]), TableCell([.text("Note")])],
                rows: [
                    [TableCell([.text("Tea")]), TableCell([.text("3.50")]), TableCell([.marked(.bold, [.text("hot")])])],
                    [TableCell([.text("Total")]), TableCell([]), TableCell([.text("x"), .lineBreak, .text("y")])],
                    [TableCell([.text("short")]), TableCell([]), TableCell([])],
                ],
                alignment: .center)),
        ])
    }

    @Test func tableWithoutHeadUsesAFirstRowOfHeaderCells() {
        #expect(blocks("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>") == [
            .table(Table(columns: [nil], header: [TableCell([.text("A")])], rows: [[TableCell([.text("1")])]])),
        ])
        #expect(blocks("<table><tr><td>A</td></tr><tr><td>1</td></tr></table>") == [
            .table(Table(columns: [nil], header: [], rows: [[TableCell([.text("A")])], [TableCell([.text("1")])]])),
        ])
    }

    @Test func quotesRulesAndCode() {
        #expect(blocks("<blockquote><p>said</p><blockquote>inner</blockquote></blockquote><hr><pre>\nlet x = 1\n  y &lt; 2\n</pre>") == [
            .blockQuote([.paragraph(Paragraph([.text("said")])), .blockQuote([.paragraph(Paragraph([.text("inner")]))])]),
            .horizontalRule,
            .codeBlock(CodeBlock(code: "let x = 1\n  y < 2")),
        ])
        #expect(blocks("<pre><code class=\"language-json\">{\"a\": 1}</code></pre>") == [
            .codeBlock(CodeBlock(language: "json", code: "{\"a\": 1}")),
        ])
    }

    @Test func blocksInsideInlineElementsKeepTheMarks() {
        // libxml2 closes a <b> at a block, but a <span> with bold style around blocks (or a
        // <div> inside a <b>) keeps the text bold in each paragraph.
        #expect(blocks("<span style=\"font-weight:bold\">a<div>b</div>c</span>") == [
            .paragraph(Paragraph([.marked(.bold, [.text("a")])])),
            .paragraph(Paragraph([.marked(.bold, [.text("b")])])),
            .paragraph(Paragraph([.marked(.bold, [.text("c")])])),
        ])
    }

    @Test func bytesWithInvalidUTF8AndNUL() {
        let bytes: [UInt8] = Array("<p>ok ".utf8) + [0xFF, 0x00] + Array(" é</p>".utf8)
        #expect(HTMLReader().read(bytes: bytes).document.blocks == [.paragraph(Paragraph([.text("ok \u{FFFD}\u{FFFD} é")]))])
    }

    @Test func aMetaCharsetCannotChangeTheDecoding() {
        #expect(blocks("<meta charset=\"iso-8859-1\"><p>Núñez</p>") == [.paragraph(Paragraph([.text("Núñez")]))])
    }
}
