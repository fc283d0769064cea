import Foundation
import HeraldChannels
import HeraldDocument
import Testing

@Suite struct WhatsAppTextRendererTests {
    @Test func literalMarkersInTheTextCannotFormat() {
        let joiner = "\u{2060}"
        // Text that would be bold, italic, struck and monospace if sent as is.
        let document = Document(blocks: [.paragraph(Paragraph([.text("*FREE* _money_ ~now~ `x`"), .text(" "),
                                                               .marked(.bold, [.text("real bold")])]))])
        #expect(WhatsAppTextRenderer().render(document)
                == "*\(joiner)FREE*\(joiner) _\(joiner)money_\(joiner) ~\(joiner)now~\(joiner) `\(joiner)x`\(joiner) *real bold*")
        // Links keep their URL exactly (an underscore in a URL must not change).
        let link = Document(blocks: [.paragraph(Paragraph([.link(Link(url: "https://x.example/a_b", content: [.text("see_this")]))]))])
        #expect(WhatsAppTextRenderer().render(link) == "see_\(joiner)this (https://x.example/a_b)")
        // Plain text without markers is untouched.
        #expect(WhatsAppTextRenderer.literal("Hola, ¿qué tal?") == "Hola, ¿qué tal?")
    }

    func whatsapp(_ markdown: String) -> String {
        WhatsAppTextRenderer().render(MarkdownReader().read(markdown))
    }

    @Test func marksBecomeWhatsAppMarks() {
        #expect(whatsapp("**b** *i* ~~s~~ `c` ++u++ ==h==") == "*b* _i_ ~s~ `c` u h")
        #expect(whatsapp("***both***") == "_*both*_")
    }

    @Test func markersTouchTheirText() {
        // "**bold **" would give "*bold *", which WhatsApp does not make bold.
        let document = Document(blocks: [.paragraph(Paragraph([.marked(.bold, [.text(" spaced ")]), .text("x")]))])
        #expect(WhatsAppTextRenderer().render(document) == " *spaced* x")
    }

    @Test func headingsTablesLinksAndBlocksDegrade() {
        #expect(whatsapp("# Order *shipped*") == "*Order shipped*")
        #expect(whatsapp("| Item | Qty |\n|---|---|\n| Mug | 2 |") == "- *Item*: Mug, *Qty*: 2")
        #expect(whatsapp("[Track](https://e.com/t) and <https://e.com>") == "Track (https://e.com/t) and https://e.com")
        #expect(whatsapp("> quote\n\n```\nlet x = 1\n```\n\n---") == "> quote\n\n```\nlet x = 1\n```\n\n________")
        #expect(whatsapp("1. one\n   - sub\n2. two") == "1. one\n   - sub\n2. two")
    }

    @Test func cloudAPITextMessageShape() throws {
        let message = WhatsAppTextMessage(to: try PhoneNumber("+34 612 345 678"), body: "See https://e.com")
        let json = try JSONSerialization.jsonObject(with: Data(message.json.utf8)) as? [String: Any]
        #expect(json?["messaging_product"] as? String == "whatsapp")
        #expect(json?["recipient_type"] as? String == "individual")
        #expect(json?["to"] as? String == "+34612345678")
        #expect(json?["type"] as? String == "text")
        let text = json?["text"] as? [String: Any]
        #expect(text?["body"] as? String == "See https://e.com")
        #expect(text?["preview_url"] as? Bool == true)
        #expect(json?.keys.sorted() == ["messaging_product", "recipient_type", "text", "to", "type"])
    }
}

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("+34 612 345 678", nil, "+34612345678"), ("0034-612-345-678", nil, "+34612345678"),
        ("(612) 345.678", "34", "+34612345678"), ("0612 345 678", "+34", "+34612345678"), ("+1 555 010 0199", nil, "+15550100199"),
    ] as [(String, String?, String)])
    func normalizesToE164(_ raw: String, _ country: String?, _ expected: String) throws {
        #expect(try PhoneNumber(raw, defaultCountryCode: country).e164 == expected)
    }

    @Test(arguments: [("612345678", "no country code"), ("+34 612 ABC", "only digits"), ("+123", "8 to 15 digits"),
                      ("+0123456789", "do not start with 0"), ("+1234567890123456", "8 to 15 digits")])
    func refusesWithTheReason(_ raw: String, _ reason: String) {
        #expect {
            try PhoneNumber(raw)
        } throws: { error in
            String(describing: error).hasPrefix("invalid phone number \"\(raw)\"") && String(describing: error).contains(reason)
        }
    }
}
