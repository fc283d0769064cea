import Foundation
@testable import HeraldDelivery
import HeraldMIME
import HeraldPostgres
import HeraldTestSupport
import Testing

/// What only the PostgreSQL outbox has: URLs, credentials, a schema many processes migrate at
/// once, and a server that restarts under it. (Its rules are `OutboxStoreConformanceTests`'.)
@Suite struct PostgresOutboxStoreTests {
    @Test func urlsAreCheckedAndNeverShowThePassword() throws {
        let location = try PostgresLocation("postgres://herald:s3cret@db.example.com:6543/mail?sslmode=require", name: "--outbox", environment: [:])
        #expect(location.host == "db.example.com" && location.port == 6543 && location.database == "mail" && location.tls == .require)
        #expect(location.password == "s3cret")
        #expect(location.description == "postgres://herald@db.example.com:6543/mail")
        #expect(throws: HeraldError(.usage, "--outbox 'postgres://herald@db.example.com/' names no database (the path after the host); expected like postgres://herald@db.example.com:5432/herald")) {
            try PostgresLocation("postgres://herald:s3cret@db.example.com/", name: "--outbox", environment: [:])
        }
        #expect(throws: HeraldError(.usage, "--outbox 'postgres://db.example.com/mail' names no user; expected like postgres://herald@db.example.com:5432/herald")) {
            try PostgresLocation("postgres://db.example.com/mail", name: "--outbox", environment: [:])
        }
        #expect(throws: HeraldError(.usage, "--outbox 'postgres://herald@db/mail?sslmode=verify-full': sslmode 'verify-full' is not disable, prefer or require")) {
            try PostgresLocation("postgres://herald@db/mail?sslmode=verify-full", name: "--outbox", environment: [:])
        }
        // No password in the URL: the environment's, never the command line's.
        #expect(try PostgresLocation("postgres://herald@db/mail", name: "--outbox", environment: ["PGPASSWORD": "from-env"]).password == "from-env")
    }

    /// A wrong password is an error at once, naming the outbox and the server's reason — not a
    /// minute of pool retries — and the error never holds the password.
    @Test func aWrongPasswordFailsFastAndClearly() async throws {
        let server = try PostgresServer.shared()
        let url = try server.makeDatabase().replacingOccurrences(of: server.password, with: "wrong-password")
        // Told by the server on the first connection, not by the pool after a minute of retries
        // ("circuit breaker tripped"); the CLI test times it (this process's threads are shared).
        await #expect {
            try await PostgresOutboxStore.open(try PostgresLocation(url, name: "--outbox"))
        } throws: { error in
            let message = String(describing: error)
            return message.hasPrefix("cannot open the outbox postgres://herald@127.0.0.1:\(server.port)/")
                && message.contains("password authentication failed for user \"herald\"") && !message.contains("wrong-password")
        }
        // Nobody listening: also at once, also clear.
        let closed = "postgres://herald:x@127.0.0.1:\(try DovecotServer.freePort())/herald?sslmode=disable"
        await #expect {
            try await PostgresOutboxStore.open(try PostgresLocation(closed, name: "--outbox"))
        } throws: { error in
            String(describing: error).hasPrefix("cannot open the outbox postgres://herald@127.0.0.1:")
        }
    }

    /// Eight processes opening a new outbox at the same moment migrate it once.
    @Test func processesStartingTogetherMigrateOnce() async throws {
        let url = try PostgresServer.shared().makeDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresOutboxStore.self) { group in
            for _ in 0..<8 { group.addTask { try await PostgresOutboxStore.open(try PostgresLocation(url, name: "--outbox"), connections: 1, callTimeout: .seconds(600)) } }
            var opened: [PostgresOutboxStore] = []
            for try await store in group { opened.append(store) }
            return opened
        }
        #expect(stores.count == 8)
        let id = try await stores[0].enqueue(Outbound(channel: .email, sender: "me@example.com", recipients: ["a@example.com"], payload: .bytes([1])), now: 0)
        #expect(try await stores[7].entry(id)?.state == .queued)
    }

    /// The server restarted under a store (connections cut): what was stored stays, and the
    /// store works again once the server is back — a worker loses nothing.
    @Test func aServerRestartLosesNothing() async throws {
        // Its own server: a restart of the shared one would cut the other tests' connections.
        let server = try PostgresServer.makePrivate()
        defer { server.stop() }
        let store = try await PostgresOutboxStore.open(try PostgresLocation(try server.makeDatabase(), name: "--outbox"), callTimeout: .seconds(60))
        let outbound = Outbound(channel: .email, sender: "me@example.com", recipients: ["a@example.com"], payload: .bytes(Array("before".utf8)))
        let before = try await store.enqueue(outbound, now: 0)
        try await server.restartInBackground()
        // The pool's old connections are dead; the first call may say so, then it reconnects.
        var after: Int64?
        for _ in 0..<5 where after == nil {
            after = try? await store.enqueue(Outbound(channel: .email, sender: "me@example.com", recipients: ["b@example.com"], payload: .bytes([2])), now: 1)
        }
        let stored = try #require(after)
        #expect(try await store.entries().map(\.id) == [before, stored])
        #expect(try await store.claiming(owner: "w", now: 2).first?.bytes == Array("before".utf8))
    }

    /// A worker delivering while the server restarts under it: it waits for the server and goes
    /// on; every message ends sent, and only a message in flight at the restart may go twice.
    @Test func aWorkerRidesOutAServerRestart() async throws {
        let server = try PostgresServer.makePrivate()
        defer { server.stop() }
        var policy = Outbox.Policy()
        policy.leaseSeconds = 2
        // A call cut by the restart can wait for an answer that never comes: abandoned after a
        // minute (a generous one: the suite's processes keep Swift concurrency's threads busy).
        let store = try await PostgresOutboxStore.open(try PostgresLocation(try server.makeDatabase(), name: "--outbox"), policy: policy, callTimeout: .seconds(60))
        let stored = try await store.enqueue((0..<20).map {
            Outbound(channel: .email, sender: "me@example.com", recipients: ["a@example.com"], payload: .bytes(Array("message \($0)".utf8)))
        }, now: Date().timeIntervalSince1970)
        let transport = RestartingTransport(server: server, restartAt: 5)
        let problems = Lines()
        let worker = OutboxWorker(store: store, transports: [.email: transport])
        let running = Task { try await worker.run(batch: 3, pollInterval: 0.05, problem: { problems.append($0) }) }
        // Generous: under the full suite the worker waits long for a thread (270 s seen in CI).
        let deadline = Date().addingTimeInterval(900)
        while Date() < deadline {
            if let entries = try? await store.entries(), entries.allSatisfy({ $0.state == .sent }), entries.count == 20 { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        worker.stop()
        try await running.value
        let entries = try await store.entries()
        #expect(entries.map(\.id) == stored.ids)
        #expect(entries.allSatisfy { $0.state == .sent })
        let counts = transport.counts()
        #expect(counts.count == 20)
        #expect(counts.values.allSatisfy { $0 >= 1 && $0 <= 2 })
        #expect(counts.values.reduce(0, +) <= 20 + 3)
        #expect(transport.restarted())
        for line in problems.all() { #expect(line.contains("postgres://herald@127.0.0.1:\(server.port)/") && line.hasSuffix(" s") && !line.contains(server.password)) }
    }

    /// An idle worker whose poll interval is an hour still delivers at once what another
    /// process enqueues: the enqueue's NOTIFY wakes it (within the test's limit, nothing else can).
    @Test(.timeLimit(.minutes(10))) func anIdleWorkerWakesWhenAnotherProcessEnqueues() async throws {
        let url = try PostgresServer.shared().makeDatabase()
        let open: @Sendable () async throws -> PostgresOutboxStore = {
            try await PostgresOutboxStore.open(try PostgresLocation(url, name: "the test database"), callTimeout: .seconds(600))
        }
        let workerStore = try await open()
        let other = try await open()
        let transport = CountingTransport()
        let worker = OutboxWorker(store: workerStore, transports: [.email: transport])
        let running = Task { try await worker.run(batch: 10, pollInterval: 3600) }
        defer { worker.stop(); running.cancel() }
        for round in 1...3 {
            _ = try await other.enqueue(Outbound(channel: .email, sender: "me@example.com", recipients: ["r\(round)@example.com"],
                                                 payload: .bytes(Array("message \(round)".utf8))), now: Date().timeIntervalSince1970)
            while transport.count < round { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(try await other.entries().map(\.state) == [.sent, .sent, .sent])
    }
}

/// Accepts every message and counts it; restarts the PostgreSQL server at the n-th delivery.
private final class RestartingTransport: Transport, @unchecked Sendable {
    let server: PostgresServer
    let restartAt: Int
    private let lock = NSLock()
    private var delivered: [String: Int] = [:]
    private var total = 0
    private var didRestart = false

    init(server: PostgresServer, restartAt: Int) {
        self.server = server
        self.restartAt = restartAt
    }

    func deliver(_ outbound: Outbound) async -> DeliveryReport {
        let restartNow = lock.withLock {
            delivered[String(decoding: outbound.bytes, as: UTF8.self), default: 0] += 1
            total += 1
            return total == restartAt
        }
        if restartNow {
            try? await server.restartInBackground()
            lock.withLock { didRestart = true }
        }
        return DeliveryReport(recipients: outbound.recipients.map { RecipientResult(address: $0, status: .accepted, code: 250, reply: "ok") },
                              failure: nil, transcript: [])
    }

    func counts() -> [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return delivered
    }

    func restarted() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return didRestart
    }
}

private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }
    func all() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}


/// Accepts every recipient and counts the attempts.
private final class CountingTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var attempts = 0
    var count: Int { lock.withLock { attempts } }

    func deliver(_ outbound: Outbound) async -> DeliveryReport {
        lock.withLock { attempts += 1 }
        return DeliveryReport(recipients: outbound.recipients.map { RecipientResult(address: $0, status: .accepted, code: 250, reply: "ok") },
                              failure: nil, transcript: [])
    }
}