import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// The team every inbox test works with:
///
/// - billing (Ana, Bruno, Carla the supervisor): email, SMS, WhatsApp (one approved template),
///   phone (dial 0 for an outside line, Spanish numbers in national form); categories Resolved
///   and Refund; the mandatory "Satisfaction survey".
/// - sales (Bruno, Eva, Dani the administrator): email, WhatsApp, phone; categories Won and
///   Lost; no forms.
/// - support (Eva): SMS only; category Done.
enum Team {
    static let ana = Agent(id: "ana", name: "Ana Ruiz", email: "ana@example.com")
    static let bruno = Agent(id: "bruno", name: "Bruno Díaz", email: "bruno@example.com")
    static let carla = Agent(id: "carla", name: "Carla Gil", email: "carla@example.com", role: .supervisor)
    static let dani = Agent(id: "dani", name: "Dani Sanz", email: "dani@example.com", role: .administrator)
    static let eva = Agent(id: "eva", name: "Eva Mora", email: "eva@example.com")
    static let agents = [ana, bruno, carla, dani, eva]

    static let orderUpdate = WhatsAppTemplate(name: "order_update", language: "es", category: .utility,
                                              body: "Hola {{1}}, your order {{2}} has shipped.")

    static let survey = Form(id: "survey", name: "Satisfaction survey", mandatory: true, fields: [
        Form.Field(id: "satisfaction", label: "Satisfaction", kind: .choice, required: true, options: ["good", "bad"]),
        Form.Field(id: "age", label: "Age", kind: .number),
        Form.Field(id: "visit", label: "Visit date", kind: .date),
        Form.Field(id: "comment", label: "Comment"),
    ])

    static let billing = Campaign(
        id: "billing", name: "Billing",
        channels: CampaignChannels(email: EmailSender(from: "Billing <billing@example.com>"), sms: SMSSender(number: "+34600000000"),
                                   whatsapp: WhatsAppSender(phoneNumberID: "106540352242922", templates: [orderUpdate]),
                                   phone: PhoneLine(dialRule: DialRule(prefix: "0", homeCountryCode: "34", nationalPrefix: ""))),
        members: ["ana", "bruno", "carla"], categories: ["Resolved", "Refund"], forms: [survey], countryCode: "34")

    static let sales = Campaign(
        id: "sales", name: "Sales",
        channels: CampaignChannels(email: EmailSender(from: "sales@example.com", route: "maildir:/srv/sales-mail"),
                                   whatsapp: WhatsAppSender(phoneNumberID: "106540352242923", templates: [orderUpdate]), phone: PhoneLine()),
        members: ["bruno", "eva", "dani"], categories: ["Won", "Lost"], countryCode: "34")

    static let support = Campaign(id: "support", name: "Support", channels: CampaignChannels(sms: SMSSender(number: "+34600000001")),
                                  members: ["eva"], categories: ["Done"], countryCode: "34")

    static let campaigns = [billing, sales, support]
    static let directory = Directory(agents: agents, campaigns: campaigns)

    /// 2026-11-30T10:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_796_032_800)
}

/// A small, seeded generator (SplitMix64): the property test's sequences are the same on every
/// run and machine, and a failure names the seed that reproduces it.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
