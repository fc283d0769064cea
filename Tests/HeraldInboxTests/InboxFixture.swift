import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// An inbox on real SQLite files (inbox and outbox), with the clock fixed at `Team.now` and
/// sequential IDs (int-1, cus-2, msg-3…).
struct InboxFixture {
    let inbox: Inbox
    let store: any InboxStore
    let outbox: SQLiteOutboxStore
    let inboxPath: String

    init() async throws {
        let outboxPath = TemporaryFiles.path("outbox", "sqlite")
        outbox = try SQLiteOutboxStore(path: outboxPath)
        inboxPath = TemporaryFiles.path("inbox", "sqlite")
        let store = try SQLiteInboxStore(path: inboxPath)
        try await store.saveTeam()
        self.store = store
        // Random Message-IDs, as in production: a message composed again differs in its bytes,
        // and only its fingerprint says it is the same message.
        let composer = Composer(clock: { Team.now }, timeZone: TimeZone(identifier: "UTC") ?? .current)
        inbox = Inbox(store: store, outbox: outbox, composer: composer, clock: { Team.now }, ids: .sequential())
    }

    /// Every message in the outbox, as a worker would be handed it (any route).
    func claimAll(route: String? = nil) async throws -> [Outbox.Claim] {
        try await outbox.claim(owner: "test", now: Team.now.timeIntervalSince1970 + 1, limit: 100, ids: nil, route: route)
    }
}
