import Foundation
import Herald
import Testing

/// An author's own plain-text alternative goes in an email's text/plain part; the channels that
/// send the text rendered from the input refuse it instead of dropping it.
@Suite struct PlainTextAlternativeTests {
    @Test func onlyEmailHasAPlainTextAlternative() throws {
        try Composer.checkPlainTextAlternative(for: .email, named: "--text")
        for channel in [ChannelID.sms, .whatsapp, .phone] {
            #expect(throws: HeraldError(.usage, "--text is an email's plain-text alternative; \(channel) sends its own text from the input")) {
                try Composer.checkPlainTextAlternative(for: channel, named: "--text", verb: "sends")
            }
        }
    }

    @Test func theComposerRefusesADraftsPlainTextForSMSAndUsesItForEmail() throws {
        var draft = try Draft.markdown(Array("Hola **Ana**.\n".utf8))
        draft.plainText = "Hola Ana, by hand.\n"
        #expect(throws: HeraldError(.usage, "the draft's own plain text is an email's plain-text alternative; sms renders its own text from the input")) {
            try Composer().render(draft, for: .sms, format: .text)
        }
        var request = MessageRequest(to: ["+34600000001"])
        request.channel = .sms
        #expect(throws: HeraldError(.usage, "the draft's own plain text is an email's plain-text alternative; sms sends its own text from the input")) {
            try Composer().outbound(draft, request: request)
        }
        #expect(try Composer().render(draft, for: .email, format: .text).text == "Hola Ana, by hand.\n")
    }

    /// A request's `text` file (relative to the request, like its attachments) is the text part;
    /// the draft's own (`--text`) wins over it; SMS refuses it; a file that is not UTF-8 is named.
    @Test func aRequestsTextFileIsThePlainTextPart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-request-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("Hola Ana,\r\nwritten by hand.\n".utf8).write(to: folder.appendingPathComponent("reply.txt"))
        try Data(#"{"from": "me@example.com", "to": ["ana@example.net"], "text": "reply.txt"}"#.utf8).write(to: folder.appendingPathComponent("request.json"))
        let request = try MessageRequest.read(at: folder.appendingPathComponent("request.json")).resolvingPaths(against: folder)
        #expect(request.text == folder.appendingPathComponent("reply.txt").path)
        let draft = try Draft.markdown(Array("Hola **Ana**.\n".utf8))
        #expect(try Composer().render(draft, for: .email, request: request, format: .text).text == "Hola Ana,\r\nwritten by hand.\n")
        let eml = try Composer.deterministic.render(draft, for: .email, request: request, format: .eml).text
        #expect(eml.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHola Ana,\r\nwritten by hand.\r\n"))
        var own = draft
        own.plainText = "By --text.\n"
        #expect(try Composer().render(own, for: .email, request: request, format: .text).text == "By --text.\n")
        var sms = request
        sms.to = ["+34600000001"]
        #expect(throws: HeraldError(.usage, "the request's text file is an email's plain-text alternative; sms renders its own text from the input")) {
            try Composer().render(draft, for: .sms, request: sms, format: .text)
        }
        // A bulk send: every line's message carries the file's text.
        let list = try RecipientList(text: "bo@example.net\nchloe@example.net\n", name: "list.txt")
        let bulk = try Composer.deterministic.outbound(draft, request: request, eachOf: list)
        #expect(bulk.outbounds.count == 2)
        for outbound in bulk.outbounds {
            #expect(String(decoding: outbound.bytes, as: UTF8.self).contains("\r\n\r\nHola Ana,\r\nwritten by hand.\r\n"))
        }
        try Data([0x48, 0xFF, 0x0A]).write(to: folder.appendingPathComponent("reply.txt"))
        #expect(throws: HeraldError(.input, "the text file '\(folder.appendingPathComponent("reply.txt").path)' is not UTF-8 text; save it as UTF-8")) {
            try Composer().render(draft, for: .email, request: request, format: .text)
        }
    }

    /// A template's `text:` part is the email's text; a request's file wins over it; the SMS of
    /// the same template is its sms: part, untouched and not refused.
    @Test func aTemplatesTextPartIsThePlainTextPart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-template-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = folder.appendingPathComponent("paid.md")
        try Data("""
            ---
            name: paid
            channels: [email, sms]
            subject: Paid
            from: shop@example.com
            variables:
              name: {type: string, required: true, example: "Ana"}
            sms: "Paid, {{name}}."
            text: "Dear {{name}}: paid.\\n"
            ---
            Dear **{{name}}**, paid.
            """.utf8).write(to: template)
        let draft = try Draft.read(template, data: .examples, locale: nil, format: nil, examplesByDefault: true)
        #expect(try Composer().render(draft, for: .email, request: MessageRequest(to: ["ana@example.net"]), format: .text).text == "Dear Ana: paid.\n")
        let eml = try Composer.deterministic.render(draft, for: .email, request: MessageRequest(to: ["ana@example.net"]), format: .eml).text
        #expect(eml.contains("\r\n\r\nDear Ana: paid.\r\n"))
        #expect(eml.contains(">Ana</strong>, paid.</p>"))
        #expect(try Composer().render(draft, for: .sms, request: MessageRequest(to: ["+34600000001"]), format: .text).text.hasPrefix("Paid, Ana."))
    }
}
