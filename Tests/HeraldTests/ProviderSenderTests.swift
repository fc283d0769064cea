import Foundation
import Herald
import HeraldTestSupport
import Testing

/// `MessageRequest.senderID`: who an SMS or WhatsApp message is from when not the provider
/// account's default, checked before anything is composed and carried by the outbound message.
@Suite struct ProviderSenderTests {
    let text = try! Draft.markdown(Array("Your order shipped.\n".utf8))

    func request(_ channel: ChannelID, senderID: String?) -> MessageRequest {
        var request = MessageRequest(to: ["+34612345678"])
        request.channel = channel
        request.senderID = senderID
        request.whatsapp.lastInbound = Date().timeIntervalSince1970
        return request
    }

    @Test func anSMSLeavesFromTheNumberOrSenderIDGiven() throws {
        let composer = Composer()
        let number = try #require(try composer.outbound(text, request: request(.sms, senderID: "+34 600 000 000")).outbounds.first)
        #expect(number.sender == "+34600000000" && number.providerSender == "+34600000000")
        let named = try #require(try composer.outbound(text, request: request(.sms, senderID: "HERALD")).outbounds.first)
        #expect(named.providerSender == "HERALD")
        let account = try #require(try composer.outbound(text, request: request(.sms, senderID: nil)).outbounds.first)
        #expect(account.sender == "sms" && account.providerSender == nil)
        for bad in ["600 000 000", "TWELVE CHARS", "12345", "HER-ALD"] {
            #expect(throws: HeraldError.self, "\(bad)") { try composer.outbound(text, request: request(.sms, senderID: bad)) }
        }
    }

    @Test func aWhatsAppMessageLeavesFromThePhoneNumberIDGiven() throws {
        let composer = Composer()
        let outbound = try #require(try composer.outbound(text, request: request(.whatsapp, senderID: "106540352242922")).outbounds.first)
        #expect(outbound.providerSender == "106540352242922")
        do {
            _ = try composer.outbound(text, request: request(.whatsapp, senderID: "+34600000000"))
            Issue.record("a phone number is not a phone number ID")
        } catch let error as HeraldError {
            #expect(error.category == .input && error.message.contains("is not a phone number ID"))
        }
        var email = MessageRequest(from: "help@example.com", to: ["ana@example.com"], subject: "Hi")
        email.senderID = "HERALD"
        #expect(throws: HeraldError.self) { try composer.outbound(text, request: email) }
    }
}
