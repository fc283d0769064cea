import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// The customer information panel and the New flow's CC/BCC suggestions: what a customer's
/// other interactions tell an agent, limited to what that agent may see.
@Suite struct CustomerCardTests {
    /// Lucía in billing (Ana's, CC ops@) and in sales (Eva's, CC boss@), then Ana's second one.
    func lucia() async throws -> (fixture: InboxFixture, billing: Interaction, sales: Interaction, second: Interaction) {
        let fixture = try await InboxFixture()
        let billing = try await fixture.inbox.start(StartInteraction(
            channel: .email, campaign: "billing", to: ["Lucía <lucia@example.com>"], cc: ["ops@example.com"], subject: "Invoice",
            customerName: "Lucía", message: try .text("Your invoice.")), by: "ana")
        let sales = try await fixture.inbox.start(StartInteraction(
            channel: .email, campaign: "sales", to: ["lucia@example.com"], cc: ["Boss <boss@example.com>"], bcc: ["crm@example.com"], subject: "Offer",
            message: try .text("An offer.")), by: "eva")
        let second = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "billing", to: ["lucia@example.com"], subject: "Refund",
                                                                    message: try .text("Your refund.")), by: "ana")
        return (fixture, billing, sales, second)
    }

    @Test func theCardShowsTheCustomerAndOnlyTheOtherInteractionsTheAgentMaySee() async throws {
        let (fixture, billing, sales, second) = try await lucia()
        #expect(Set([billing.customer, sales.customer, second.customer]).count == 1)
        let card = try await fixture.inbox.customerCard(of: second.id, for: "ana")
        #expect(card.customer.name == "Lucía" && card.customer.emailAddresses == ["lucia@example.com"])
        // Not the sales one (Ana is not in sales), not the one open.
        #expect(card.interactions.map(\.id) == [billing.id])
        // Bruno is in both campaigns: both others.
        #expect(Set(try await fixture.inbox.customerCard(of: second.id, for: "bruno").interactions.map(\.id)) == [billing.id, sales.id])
        // Eva may not see billing's interaction: as if it did not exist.
        let refused = await refusal { _ = try await fixture.inbox.customerCard(of: second.id, for: "eva") }
        #expect(refused?.category == .notFound)
    }

    @Test func suggestionsAreTheCustomersAddressesAndTheParticipantsTheAgentMaySee() async throws {
        let (fixture, _, _, _) = try await lucia()
        // The customer's own other address comes first.
        var customer = try #require(try await fixture.store.customer(contact: "lucia@example.com"))
        customer.emailAddresses.append("lucia.work@example.com")
        try await fixture.store.save(customer)
        // Her domain in capitals and as a mailbox: still Lucía (a local part keeps its case), and never suggested to herself.
        #expect(try await fixture.inbox.addressSuggestions(for: "Lucía <lucia@EXAMPLE.com>", agent: "ana") == ["lucia.work@example.com", "ops@example.com"])
        #expect(try await fixture.inbox.addressSuggestions(for: "lucia@example.com", agent: "eva") == ["lucia.work@example.com", "Boss <boss@example.com>", "crm@example.com"])
        #expect(Set(try await fixture.inbox.addressSuggestions(for: "lucia@example.com", agent: "bruno"))
            == ["lucia.work@example.com", "ops@example.com", "Boss <boss@example.com>", "crm@example.com"])
        // Dani, in sales only, sees sales' participants.
        #expect(try await fixture.inbox.addressSuggestions(for: "lucia@example.com", agent: "dani") == ["lucia.work@example.com", "Boss <boss@example.com>", "crm@example.com"])
        // Nobody's address, or no address at all: nothing (and no error).
        #expect(try await fixture.inbox.addressSuggestions(for: "nobody@example.com", agent: "ana").isEmpty)
        #expect(try await fixture.inbox.addressSuggestions(for: "not an address", agent: "ana").isEmpty)
    }

    @Test func aCustomerNoneOfWhoseInteractionsTheAgentMaySeeSuggestsNothing() async throws {
        let fixture = try await InboxFixture()
        _ = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "sales", to: ["lucia@example.com"], cc: ["boss@example.com"],
                                                           subject: "Offer", message: try .text("An offer.")), by: "eva")
        // Ana (billing only) learns nothing of sales' customer, not even her other addresses.
        #expect(try await fixture.inbox.addressSuggestions(for: "lucia@example.com", agent: "ana").isEmpty)
    }

    /// A new email customer is named as the agent wrote the address (the template picker's
    /// customer_name); a name given outright wins, and an address without one names nobody.
    @Test func aNewEmailCustomerIsNamedByTheAddressesDisplayName() async throws {
        let fixture = try await InboxFixture()
        func customer(_ to: String, name: String? = nil) async throws -> Customer? {
            let started = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "billing", to: [to], subject: "Hi",
                                                                         customerName: name, message: try .text("Hello.")), by: "ana")
            return try await fixture.inbox.store.customer(started.customer)
        }
        #expect(try await customer("\"Pérez, Lucía\" <lucia@example.com>")?.name == "Pérez, Lucía")
        #expect(try await customer("Bruno <bruno@example.com>", name: "Bruno Díaz")?.name == "Bruno Díaz")
        #expect(try await customer("carla@example.com")?.name == "")
    }
}
