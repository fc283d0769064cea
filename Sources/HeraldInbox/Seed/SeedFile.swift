import Herald

/// A seed file as written: the models' fields, with what may be left out optional; each turns
/// into its model with the model's defaults (an agent's role, a form field's label and kind).
struct SeedFile: Decodable {
    var agents: [SeedAgent]?
    var campaigns: [SeedCampaign]?

    struct SeedAgent: Decodable {
        var id: String
        var name: String
        var email: String
        var role: Agent.Role?
        /// Demo and test teams only (see `InboxSeed`).
        var password: String?

        var agent: Agent { Agent(id: id, name: name, email: email, role: role ?? .agent) }
    }

    struct SeedCampaign: Decodable {
        var id: String
        var name: String
        var countryCode: String?
        var channels: SeedChannels?
        var members: [String]?
        var categories: [String]?
        var forms: [SeedForm]?

        var campaign: Campaign {
            Campaign(id: id, name: name, channels: channels?.channels ?? CampaignChannels(), members: members ?? [], categories: categories ?? [],
                     forms: (forms ?? []).map(\.form), countryCode: countryCode)
        }
    }

    struct SeedChannels: Decodable {
        var email: EmailSender?
        var sms: SMSSender?
        var whatsapp: SeedWhatsApp?
        var phone: SeedPhone?

        var channels: CampaignChannels {
            CampaignChannels(email: email, sms: sms, whatsapp: whatsapp.map { WhatsAppSender(phoneNumberID: $0.phoneNumberID, templates: $0.templates ?? []) },
                             phone: phone.map { PhoneLine(dialRule: $0.dialRule?.rule ?? DialRule()) })
        }
    }

    struct SeedWhatsApp: Decodable {
        var phoneNumberID: String
        var templates: [WhatsAppTemplate]?
    }

    struct SeedPhone: Decodable {
        var dialRule: SeedDialRule?
    }

    struct SeedDialRule: Decodable {
        var prefix: String?
        var homeCountryCode: String?
        var nationalPrefix: String?

        var rule: DialRule { DialRule(prefix: prefix ?? "", homeCountryCode: homeCountryCode, nationalPrefix: nationalPrefix ?? "0") }
    }

    struct SeedForm: Decodable {
        var id: String
        var name: String
        var mandatory: Bool?
        var fields: [SeedField]?

        var form: Form {
            Form(id: id, name: name, mandatory: mandatory ?? false, fields: (fields ?? []).map {
                Form.Field(id: $0.id, label: $0.label ?? $0.id, kind: $0.kind ?? .text, required: $0.required ?? false, options: $0.options ?? [])
            })
        }
    }

    struct SeedField: Decodable {
        var id: String
        var label: String?
        var kind: Form.Field.Kind?
        var required: Bool?
        var options: [String]?
    }
}
