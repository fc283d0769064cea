import Foundation
import HeraldChannels
import Testing

/// Phone numbers and business-scoped user IDs (BSUIDs), and where each goes in a request body.
@Suite struct WhatsAppRecipientTests {
    @Test func businessScopedUserIDsAreRecognizedAndKeptAsGiven() throws {
        #expect(try WhatsAppRecipient("US.13491208655302741918") == .businessScopedUserID("US.13491208655302741918"))
        #expect(try WhatsAppRecipient("US.ENT.11815799212886844830") == .businessScopedUserID("US.ENT.11815799212886844830"))
        #expect(try WhatsAppRecipient(" br.AbC123 ") == .businessScopedUserID("br.AbC123"))
        #expect(try WhatsAppRecipient("612 345 678", defaultCountryCode: "34") == .phone(try PhoneNumber("+34612345678")))
    }

    @Test func neitherANumberNorABSUIDIsRefusedNamingTheInput() {
        for bad in ["USA.123", "US.", "US.12-34", "U1.1234", "US.X.1234", "US.ENT.", "US." + String(repeating: "1", count: 129)] {
            #expect(throws: PhoneNumberError.self, "\(bad)") { try WhatsAppRecipient(bad) }
        }
    }

    @Test func aBSUIDGoesInRecipientAndANumberInTo() throws {
        let bsuid = try WhatsAppRecipient("US.13491208655302741918")
        let text = try JSONSerialization.jsonObject(with: Data(WhatsAppTextMessage(recipient: bsuid, body: "Hola").json.utf8)) as? [String: Any]
        #expect(text?["recipient"] as? String == "US.13491208655302741918")
        #expect(text?["to"] == nil)
        let phone = try JSONSerialization.jsonObject(with: Data(WhatsAppTextMessage(to: try PhoneNumber("+34612345678"), body: "Hola").json.utf8)) as? [String: Any]
        #expect(phone?["to"] as? String == "+34612345678")
        #expect(phone?["recipient"] == nil)

        let template = WhatsAppTemplate(name: "order_shipped", language: "es_ES", category: .utility, body: "Hola {{1}}")
        let templated = WhatsAppTemplateMessage(template: template, recipient: bsuid, bodyValues: ["Ana"])
        let object = try JSONSerialization.jsonObject(with: Data(templated.json.utf8)) as? [String: Any]
        #expect(object?["recipient"] as? String == "US.13491208655302741918")
        #expect(object?["to"] == nil)
    }
}
