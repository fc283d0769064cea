import Foundation
import HeraldChannels
import HeraldDocument
import HeraldTemplates
import Testing

/// Data can never inject formatting, links, HTML or header lines: every value arrives as literal
/// text in every channel, whatever Markdown or HTML it holds.
@Suite struct SafeFillingTests {
    func fill(_ data: [String: TemplateValue], template text: String = TemplateFixture.order) throws -> FilledTemplate {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("order.md", text)
        return try fixture.load("order.md").fill(data)
    }

    static let order = TemplateValue.object(["id": .string("A-1")])

    @Test func markdownAndHTMLInAValueStayText() throws {
        let hostile = "**Bob** <script>alert(1)</script> [x](javascript:alert(1)) ==hi== https://evil.example"
        let filled = try fill(["customer_name": .string(hostile), "order": Self.order])
        // The greeting is one paragraph of plain text: no bold, no link, no highlight.
        #expect(filled.document.blocks.first == .paragraph(Paragraph([.text("Hi \(hostile),")])))

        let html = EmailHTMLRenderer().render(filled.document).html
        #expect(html.contains("Hi **Bob** &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) ==hi== https://evil.example,"))
        #expect(!html.contains("<script") && !html.contains("href=\"javascript") && !html.contains("href=\"https://evil.example"))
        #expect(EmailTextRenderer().render(filled.document).contains("Hi **Bob** <script>alert(1)</script>"))
        #expect(SMSTextRenderer().render(try #require(filled.sms)).hasPrefix("Hi **Bob** <script>alert(1)</script>"))
    }

    @Test func aValueCannotOpenBlocksOrTableCells() throws {
        // Each of these would change the structure if it reached the Markdown parser.
        for value in ["# Heading", "- item", "1. first", "> quote", "| a | b |", "```", "---", "    code", "<div>x</div>"] {
            let filled = try fill(["customer_name": .string("Ana"), "order": Self.order,
                                   "items": .list([.object(["name": .string(value), "qty": .number("1")])])])
            guard case .table(let table)? = filled.document.blocks.first(where: { if case .table = $0 { true } else { false } }) else {
                Issue.record("no table for \(value)")
                continue
            }
            #expect(table.rows == [[TableCell([.text(value)]), TableCell([.text("1")])]], "value \(value)")
            #expect(filled.document.blocks.count == 3, "value \(value) changed the blocks: \(filled.document.blocks)")
        }
    }

    @Test func headerLinesCannotBeInjected() throws {
        let filled = try fill(["customer_name": .string("x\r\nBcc: victim@example.com"), "order": Self.order])
        // The subject is one line; the header writer could not be handed a line break.
        #expect(filled.subject == "Order A-1 for x Bcc: victim@example.com")
        // WhatsApp refuses line breaks in parameters: they became a space.
        #expect(try filled.whatsapp()?.bodyValues == ["x Bcc: victim@example.com", "A-1"])
        // In the body a line break of a value is a line break of the text, never a new block.
        #expect(filled.document.blocks.first == .paragraph(Paragraph([.text("Hi x"), .lineBreak, .text("Bcc: victim@example.com,")])))
    }

    @Test func aValueCannotForgeAPlaceholder() throws {
        // U+E000 0 U+E001 is what the first value's placeholder looks like inside Herald.
        let filled = try fill(["customer_name": .string("\u{E000}0\u{E001}"), "order": .object(["id": .string("SECRET")])])
        #expect(filled.document.blocks.first == .paragraph(Paragraph([.text("Hi \u{FFFD}0\u{FFFD},")])))
    }

