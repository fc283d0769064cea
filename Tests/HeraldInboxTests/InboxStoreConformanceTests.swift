import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// Every inbox store, the same rules: each test runs against each store kind (`InboxStoreKind`),
/// so a new store (PostgreSQL) joins by adding a case. The transitions stored are the rules' own.
@Suite struct InboxStoreConformanceTests {
    let rules = InteractionRules(directory: Team.directory)

    /// A phone interaction in billing started by Ana (no outbox involved), stored.
    func started(_ store: any InboxStore, id: String = "int-1", by actor: Agent = Team.ana, campaign: String = "billing",
                 at now: Date = Team.now) async throws -> Interaction {
        let start = InteractionCommand.Start(id: id, campaign: campaign, channel: .phone, customer: "cus-1", to: ["+34612345678"])
        var transition = try rules.apply(.start(start), to: nil, by: actor, at: now)
        if try await store.customer("cus-1") == nil { transition.newCustomer = Customer(id: "cus-1", name: "Lucía", phoneNumbers: ["+34612345678"]) }
        return try await store.apply(transition)
    }

    func apply(_ command: InteractionCommand, to interaction: Interaction, by actor: Agent, in store: any InboxStore,
               at now: Date = Team.now) async throws -> Interaction {
        try await store.apply(try rules.apply(command, to: interaction, by: actor, at: now))
    }

    @Test(arguments: InboxStoreKind.allCases) func agentsAndCampaignsRoundTrip(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        #expect(try await store.agents() == Team.agents.sorted { $0.id < $1.id })
        #expect(try await store.agent("carla") == Team.carla)
        #expect(try await store.agent(email: "BRUNO@example.com") == Team.bruno)
        #expect(try await store.campaign("billing") == Team.billing)
        #expect(try await store.campaigns(ofMember: "bruno").map(\.id) == ["billing", "sales"])
        #expect(try await store.campaigns(ofMember: "nobody").isEmpty)
        // Replacing a campaign replaces its members.
        var billing = Team.billing
        billing.members = ["ana"]
        try await store.save(billing)
        #expect(try await store.campaigns(ofMember: "bruno").map(\.id) == ["sales"])
        #expect(try await store.campaigns().map(\.id) == ["billing", "sales", "support"])
    }

