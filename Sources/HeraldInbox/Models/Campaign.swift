import Foundation
import HeraldChannels
import HeraldMIME

/// A team's line of work (Billing, Sales): the channels it answers on and as whom, the agents who
/// are its members, how its interactions are categorized and which forms its agents fill.
/// Interactions belong to one campaign at a time; a transfer moves them.
public struct Campaign: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var channels: CampaignChannels
    /// Agent IDs. Membership is what lets an agent see, start and take the campaign's
    /// interactions (`Authorization`).
    public var members: [String]
    /// What an interaction may be categorized as; closing needs one of them.
    public var categories: [String]
    public var forms: [Form]
    /// The calling code for numbers written without one ("34"): the SMS and WhatsApp recipients
    /// and the number a phone interaction dials.
    public var countryCode: String?

    public init(id: String, name: String, channels: CampaignChannels = CampaignChannels(), members: [String] = [], categories: [String] = [],
                forms: [Form] = [], countryCode: String? = nil) {
        self.id = id
        self.name = name
        self.channels = channels
        self.members = members
        self.categories = categories
        self.forms = forms
        self.countryCode = countryCode
    }

    public func hasMember(_ agentID: String) -> Bool { members.contains(agentID) }

    /// Makes the agent a member; one already is left as it is (adding twice changes nothing).
    public mutating func addMember(_ agentID: String) {
        if !hasMember(agentID) { members.append(agentID) }
    }

    /// Removes the agent from the members; an agent who is not one is refused, naming the
    /// members, rather than "removed" without anything changing.
    public mutating func removeMember(_ agentID: String) throws {
        guard hasMember(agentID) else {
            throw InboxError(.input, "\(agentID) is not a member of \(id); its members: \(members.joined(separator: ", "))", field: "members")
        }
        members.removeAll { $0 == agentID }
    }

    /// The form that opens by itself when an interaction starts, and that closing needs.
    public var mandatoryForm: Form? { forms.first(where: \.mandatory) }

    public func form(_ id: String) -> Form? { forms.first { $0.id == id } }

    /// The phone's dial rule, when the campaign calls.
    public var dialRule: DialRule? { channels.phone?.dialRule }

    /// Refuses a campaign the rules could not work with, naming the field: two forms marked
    /// mandatory (which one would closing need?), a category given twice, a sender that could
    /// never send.
    public func validate() throws {
        try Identifier.check(id, what: "campaign ID", field: "id")
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InboxError(.input, "campaign \(id) has no name", field: "name")
        }
        if let repeated = Self.firstRepeated(members) {
            throw InboxError(.input, "campaign \(id) lists agent \(repeated) twice among its members", field: "members")
        }
        if let empty = categories.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw InboxError(.input, "campaign \(id): category \(empty + 1) is empty", field: "categories")
        }
        if let repeated = Self.firstRepeated(categories) {
            throw InboxError(.input, "campaign \(id) lists the category \"\(repeated)\" twice", field: "categories")
        }
        if let repeated = Self.firstRepeated(forms.map(\.id)) {
            throw InboxError(.input, "campaign \(id) has two forms with the ID \(repeated)", field: "forms")
        }
        let mandatory = forms.filter(\.mandatory).map(\.id)
        if mandatory.count > 1 {
            throw InboxError(.input, "campaign \(id) marks \(mandatory.count) forms mandatory (\(mandatory.joined(separator: ", "))); at most one may be", field: "forms")
        }
        for form in forms { try form.validate() }
        if let code = countryCode, code.isEmpty || code.count > 3 || !code.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw InboxError(.input, "campaign \(id): country code '\(code)' is not a calling code; give 1 to 3 digits, like 34", field: "countryCode")
        }
        try validateSenders()
    }

    private func validateSenders() throws {
        if let email = channels.email {
            do {
                _ = try EmailAddress(validating: email.from, field: "From address")
            } catch {
                throw InboxError(.input, "campaign \(id): \(error)", field: "channels.email.from")
            }
        }
        if let sms = channels.sms, sms.number.trimmingCharacters(in: .whitespaces).isEmpty {
            throw InboxError(.input, "campaign \(id) enables SMS without a sender number", field: "channels.sms.number")
        }
        if let whatsapp = channels.whatsapp {
            guard !whatsapp.phoneNumberID.isEmpty, whatsapp.phoneNumberID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw InboxError(.input, "campaign \(id): WhatsApp phone number ID '\(whatsapp.phoneNumberID)' is not the Cloud API's (digits, like 106540352242922)",
                                 field: "channels.whatsapp.phoneNumberID")
            }
            if let repeated = Self.firstRepeated(whatsapp.templates.map(\.name)) {
                throw InboxError(.input, "campaign \(id) lists the WhatsApp template \(repeated) twice", field: "channels.whatsapp.templates")
            }
        }
    }

    static func firstRepeated(_ values: [String]) -> String? {
        var seen = Set<String>()
        return values.first { !seen.insert($0).inserted }
    }
}
