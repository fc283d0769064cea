import Foundation
import HeraldChannels

/// How every inbox store writes a record's body (the part of an agent, campaign, customer,
/// message or event that no query looks into): JSON, dates as seconds since 1970, keys sorted.
/// One encoding, so the SQLite and PostgreSQL stores read each other's exports alike and a
/// record reads back equal to what was stored.
package enum StoredJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    package static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `what` names the record in the error ("an agent"): a body this Herald cannot read was
    /// most likely written by a newer one.
    package static func decode<T: Decodable>(_ type: T.Type, _ text: String, what: String) throws -> T {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw InboxError(.io, "the inbox holds \(what) it cannot read (written by a newer Herald?): \(error)")
        }
    }
}

/// What of an interaction is not in its own columns, its messages or its events: the body of
/// its row in every store.
package struct InteractionBody: Codable {
    var contact: Interaction.Contact
    var call: Interaction.PhoneCall?
    var category: String?
    var forms: [FormSubmission]
    var openForm: String?
    var lastInboundAt: Date?

    package init(_ interaction: Interaction) {
        contact = interaction.contact
        call = interaction.call
        category = interaction.category
        forms = interaction.forms
        openForm = interaction.openForm
        lastInboundAt = interaction.lastInboundAt
    }

    /// The interaction whose row held this body and these columns.
    package func interaction(id: String, campaign: String, channel: ChannelID, customer: String, state: Interaction.State, assignee: String?,
                             messages: [Interaction.Message], history: [Interaction.Event], createdAt: Date, updatedAt: Date,
                             version: Int) -> Interaction {
        Interaction(id: id, campaign: campaign, channel: channel, customer: customer, state: state, assignee: assignee,
                    contact: contact, call: call, category: category, forms: forms, openForm: openForm,
                    lastInboundAt: lastInboundAt, messages: messages, history: history,
                    createdAt: createdAt, updatedAt: updatedAt, version: version)
    }
}
