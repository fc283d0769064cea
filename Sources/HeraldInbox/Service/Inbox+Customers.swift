import Foundation
import HeraldMIME

/// What the customer information panel shows beside an interaction: the customer as stored
/// and their other interactions the agent may see.
public struct CustomerCard: Codable, Sendable, Equatable {
    public var customer: Customer
    /// Most recently changed first, at most `Inbox.customerHistoryLimit`.
    public var interactions: [Interaction.Summary]

    public init(customer: Customer, interactions: [Interaction.Summary]) {
        self.customer = customer
        self.interactions = interactions
    }
}

extension Inbox {
    /// How many of a customer's other interactions the panel lists.
    public static let customerHistoryLimit = 10
    /// How many of a customer's interactions are read to find them (and the addresses to
    /// suggest): the most recent ones.
    static let customerInteractionsRead = 50

    /// The customer of an interaction the agent may see, and their other interactions the
    /// agent may see (the same rules as the tabs: an interaction of a campaign they are not in
    /// is not shown, nor said to exist).
    public func customerCard(of interactionID: String, for agentID: String) async throws -> CustomerCard {
        let actor = try await agent(agentID)
        guard let interaction = try await store.interaction(interactionID) else { throw InboxError.noInteraction(interactionID) }
        let directory = Directory(agents: [actor], campaigns: try await store.campaigns())
        guard Authorization.canSee(interaction, actor: actor, in: directory) else { throw InboxError.noInteraction(interactionID) }
        guard let customer = try await store.customer(interaction.customer) else {
            throw InboxError(.notFound, "interaction \(interactionID) names customer \(interaction.customer), who is not in the inbox")
        }
        let others = try await store.interactions(ofCustomer: customer.id, limit: Self.customerInteractionsRead)
            .filter { $0.id != interactionID && Authorization.canSee($0, actor: actor, in: directory) }
        return CustomerCard(customer: customer, interactions: Array(others.prefix(Self.customerHistoryLimit)))
    }

    /// The addresses the New flow offers for CC and BCC once the email's first recipient is
    /// known: that customer's other email addresses, then whoever was in To, CC or BCC of their
    /// earlier email interactions the agent may see, most recent first, each once, never `to`
    /// itself. An address of no customer, or of a customer none of whose interactions the agent
    /// may see, suggests nothing: an agent learns nothing of another campaign's customers.
    public func addressSuggestions(for to: String, agent agentID: String) async throws -> [String] {
        let actor = try await agent(agentID)
        guard let address = try? EmailAddress(validating: to), let customer = try await store.customer(contact: address.recipientKey) else { return [] }
        let directory = Directory(agents: [actor], campaigns: try await store.campaigns())
        let visible = try await store.interactions(ofCustomer: customer.id, limit: Self.customerInteractionsRead)
            .filter { $0.channel == .email && Authorization.canSee($0, actor: actor, in: directory) }
        guard !visible.isEmpty else { return [] }
        var seen: Set<String> = [address.recipientKey]
        var suggestions: [String] = []
        func offer(_ candidate: String) {
            let key = (try? EmailAddress(validating: candidate).recipientKey) ?? candidate
            if seen.insert(key).inserted { suggestions.append(candidate) }
        }
        customer.emailAddresses.forEach(offer)
        for summary in visible {
            guard let interaction = try await store.interaction(summary.id) else { continue }
            (interaction.contact.to + interaction.contact.cc + interaction.contact.bcc).forEach(offer)
        }
        return suggestions
    }
}
