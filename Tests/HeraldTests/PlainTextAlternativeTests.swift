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
}
