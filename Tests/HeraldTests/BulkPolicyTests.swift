import Foundation
import Herald
import Testing

/// What a bulk send asks of its messages: Auto-Submitted by default and an unsubscribe target
/// (warned, or refused under strict) — on a channel with mail's bulk headers only.
@Suite struct BulkPolicyTests {
    let draft: Draft

    init() throws {
        draft = try Draft.markdown(Array("News of the month.\n".utf8))
    }

    func request(_ channel: ChannelID = .email, unsubscribe: [String] = [], autoSubmitted: Bool? = nil) -> MessageRequest {
        var request = MessageRequest(from: "news@example.com", subject: "News", listUnsubscribe: unsubscribe, autoSubmitted: autoSubmitted)
        request.channel = channel
        return request
    }

    @Test func anEmailBulkSendIsAutoSubmittedUnlessTheRequestSaysOtherwise() throws {
        let policy = BulkPolicy()
        #expect(try policy.applied(to: request(unsubscribe: ["https://example.com/u"]), draft: draft).request.autoSubmitted == true)
        #expect(try policy.applied(to: request(unsubscribe: ["https://example.com/u"], autoSubmitted: false), draft: draft).request.autoSubmitted == false)
    }

    @Test func noUnsubscribeTargetIsAWarningNamingWhatToGive() throws {
        let applied = try BulkPolicy(unsubscribeName: "--list-unsubscribe").applied(to: request(), draft: draft)
        #expect(applied.warnings == ["a bulk send without an unsubscribe target: Gmail and Yahoo ask bulk mail for one-click unsubscribe; "
                                     + "give --list-unsubscribe https://… (or a template layout with an unsubscribe URL)"])
        #expect(applied.request.autoSubmitted == true)
        #expect(try BulkPolicy().applied(to: request(unsubscribe: ["mailto:u@example.com"]), draft: draft).warnings.isEmpty)
    }

    @Test func strictRefusesWhatIsOtherwiseAWarning() throws {
        let policy = BulkPolicy(strict: true, strictName: "--strict")
        #expect(throws: HeraldError.self) { try policy.applied(to: request(), draft: draft) }
        do {
            _ = try policy.applied(to: request(), draft: draft)
        } catch let error as HeraldError {
            #expect(error.category == .input)
            #expect(error.message.hasPrefix("a bulk send without an unsubscribe target"))
            #expect(error.message.hasSuffix(" (refused: --strict; nothing was stored or sent)"))
        }
        #expect(try policy.applied(to: request(unsubscribe: ["https://example.com/u"]), draft: draft).warnings.isEmpty)
    }

    @Test func aChannelWithoutMailsBulkHeadersIsLeftAsItIs() throws {
        for channel in [ChannelID.sms, .whatsapp] {
            let applied = try BulkPolicy(strict: true).applied(to: request(channel), draft: draft)
            #expect(applied.request.autoSubmitted == nil && applied.warnings.isEmpty)
        }
    }
}