    @Test func urlValuesArePercentEncodedInsideAURLAndCheckedAfterFilling() throws {
        let filled = try fill(["customer_name": .string("Ana"), "order": .object(["id": .string("A 1/../x?y=\"z\"")])])
        let link = try #require(TemplateLinterTests.links(in: filled.document).first)
        #expect(link == "https://shop.example/track/A%201%2F..%2Fx%3Fy%3D%22z%22")

        // A whole URL from data is inserted as it is, then checked against the allow-list.
        let template = """
            ---
            name: order
            variables:
              customer_name: {type: string, required: true, example: "Ana"}
              url: {type: string, required: true, example: "https://x.example"}
            ---
            Hi {{customer_name}},

            [Open]({{url}})
            """
        #expect(TemplateLinterTests.links(in: try fill(["customer_name": .string("A"), "url": .string("https://shop.example/a?b=c")], template: template).document)
                == ["https://shop.example/a?b=c"])
        for hostile in ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>", "java\tscript:x", "vbscript:msgbox"] {
            do {
                _ = try fill(["customer_name": .string("A"), "url": .string(hostile)], template: template)
                Issue.record("\(hostile) was accepted")
            } catch let error as TemplateError {
                #expect(error.line == 9, "\(error)")
                #expect(error.message.contains("filled from url") && error.message.contains("not allowed"), "\(error)")
            }
        }
    }

    @Test func missingRequiredVariableNamesTemplateLineAndVariable() throws {
        do {
            _ = try fill(["order": Self.order])
            Issue.record("a missing required variable was accepted")
        } catch let error as TemplateError {
            // customer_name is first used on line 17 of the file (the body's first line).
            #expect(error.file.hasSuffix("order.md") && error.line == 17)
            #expect(error.message.contains("template order") && error.message.contains("customer_name") && error.message.contains("the data gives order"))
        }
    }

    @Test func aValueOfTheWrongTypeIsRefused() throws {
        #expect(throws: TemplateError.self) {
            _ = try fill(["customer_name": .list([.string("Ana")]), "order": Self.order])
        }
    }

    @Test func sectionsHideOptionalBlocksAndLoopsFillTableRows() throws {
        let without = try fill(["customer_name": .string("Ana"), "order": Self.order])
        #expect(!without.document.blocks.contains { if case .paragraph(let p) = $0 { p.content.plainText.hasPrefix("Note") } else { false } })
        guard case .table(let empty)? = without.document.blocks.dropFirst().first else { Issue.record("no table"); return }
        #expect(empty.rows.isEmpty)

        let with = try fill(["customer_name": .string("Ana"), "order": Self.order, "note": .string("leave at the door"),
                             "items": .list([.object(["name": .string("Mug"), "qty": .number("2")]), .object(["name": .string("Plate"), "qty": .number("4")])])])
        #expect(with.document.blocks[1] == .paragraph(Paragraph([.text("Note: leave at the door")])))
        guard case .table(let table) = with.document.blocks[2] else { Issue.record("no table"); return }
        #expect(table.rows.map { $0.map(\.content.plainText) } == [["Mug", "2"], ["Plate", "4"]])
    }

    @Test func dataKeysNoVariableReadsAreReported() throws {
        let filled = try fill(["customer_name": .string("Ana"), "order": Self.order, "nots": .string("typo of note")])
        #expect(filled.warnings == ["the data gives nots, which template order does not declare (its variables: customer_name, order, items, note)"])
        #expect(try fill(["customer_name": .string("Ana"), "order": Self.order]).warnings.isEmpty)
    }

    @Test func anEmptyStringIsFalseInASection() throws {
        let filled = try fill(["customer_name": .string("Ana"), "order": Self.order, "note": .string("")])
        #expect(!filled.document.blocks.contains { if case .paragraph(let p) = $0 { p.content.plainText.hasPrefix("Note") } else { false } })
    }

    static let sender = """
        ---
        name: order
        from: "{{agent}} <support@shop.example>"
        variables:
          agent: {type: string, required: true, example: "Ana"}
          email: {type: string, required: true, example: "ana@example.com"}
        ---
        [Write to us](mailto:{{email}})
        """

    @Test func aValueInTheSenderIsAlwaysAQuotedName() throws {
        // "evil@evil.example (" would open a comment that swallows the real address.
        let filled = try fill(["agent": .string("evil@evil.example ("), "email": .string("a@b.example")], template: Self.sender)
        #expect(filled.from == "\"evil@evil.example (\" <support@shop.example>")
        let quoted = try fill(["agent": .string("Pérez, \"Ana\" \\ Care"), "email": .string("a@b.example")], template: Self.sender)
        #expect(quoted.from == "\"Pérez, \\\"Ana\\\" \\\\ Care\" <support@shop.example>")
    }

    @Test func afterMailtoAValueIsOneAddressAndNothingMore() throws {
        #expect(TemplateLinterTests.links(in: try fill(["agent": .string("A"), "email": .string("ana@example.com")], template: Self.sender).document)
                == ["mailto:ana@example.com"])
        for hostile in ["support@shop.example?bcc=evil@evil.example", "a@b.example,evil@evil.example", "a@b.example&body=x", "not an address",
                        "a@b.example\u{200B}", "a@b.example\u{202E}", "a@b.example\u{0085}x"] {
            #expect(throws: TemplateError.self, "\(hostile)") {
                _ = try fill(["agent": .string("A"), "email": .string(hostile)], template: Self.sender)
            }
        }
    }

    @Test func aWholeMailtoURLFromDataIsOneAddressAndATelNeedsDigits() throws {
        let template = """
            ---
            name: order
            variables:
              url: {type: string, required: true, example: "mailto:a@b.example"}
              phone: {type: string, required: true, example: "+1 415 555 0100"}
            ---
            [Write]({{url}}) [Call](tel:{{phone}})
            """
        let links = TemplateLinterTests.links(in: try fill(["url": .string("mailto:ana@example.com"), "phone": .string("+1 (415) 555-0100")], template: template).document)
        #expect(links == ["mailto:ana@example.com", "tel:+1(415)555-0100"])
        #expect(throws: TemplateError.self) { _ = try fill(["url": .string("mailto:a@b.example?bcc=e@x.example"), "phone": .string("1")], template: template) }
        #expect(throws: TemplateError.self) { _ = try fill(["url": .string("https://x.example"), "phone": .string("+")], template: template) }
    }

    @Test func anEmailIsNotRefusedForAWhatsAppParameterItDoesNotUse() throws {
        let template = """
            ---
            name: order
            channels: [email, whatsapp]
            variables:
              name: {type: string, required: true, example: "Ana"}
              eta: {type: string, example: "Friday"}
            whatsapp:
              template: t
              language: en
              body: "Hi {{1}}, it arrives {{2}}"
              parameters: [name, eta]
            ---
            Hi {{name}}
            """
        let filled = try fill(["name": .string("Bob")], template: template)
        #expect(filled.document.blocks == [.paragraph(Paragraph([.text("Hi Bob")]))])
        #expect(throws: TemplateError.self) { _ = try filled.whatsapp() }
    }
}
