import Foundation
import Herald
import HeraldInbox
import Testing

/// A campaign changed by parts, as `herald inbox campaign add` changes it.
struct CampaignEditTests {
    private let stored = Campaign(
        id: "billing", name: "Billing",
        channels: CampaignChannels(email: EmailSender(from: "billing@example.com", route: "smtp://mx.example.com:25"),
                                   whatsapp: WhatsAppSender(phoneNumberID: "106540352242922",
                                                            templates: [WhatsAppTemplate(name: "order_update", language: "es", category: .utility, body: "Hola {{1}}")]),
                                   phone: PhoneLine(dialRule: DialRule(prefix: "9"))),
        members: ["ana"], categories: ["Resolved", "Refund"], forms: [Form(id: "survey", name: "Survey")], countryCode: "34")

    @Test func whatIsNotGivenIsKept() {
        let renamed = CampaignEdit(name: "Billing desk", categories: ["Refund", "Escalated"]).applied(to: stored)
        var expected = stored
        expected.name = "Billing desk"
        expected.categories = ["Resolved", "Refund", "Escalated"]
        #expect(renamed == expected)
    }

    @Test func aGivenSenderReplacesItsChannelsSenderButNotItsSettings() {
        let edit = CampaignEdit(name: "Billing", emailFrom: "cobros@example.com", smsNumber: "+34600000000", whatsappPhoneNumberID: "222", phone: true,
                                countryCode: "52")
        let changed = edit.applied(to: stored)
        #expect(changed.channels.email == EmailSender(from: "cobros@example.com", route: "smtp://mx.example.com:25"))
        #expect(changed.channels.sms == SMSSender(number: "+34600000000"))
        #expect(changed.channels.whatsapp?.phoneNumberID == "222")
        #expect(changed.channels.whatsapp?.templates == stored.channels.whatsapp?.templates)
        #expect(changed.channels.phone == PhoneLine(dialRule: DialRule(prefix: "9")))
        #expect(changed.countryCode == "52" && changed.members == ["ana"] && changed.forms == stored.forms)
    }

    @Test func aNewCampaignGetsWhatIsGivenAndIsStoredAsIs() async throws {
        let edit = CampaignEdit(name: "Sales", emailFrom: "sales@example.com", phone: true, categories: ["Won", "Lost"])
        let made = edit.applied(to: Campaign(id: "sales", name: "Sales"))
        #expect(made.channels.enabled == [.email, .phone])
        #expect(made.channels.phone == PhoneLine())
        #expect(made.categories == ["Won", "Lost"] && made.members.isEmpty && made.countryCode == nil)
        let store = try SQLiteInboxStore(path: TemporaryFiles.path("inbox", "sqlite"))
        try await store.save(made)
        #expect(try await store.campaign("sales") == made)
    }
}
