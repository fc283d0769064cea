import Foundation
import Herald
import HeraldTesting
import HeraldTestSupport
import Testing

/// The Composer as a library user calls it: a draft and a request in, outbound messages (or a
/// rendering) out — no CLI process, no server.
@Suite struct ComposerTests {
    let reply = try! Draft.markdown(Array("Hola **Ana**, your refund is on its way.\n".utf8))

    /// A clock fixed at 2026-11-30T10:00:00Z.
    static let fixed = Date(timeIntervalSince1970: 1_796_032_800)

    func composer() -> Composer {
        Composer(clock: { Self.fixed }, identities: DeterministicIdentities(), timeZone: TimeZone(identifier: "UTC") ?? .current)
    }

    @Test func anEmailWithCopiesAndAnAttachmentBecomesOneOutboundWithEveryRecipientOnce() throws {
        let attachment = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/attachments/sample.pdf").path
        var request = MessageRequest(from: "Support <help@example.com>", to: ["Ana <ana@example.com>"], cc: ["ops@example.com"],
                                     bcc: ["audit@example.com", "ANA@EXAMPLE.COM"], subject: "Your refund", attachments: [attachment])
        request.idempotencyKey = "refund-10482"
        let composition = try composer().outbound(reply, request: request)
        let outbound = try #require(composition.outbounds.first)
        #expect(composition.outbounds.count == 1)
        #expect(outbound.channel == .email && outbound.sender == "help@example.com")
        // Bcc is in the envelope only; the same address twice is one recipient, and said.
        #expect(outbound.recipients == ["ana@example.com", "ops@example.com", "audit@example.com", "ANA@example.com"])
        let text = String(decoding: outbound.bytes, as: UTF8.self)
        #expect(text.contains("Subject: Your refund\r\n") && text.contains("Cc: <ops@example.com>\r\n") && !text.contains("audit@"))
        #expect(text.contains("filename=sample.pdf") || text.contains("filename=\"sample.pdf\""))
        #expect(outbound.idempotencyKey == "refund-10482" && outbound.fingerprint != nil)
    }

    @Test func theSameDraftComposedTwiceHasTheSameFingerprintButItsOwnMessageID() throws {
        var request = MessageRequest(from: "help@example.com", to: ["ana@example.com"], subject: "Hi")
        request.idempotencyKey = "k"
        let random = Composer(clock: { Self.fixed })
        let first = try #require(try random.outbound(reply, request: request).outbounds.first)
        let second = try #require(try random.outbound(reply, request: request).outbounds.first)
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.bytes != second.bytes)
        #expect(String(decoding: first.bytes, as: UTF8.self).contains("Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n"))
    }

    @Test func everyCheckHappensBeforeAnythingIsMade() {
        // SMS: no attachments; phone: no message; WhatsApp: one recipient.
        let pdf = MessageRequest(to: ["+34612345678"], attachments: ["invoice.pdf"])
        var sms = pdf
        sms.channel = .sms
        #expect(throws: ChannelError.self) { try composer().outbound(reply, request: sms) }
        var phone = MessageRequest(to: ["+34612345678"])
        phone.channel = .phone
        #expect(throws: ChannelError.self) { try composer().outbound(reply, request: phone) }
        var whatsapp = MessageRequest(to: ["+34612345678", "+34698765432"])
        whatsapp.channel = .whatsapp
        whatsapp.whatsapp.lastInbound = Self.fixed.timeIntervalSince1970 - 60
        #expect { try composer().outbound(reply, request: whatsapp) } throws: { error in
            (error as? HeraldError)?.category == .usage && "\(error)".hasPrefix("WhatsApp needs exactly one recipient")
        }
        // A library message names the value, never a CLI flag.
        #expect { try composer().outbound(reply, request: MessageRequest(to: ["ana@example.com"])) } throws: { error in
            "\(error)" == "the message has no sender; give a From address"
        }
    }

    @Test func anSMSToTwoSpellingsOfOneNumberIsOneRecipient() throws {
        var request = MessageRequest(to: ["+34 612 345 678, 612345678"])
        request.channel = .sms
        request.countryCode = "34"
        let composition = try composer().outbound(reply, request: request)
        #expect(composition.outbounds.map(\.recipients) == [["+34612345678"]])
        #expect(composition.outbounds.first?.bytes == Array("Hola Ana, your refund is on its way.".utf8))
        #expect(composition.warnings.contains("+34612345678 is given 2 times ('+34 612 345 678', '612345678'); it gets one copy"))
    }

    @Test func theWhatsAppWindowIsReadFromTheInjectedClock() throws {
        var request = MessageRequest(to: ["+34612345678"])
        request.channel = .whatsapp
        request.whatsapp.lastInbound = Self.fixed.timeIntervalSince1970 - 25 * 3600
        #expect { try composer().outbound(reply, request: request) } throws: { error in "\(error)".contains("25 hours ago") }
        request.whatsapp.lastInbound = Self.fixed.timeIntervalSince1970 - 3600
        let body = String(decoding: try #require(try composer().outbound(reply, request: request).outbounds.first).bytes, as: UTF8.self)
        #expect(body.contains("\"body\" : \"Hola *Ana*, your refund is on its way.\""))
    }

    @Test func renderFormatsAreTheChannelsOwn() throws {
        let html = try composer().render(reply, for: .email, format: .html).text
        #expect(html.contains("<strong style=\"font-weight:bold;\">Ana</strong>"))
        #expect(try composer().render(reply, for: .sms, format: .text).text == "Hola Ana, your refund is on its way.\n")
        #expect { try composer().render(reply, for: .sms, format: .html) } throws: { error in
            (error as? HeraldError) == HeraldError(.usage, "sms renders as text or json, not html")
        }
    }
}
