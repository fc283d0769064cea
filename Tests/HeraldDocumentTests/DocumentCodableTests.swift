import Foundation
import HeraldDocument
import Testing

@Suite struct DocumentCodableTests {
    /// One of every element, nested, in every alignment.
    static let everything = Document(blocks: [
        .heading(Heading(level: 2, [.text("Título 🎉")], alignment: .center)),
        .paragraph(Paragraph([
            .marked(.bold, [.text("b "), .marked(.highlight, [.text("h")])]), .marked(.italic, [.text("i")]),
            .marked(.underline, [.text("u")]), .marked(.strikethrough, [.text("s")]), .code("c"), .lineBreak,
            .link(Link(url: "https://example.com", title: "t", content: [.text("l")])),
            .image(Image(source: "cid:logo@x", alt: "Logo", title: nil, width: 120)),
        ], alignment: .justify)),
        .list(List(kind: .ordered(start: 3), items: [ListItem([.paragraph(Paragraph([.text("x")])),
                                                               .list(List(kind: .bullet, items: [ListItem([])]))])], isTight: false)),
        .table(Table(columns: [.left, nil], header: [TableCell([.text("a")]), TableCell([])],
                     rows: [[TableCell([.text("1")]), TableCell([.text("2")])]], alignment: .right)),
        .blockQuote([.paragraph(Paragraph([.text("مرحبا")], alignment: .right))]),
        .codeBlock(CodeBlock(language: "json", code: "{}")),
        .horizontalRule,
    ])

    @Test func roundTripsEveryElement() throws {
        let data = try JSONEncoder().encode(Self.everything)
        #expect(try JSONDecoder().decode(Document.self, from: data) == Self.everything)
    }

    @Test func jsonShapeIsTheDocumentedOne() throws {
        let document = Document(blocks: [
            .paragraph(Paragraph([.marked(.bold, [.text("Hi")]), .link(Link(url: "https://e.com", content: [.text("x")]))], alignment: .center)),
            .list(List(kind: .ordered(start: 2), items: [ListItem([.horizontalRule])])),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(document), as: UTF8.self)
        #expect(json == #"{"blocks":[{"align":"center","content":[{"content":[{"text":"Hi","type":"text"}],"type":"bold"},{"content":[{"text":"x","type":"text"}],"type":"link","url":"https://e.com"}],"type":"paragraph"},{"items":[[{"type":"rule"}]],"ordered":true,"start":2,"tight":true,"type":"list"}]}"#)
    }

    @Test func decodingRefusesUnsafeURLsWithAClearMessage() {
        let json = #"{"blocks":[{"type":"paragraph","content":[{"type":"link","url":"javascript:alert(1)","content":[]}]}]}"#
        #expect {
            try JSONDecoder().decode(Document.self, from: Data(json.utf8))
        } throws: { error in
            String(describing: error).contains("link URL \"javascript:alert(1)\" is not allowed; use one of https, http, mailto, tel")
        }
    }

    @Test func decodingRefusesUnknownTypesAndBadLevels() {
        for (json, message) in [
            (#"{"blocks":[{"type":"marquee"}]}"#, "unknown block type \"marquee\""),
            (#"{"blocks":[{"type":"heading","level":7,"content":[]}]}"#, "heading level 7 is not one of 1 to 6"),
            (#"{"blocks":[{"type":"paragraph","content":[{"type":"blink"}]}]}"#, "unknown inline type \"blink\""),
            (#"{"blocks":[{"type":"table","columns":[null],"rows":[[[],[]]]}]}"#, "a table row has 2 cells but the table has 1 columns"),
        ] {
            #expect {
                try JSONDecoder().decode(Document.self, from: Data(json.utf8))
            } throws: { error in
                String(describing: error).contains(message)
            }
        }
    }
}