    @Test(arguments: InboxStoreKind.allCases) func theDirectoryRefusesWhatTheRulesCouldNotUse(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let taken = await refusal { try await store.save(Agent(id: "ana2", name: "Ana Bis", email: "ANA@example.com")) }
        #expect(taken?.category == .conflict && taken?.description == "ANA@example.com is agent ana's email already; each agent signs in with their own")
        var campaign = Campaign(id: "legal", name: "Legal", members: ["ana", "zoe"])
        let unknown = await refusal { try await store.save(campaign) }
        #expect(unknown?.category == .input
            && unknown?.description == "campaign legal lists agent zoe as a member, and there is no agent zoe; add the agent first")
        #expect(try await store.campaign("legal") == nil)
        campaign.members = ["ana"]
        campaign.channels.email = EmailSender(from: "not an address")
        #expect(await refusal { try await store.save(campaign) }?.category == .input)
        #expect(await refusal { try await store.save(Agent(id: "a b", name: "Spaces", email: "s@example.com")) }?.category == .input)
    }

    @Test(arguments: InboxStoreKind.allCases) func customersAreFoundByTheirAddressesAndNumbers(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let lucia = Customer(id: "cus-1", name: "Lucía", emailAddresses: ["lucia@example.com"], phoneNumbers: ["+34612345678"], fields: ["plan": "gold"])
        try await store.save(lucia)
        #expect(try await store.customer(contact: "+34612345678") == lucia)
        #expect(try await store.customer(contact: "lucia@example.com") == lucia)
        #expect(try await store.customer(contact: "+34600000009") == nil)
        let other = await refusal { try await store.save(Customer(id: "cus-2", phoneNumbers: ["+34612345678"])) }
        #expect(other?.category == .conflict && other?.description == "+34612345678 is customer cus-1's already")
        #expect(try await store.customer("cus-2") == nil)
    }

    @Test(arguments: InboxStoreKind.allCases) func aStartIsStoredWholeAndReadBackAsItWasMade(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let start = InteractionCommand.Start(id: "int-1", campaign: "billing", channel: .whatsapp, customer: "cus-1", to: ["612345678"],
                                             message: Interaction.Message(id: "msg-1", author: nil, at: Team.now, summary: "Hola Lucía", template: "order_update",
                                                                          outboxKey: "inbox:int-1:msg-1"))
        var transition = try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now)
        transition.newCustomer = Customer(id: "cus-1", phoneNumbers: ["+34612345678"])
        let stored = try await store.apply(transition)
        #expect(stored.history.map(\.kind) == [.created, .messageSent])
        #expect(stored.history.allSatisfy { $0.sequence != nil })
        let read = try #require(try await store.interaction("int-1"))
        #expect(read == stored)
        #expect(read.contact.to == ["+34612345678"] && read.openForm == "survey" && read.messages.first?.summary == "Hola Lucía")
        #expect(try await store.customer(contact: "+34612345678")?.id == "cus-1")
        // The same ID again is a conflict, and changes nothing.
        let again = await refusal { _ = try await store.apply(transition) }
        #expect(again?.category == .conflict && again?.description == "interaction int-1 exists already; start a new one with another ID")
        #expect(try await store.events(after: 0, limit: 100).count == 2)
    }

    @Test(arguments: InboxStoreKind.allCases) func aChangeIsStoredOnlyOverTheVersionItWasMadeFrom(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let started = try await started(store)
        let finished = try rules.apply(.finish, to: started, by: Team.ana, at: Team.now)
        let categorized = try rules.apply(.categorize("Refund"), to: started, by: Team.ana, at: Team.now)
        _ = try await store.apply(finished)
        // Made from the same version: stale, and nothing of it stored.
        let stale = await refusal { _ = try await store.apply(categorized) }
        #expect((stale as? InboxError)?.isStale == true && stale?.category == .conflict)
        let read = try #require(try await store.interaction("int-1"))
        #expect(read.state == .finished && read.category == nil && read.version == 2)
        #expect(read.history.map(\.kind) == [.created, .finished])
    }

    @Test(arguments: InboxStoreKind.allCases) func ofTwoTakesAtOnceExactlyOneIsStored(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        for round in 1...20 {
            let id = "int-\(round)"
            let started = try await started(store, id: id)
            let pending = try await apply(.transfer(to: .campaign("sales"), note: nil), to: started, by: Team.ana, in: store)
            let byBruno = try rules.apply(.take, to: pending, by: Team.bruno, at: Team.now)
            let byEva = try rules.apply(.take, to: pending, by: Team.eva, at: Team.now)
            async let first = outcome { try await store.apply(byBruno) }
            async let second = outcome { try await store.apply(byEva) }
            let results = await [first, second]
            let winners = results.compactMap { try? $0.get() }
            #expect(winners.count == 1, "round \(round): \(winners.count) takes stored")
            for case .failure(let error) in results { #expect((error as? InboxError)?.isStale == true) }
            let read = try #require(try await store.interaction(id))
            #expect(read.assignee == winners.first?.assignee && read.history.filter { $0.kind == .taken }.count == 1)
        }
    }

    @Test(arguments: InboxStoreKind.allCases) func aTransitionThatFailsPartWayStoresNothing(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        try await store.save(Customer(id: "cus-9", phoneNumbers: ["+34612345678"]))
        // Its new customer's number is another customer's: the interaction and its events go too.
        let start = InteractionCommand.Start(id: "int-1", campaign: "billing", channel: .phone, customer: "cus-1", to: ["+34612345678"])
        var transition = try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now)
        transition.newCustomer = Customer(id: "cus-1", phoneNumbers: ["+34612345678"])
        #expect(await refusal { _ = try await store.apply(transition) }?.category == .conflict)
        #expect(try await store.interaction("int-1") == nil)
        #expect(try await store.customer("cus-1") == nil)
        #expect(try await store.events(after: 0, limit: 10).isEmpty)
    }

    @Test(arguments: InboxStoreKind.allCases) func theTabsListWhatEachAgentAndCampaignHas(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let first = try await started(store, id: "int-1", at: Team.now)
        _ = try await started(store, id: "int-2", at: Team.now.addingTimeInterval(10))
        let third = try await started(store, id: "int-3", at: Team.now.addingTimeInterval(20))
        _ = try await started(store, id: "int-4", by: Team.bruno, at: Team.now.addingTimeInterval(30))
        // int-1 changes last (finished: still in the Active tab); int-3 goes to sales, pending.
        _ = try await apply(.finish, to: first, by: Team.ana, in: store, at: Team.now.addingTimeInterval(40))
        _ = try await apply(.transfer(to: .campaign("sales"), note: nil), to: third, by: Team.ana, in: store, at: Team.now.addingTimeInterval(50))
        #expect(try await store.active(assignee: "ana", limit: 10).map(\.id) == ["int-1", "int-2"])
        #expect(try await store.active(assignee: "ana", limit: 1).map(\.id) == ["int-1"])
        #expect(try await store.active(assignee: "bruno", limit: 10).map(\.id) == ["int-4"])
        let pending = try await store.pending(campaign: "sales", limit: 10)
        #expect(pending.map(\.id) == ["int-3"] && pending.first?.assignee == nil && pending.first?.to == "+34612345678")
        #expect(try await store.pending(campaign: "billing", limit: 10).isEmpty)
    }

    @Test(arguments: InboxStoreKind.allCases) func aCustomersInteractionsAreListedMostRecentlyChangedFirst(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let first = try await started(store, id: "int-1", at: Team.now)
        _ = try await started(store, id: "int-2", at: Team.now.addingTimeInterval(10))
        _ = try await started(store, id: "int-3", by: Team.eva, campaign: "sales", at: Team.now.addingTimeInterval(20))
        _ = try await apply(.finish, to: first, by: Team.ana, in: store, at: Team.now.addingTimeInterval(30))
        // Another customer's interaction is not theirs.
        let other = InteractionCommand.Start(id: "int-4", campaign: "billing", channel: .phone, customer: "cus-9", to: ["+34699999999"])
        var transition = try rules.apply(.start(other), to: nil, by: Team.ana, at: Team.now.addingTimeInterval(40))
        transition.newCustomer = Customer(id: "cus-9", phoneNumbers: ["+34699999999"])
        _ = try await store.apply(transition)
        // Whoever has them and in whichever campaign: the inbox decides what an agent may see.
        #expect(try await store.interactions(ofCustomer: "cus-1", limit: 10).map(\.id) == ["int-1", "int-3", "int-2"])
        #expect(try await store.interactions(ofCustomer: "cus-1", limit: 2).map(\.id) == ["int-1", "int-3"])
        #expect(try await store.interactions(ofCustomer: "cus-9", limit: 10).map(\.id) == ["int-4"])
        #expect(try await store.interactions(ofCustomer: "cus-nobody", limit: 10).isEmpty)
    }

    /// A tab's summary is the interaction's own, whatever its subject and address hold (the SQLite
    /// store reads them out of the stored JSON with SQLite's JSON functions).
    @Test(arguments: InboxStoreKind.allCases) func aTabSummaryIsTheInteractionsOwn(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let message = Interaction.Message(id: "msg-1", author: nil, at: Team.now, subject: nil, template: nil, attachments: [], voiceNote: false,
                                          outboxKey: "inbox:int-1:msg-1")
        let start = InteractionCommand.Start(id: "int-1", campaign: "billing", channel: .email, customer: "cus-2",
                                             to: ["\"Núñez, Lucía\" <lucia/orders@example.com>", "b@example.com"],
                                             subject: "Re: \"Invoice\" 2026/11 \\ ñ ✓\ttab", message: message)
        var transition = try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now)
        transition.newCustomer = Customer(id: "cus-2", emailAddresses: ["lucia/orders@example.com"])
        let email = try await store.apply(transition)
        let phone = try await started(store, id: "int-2", at: Team.now.addingTimeInterval(10))
        #expect(try await store.active(assignee: "ana", limit: 10) == [phone.summary, email.summary])
        #expect(email.summary.subject == "Re: \"Invoice\" 2026/11 \\ ñ ✓\ttab" && phone.summary.subject == nil)
    }

    @Test(arguments: InboxStoreKind.allCases) func theAuditTrailIsReadInOrderAfterAnyPoint(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let one = try await started(store, id: "int-1")
        _ = try await started(store, id: "int-2")
        _ = try await apply(.categorize("Refund"), to: one, by: Team.ana, in: store)
        let all = try await store.events(after: 0, limit: 100)
        #expect(all.map(\.kind) == [.created, .created, .categorized])
        #expect(all.map(\.interaction) == ["int-1", "int-2", "int-1"])
        #expect(all.last?.category == "Refund" && all.last?.actor == "ana")
        let sequences = all.compactMap(\.sequence)
        #expect(sequences.count == 3 && sequences == sequences.sorted() && Set(sequences).count == 3)
        #expect(try await store.events(after: sequences[0], limit: 100).map(\.sequence) == Array(sequences.dropFirst()))
        #expect(try await store.events(after: sequences[0], limit: 1).count == 1)
    }

    @Test(arguments: InboxStoreKind.allCases) func aMessagesOutboxEntriesAreRecorded(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let start = InteractionCommand.Start(id: "int-1", campaign: "billing", channel: .sms, customer: "cus-1", to: ["+34612345678"],
                                             message: Interaction.Message(id: "msg-1", author: nil, at: Team.now, outboxKey: "inbox:int-1:msg-1"))
        var transition = try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now)
        transition.newCustomer = Customer(id: "cus-1", phoneNumbers: ["+34612345678"])
        _ = try await store.apply(transition)
        try await store.recordOutbox(entries: [7, 8], message: "msg-1", interaction: "int-1")
        #expect(try await store.interaction("int-1")?.messages.first?.outboxEntries == [7, 8])
        #expect(await refusal { try await store.recordOutbox(entries: [9], message: "msg-9", interaction: "int-1") }?.category == .notFound)
    }

    @Test(arguments: InboxStoreKind.allCases) func passwordsAndSessions(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        #expect(try await store.passwordHash(of: "ana") == nil)
        #expect(await refusal { try await store.setPassword("scrypt$x", for: "zoe", at: Team.now) }?.category == .notFound)
        try await store.setPassword("scrypt$first", for: "ana", at: Team.now)
        #expect(try await store.passwordHash(of: "ana") == "scrypt$first")

        let old = Session(id: "ses-old", agent: "ana", secretHash: "h0", csrfToken: "c0", createdAt: Team.now.addingTimeInterval(-5 * 86400),
                          expiresAt: Team.now.addingTimeInterval(-4 * 86400))
        let open = Session(id: "ses-1", agent: "ana", secretHash: "h1", csrfToken: "c1", createdAt: Team.now, expiresAt: Team.now.addingTimeInterval(3600))
        let bruno = Session(id: "ses-2", agent: "bruno", secretHash: "h2", csrfToken: "c2", createdAt: Team.now, expiresAt: Team.now.addingTimeInterval(3600))
        try await store.save(old)
        try await store.save(open)
        try await store.save(bruno)
        // A session that ended days before a new one began is gone; the others are kept as given.
        #expect(try await store.session("ses-old") == nil)
        #expect(try await store.session("ses-1") == open)
        #expect(await refusal { try await store.save(open) }?.category == .conflict)
        #expect(await refusal { try await store.save(Session(id: "ses-3", agent: "zoe", secretHash: "h", csrfToken: "c", createdAt: Team.now,
                                                             expiresAt: Team.now)) }?.category == .notFound)

        // A new password ends every session of that agent, and only theirs.
        let later = Team.now.addingTimeInterval(60)
        try await store.setPassword("scrypt$second", for: "ana", at: later)
        #expect(try await store.passwordHash(of: "ana") == "scrypt$second")
        #expect(try await store.session("ses-1")?.revokedAt == later)
        #expect(try await store.session("ses-2")?.revokedAt == nil)
        // Signing out: once; an unknown session says so.
        #expect(try await store.revokeSession("ses-2", at: later))
        #expect(try await store.revokeSession("ses-2", at: later.addingTimeInterval(5)))
        #expect(try await store.session("ses-2")?.revokedAt == later)
        #expect(try await store.revokeSession("nope", at: later) == false)
        // Removing the password: tokens only from now on.
        try await store.setPassword(nil, for: "ana", at: later)
        #expect(try await store.passwordHash(of: "ana") == nil)
    }

    @Test(arguments: InboxStoreKind.allCases) func aTokenIsReadWithItsAgent(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let issued = APIToken.issue(for: "carla", label: "script", at: Team.now)
        try await store.save(issued.record)
        let found = try #require(try await store.tokenAndAgent(issued.record.id))
        #expect(found.token == issued.record && found.agent == Team.carla)
        #expect(try await store.tokenAndAgent("nope") == nil)
    }
}
