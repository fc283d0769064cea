import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// Two agents take the same pending interaction at the same moment, each through their own
/// `Inbox` and their own connection to one SQLite file (as two server processes would): exactly
/// one gets it, the other a conflict that says who has it. Fifty times.
@Suite struct TakeRaceTests {
    @Test func ofTwoAgentsTakingAtOnceExactlyOneWins() async throws {
        let fixture = try await InboxFixture()
        let composer = fixture.inbox.composer
        let first = Inbox(store: try SQLiteInboxStore(path: fixture.inboxPath), outbox: fixture.outbox, composer: composer, clock: { Team.now })
        let second = Inbox(store: try SQLiteInboxStore(path: fixture.inboxPath), outbox: fixture.outbox, composer: composer, clock: { Team.now })
        var wins: [String: Int] = [:]
        for round in 1...50 {
            // Pending in sales: Ana starts it in billing and sends it there.
            let id = try await fixture.inbox.start(StartInteraction(channel: .phone, campaign: "billing", to: ["612345678"]), by: "ana").id
            _ = try await fixture.inbox.transfer(id, to: .campaign("sales"), by: "ana")
            async let byBruno = outcome { try await first.take(id, by: "bruno") }
            async let byEva = outcome { try await second.take(id, by: "eva") }
            let results = await [byBruno, byEva]
            let winners = results.compactMap { try? $0.get() }
            try #require(winners.count == 1, "round \(round): \(winners.count) agents took interaction \(id)")
            let winner = try #require(winners.first?.assignee)
            wins[winner, default: 0] += 1
            for case .failure(let error) in results {
                let expected = "interaction \(id) is already taken by \(winner == "bruno" ? "Bruno Díaz" : "Eva Mora")"
                #expect((error as? InboxError)?.category == .conflict && "\(error)" == expected, "round \(round): \(error)")
            }
            let stored = try #require(try await fixture.store.interaction(id))
            #expect(stored.state == .active && stored.assignee == winner)
            #expect(stored.history.filter { $0.kind == .taken }.map(\.actor) == [winner])
        }
        #expect(wins.values.reduce(0, +) == 50)
    }
}
