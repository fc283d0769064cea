import Foundation
import Herald
import HeraldInbox
import Yams

/// A seed file (`herald inbox load team.yml`): agents, then campaigns with their channels'
/// senders, members, categories and forms, written as the models are, with the lists and flags
/// that may be left out left out. Loading it adds or replaces each one, so loading the same file
/// again changes nothing.
struct InboxSeed: Decodable {
    var agents: [SeedAgent]?
    var campaigns: [SeedCampaign]?

    struct SeedAgent: Decodable {
        var id: String
        var name: String
        var email: String
        var role: Agent.Role?

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

    /// Reads and checks a seed file; errors name the file and, for YAML, the line.
    static func read(_ path: String) throws -> InboxSeed {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw fail("cannot read the seed file \(path): \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        do {
            return try YAMLDecoder().decode(InboxSeed.self, from: text)
        } catch let error as DecodingError {
            throw fail("\(path): \(describe(error))", status: ExitStatus.badInput)
        } catch {
            throw fail("\(path) is not YAML: \(error)", status: ExitStatus.badInput)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
