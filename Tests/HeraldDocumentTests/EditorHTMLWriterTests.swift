import Foundation
import HeraldDocument
import Testing

/// A filled template is put into the web composer's editor as `EditorHTMLWriter`'s HTML, and
/// the editor's HTML is what the server reads back with `HTMLReader`: for every sample the
/// document must survive Markdown → model → editor HTML → `HTMLReader` → model, except for what
/// the editor has no place for (`EditorRoundTrip.normalized` says what).
@Suite struct EditorHTMLWriterTests {
    static let samplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    static let sampleNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samplesDirectory.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: samplesDirectory.appendingPathComponent($0).appendingPathComponent("input.md").path) }.sorted()
    }()

    @Test func everySampleIsCovered() {
        #expect(Self.sampleNames.count >= 13)
    }

    @Test(arguments: sampleNames)
    func sampleSurvivesTheEditorRoundTrip(_ name: String) throws {
        let markdown = try String(contentsOf: Self.samplesDirectory.appendingPathComponent(name).appendingPathComponent("input.md"), encoding: .utf8)
        let document = MarkdownReader().read(markdown)
        let reading = HTMLReader().read(EditorHTMLWriter().write(document))
        #expect(reading.removed.isEmpty, "the writer wrote something the reader had to remove: \(reading.removed)")
        let expected = EditorRoundTrip.normalized(document)
        #expect(reading.document.blocks.count == expected.blocks.count)
        for (index, pair) in zip(reading.document.blocks, expected.blocks).enumerated() where pair.0 != pair.1 {
            Issue.record("\(name) block \(index):\nread back \(pair.0)\nexpected  \(pair.1)")
        }
    }

    @Test func writesTheEditorsElements() {
        let document = Document(blocks: [
            .heading(Heading(level: 2, [.text("Title")], alignment: .center)),
            .paragraph(Paragraph([.marked(.bold, [.text("b")]), .marked(.italic, [.text("i")]), .marked(.underline, [.text("u")]),
                                  .marked(.strikethrough, [.text("s")]), .marked(.highlight, [.text("h")]), .code("c"), .lineBreak,
                                  .link(Link(url: "https://shop.example/a?b=1&c=2", content: [.text("link")])),
                                  .image(Image(source: "https://shop.example/i.png", alt: "Logo"))])),
            .list(List(kind: .ordered(start: 3), items: [ListItem([.paragraph(Paragraph([.text("three")]))])])),
            .horizontalRule,
            .table(Table(columns: [nil], header: [TableCell([.text("H")])], rows: [[TableCell([.text("D")])]])),
        ])
        #expect(EditorHTMLWriter().write(document) == """
            <h2 style="text-align: center">Title</h2><p><strong>b</strong><em>i</em><u>u</u><s>s</s><mark>h</mark><code>c</code><br>\
            <a href="https://shop.example/a?b=1&amp;c=2">link</a><img src="https://shop.example/i.png" alt="Logo"></p>\
            <ol start="3"><li><p>three</p></li></ol><hr><table><tbody><tr><th><p>H</p></th></tr><tr><td><p>D</p></td></tr></tbody></table>
            """)
    }

    @Test func hostileTextStaysText() {
        let hostile = "<script>alert('x')</script> & \"quoted\" <b onclick=x>"
        let document = Document(blocks: [
            .paragraph(Paragraph([.text(hostile), .link(Link(url: "https://shop.example/\"><script>", content: [.text("a\"b")]))])),
            .paragraph(Paragraph([.image(Image(source: "https://shop.example/i.png", alt: "\" onerror=\"alert(1)"))])),
        ])
        let html = EditorHTMLWriter().write(document)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b "))
        #expect(!html.contains("\" onerror"))
        let reading = HTMLReader().read(html)
        #expect(reading.removed.isEmpty)
        #expect(reading.document == document)
    }

    @Test func controlCharactersAreDropped() {
        let document = Document(blocks: [.paragraph(Paragraph([.text("a\u{0}b\u{1}c\u{1B}[31md\u{7F}e\tf")]))])
        let html = EditorHTMLWriter().write(document)
        #expect(html == "<p>abc[31mde\tf</p>")
        #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" })
    }
}

/// What the editor cannot hold, made explicit instead of loosening the comparison.
enum EditorRoundTrip {
    static func normalized(_ document: Document) -> Document {
        Document(blocks: document.blocks.map(normalized))
    }

    static func normalized(_ block: Block) -> Block {
        switch block {
        case .paragraph(var paragraph):
            paragraph.content = normalized(paragraph.content)
            return .paragraph(paragraph)
        case .heading(var heading):
            heading.content = normalized(heading.content)
            return .heading(heading)
        case .list(var list):
            list.items = list.items.map { ListItem($0.blocks.map(normalized)) }
            // The editor's list items always hold paragraphs, which the reader takes as a loose list.
            list.isTight = false
            return .list(list)
        case .table(var table):
            // The editor's tables have no alignment of their own or of their columns.
            table.alignment = nil
            table.columns = table.columns.map { _ in nil }
            table.header = table.header.map { TableCell(normalized($0.content)) }
            table.rows = table.rows.map { $0.map { TableCell(normalized($0.content)) } }
            return .table(table)
        case .blockQuote(let blocks):
            return .blockQuote(blocks.map(normalized))
        case .codeBlock(let code):
            // No code block in the editor: a paragraph of code lines and line breaks.
            var inlines: [Inline] = []
            for (index, line) in code.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if index > 0 { inlines.append(.lineBreak) }
                if !line.isEmpty { inlines.append(.code(String(line))) }
            }
            return .paragraph(Paragraph(inlines))
        case .horizontalRule:
            return block
        }
    }

    static func normalized(_ inlines: [Inline]) -> [Inline] {
        inlines.map { inline in
            switch inline {
            case .marked(let mark, let content):
                return .marked(mark, normalized(content))
            case .link(var link):
                // The editor's links and images keep no title, its images no width.
                link.title = nil
                link.content = normalized(link.content)
                return .link(link)
            case .image(var image):
                image.title = nil
                image.width = nil
                return .image(image)
            case .text, .code, .lineBreak:
                return inline
            }
        }
    }
}
