import Foundation
import Herald
@testable import HeraldInbox
import HeraldPostgres
import HeraldTestSupport
import Testing

/// One inbox, two handles — what two server processes have (their own connections to one
/// PostgreSQL database, or their own handles on one SQLite file): the store decides their races,
/// and the audit trail either reads is numbered in commit order.
@Suite struct InboxStoreSharingTests {
    let rules = InteractionRules(directory: Team.directory)

    @Test(arguments: InboxStoreKind.allCases) func ofTwoTakesThroughTwoHandlesExactlyOneIsStored(_ kind: InboxStoreKind) async throws {
        let (store, again) = try await kind.makeShared()
        try await store.saveTeam()
        let other = try await again()
        for round in 1...20 {
            let start = InteractionCommand.Start(id: "int-\(round)", campaign: "billing", channel: .phone, customer: "cus-1", to: ["+34612345678"])
            var transition = try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now)
            if try await store.customer("cus-1") == nil { transition.newCustomer = Customer(id: "cus-1", phoneNumbers: ["+34612345678"]) }
            let started = try await store.apply(transition)
            let pending = try await store.apply(try rules.apply(.transfer(to: .campaign("sales"), note: nil), to: started, by: Team.ana, at: Team.now))
            let byBruno = try rules.apply(.take, to: pending, by: Team.bruno, at: Team.now)
            let byEva = try rules.apply(.take, to: pending, by: Team.eva, at: Team.now)
            async let first = outcome { try await store.apply(byBruno) }
            async let second = outcome { try await other.apply(byEva) }
            let results = await [first, second]
            let winners = results.compactMap { try? $0.get() }
            try #require(winners.count == 1, "round \(round): \(winners.count) takes stored")
            for case .failure(let error) in results { #expect((error as? InboxError)?.isStale == true, "round \(round): \(error)") }
            // Both handles read the winner.
            #expect(try await store.interaction("int-\(round)")?.assignee == winners.first?.assignee)
            #expect(try await other.interaction("int-\(round)")?.assignee == winners.first?.assignee)
        }
    }

    /// Writers on both handles, and a reader that follows the trail the way the event stream
    /// does ("the events after the last one I saw"): it must see every event exactly once. A
    /// store that numbered events before commit could show N+2 before N+1 committed, and the
    /// reader would step over N+1 for good.
    @Test(arguments: InboxStoreKind.allCases) func aReaderFollowingTheTrailMissesNoEventWhileTwoHandlesWrite(_ kind: InboxStoreKind) async throws {
        let (store, again) = try await kind.makeShared()
        try await store.saveTeam()
        try await store.save(Customer(id: "cus-1", phoneNumbers: ["+34612345678"]))
        let other = try await again()
        let rules = self.rules
        let writers = 2, perWriter = 25
        let done = Flag()
        let reader = Task { () -> [Int64] in
            var seen: [Int64] = []
            var last: Int64 = 0
            while true {
                let finished = done.isSet
                let events = try await store.events(after: last, limit: 1000)
                seen += events.compactMap(\.sequence)
                last = seen.last ?? last
                if finished && events.isEmpty { return seen }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                let handle = writer == 0 ? store : other
                group.addTask {
                    for index in 0..<perWriter {
                        let start = InteractionCommand.Start(id: "int-\(writer)-\(index)", campaign: "billing", channel: .phone, customer: "cus-1",
                                                             to: ["+34612345678"])
                        let started = try await handle.apply(try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now))
                        _ = try await handle.apply(try rules.apply(.finish, to: started, by: Team.ana, at: Team.now))
                    }
                }
            }
            try await group.waitForAll()
        }
        done.set()
        let seen = try await reader.value
        let all = try await store.events(after: 0, limit: 10_000).compactMap(\.sequence)
        // A start writes one event, a finish one.
        #expect(all.count == writers * perWriter * 2)
        #expect(all == all.sorted() && Set(all).count == all.count)
        #expect(seen == all, "the reader saw \(seen.count) of \(all.count) events")
    }
}

/// A flag one task sets and another reads.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// PostgreSQL's store hears other processes' commits: a waiting event stream wakes when another
/// handle stores a transition — with the fallback poll set to an hour, only the notification
/// can wake it within the test's time limit (generous: in the whole suite, processes the other
/// tests wait on can hold Swift concurrency's threads for minutes).
@Suite struct PostgresEventBellTests {
    @Test(.timeLimit(.minutes(10))) func aWaitEndsWhenAnotherHandleCommitsEvents() async throws {
        let url = try PostgresServer.shared().makeDatabase()
        let open: @Sendable () async throws -> PostgresInboxStore = {
            try await PostgresInboxStore.open(try PostgresLocation(url, name: "the test database"), callTimeout: .seconds(600), eventPoll: .seconds(3600))
        }
        let listener = try await open()
        let writer = try await open()
        try await writer.saveTeam()
        // The first wait returns once the bell listens (it rings on connecting).
        let listening = await listener.waitForEvents(since: 0, polling: .zero)
        #expect(listening >= 1)
        let rules = InteractionRules(directory: Team.directory)
        let woken = Task { await listener.waitForEvents(since: listening, polling: .zero) }
        let start = InteractionCommand.Start(id: "int-1", campaign: "billing", channel: .phone, customer: "cus-1", to: ["+34612345678"])
        var transition = try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now)
        transition.newCustomer = Customer(id: "cus-1", phoneNumbers: ["+34612345678"])
        _ = try await writer.apply(transition)
        #expect(await woken.value > listening)
        #expect(try await listener.events(after: 0, limit: 10).map(\.kind) == [.created])
    }
}
