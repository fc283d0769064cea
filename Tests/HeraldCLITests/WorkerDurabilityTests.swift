import Foundation
import Herald
import HeraldPostgres
import HeraldTestSupport
import Testing

/// `herald worker` as a real process against a real SMTP server: killed with SIGKILL mid-batch
/// it loses no message; stopped with SIGTERM it gives its leases back.
@Suite(.serialized) struct WorkerDurabilityTests {
    /// Where the killed worker's outbox is: a SQLite file, or a database on the test process's
    /// PostgreSQL server.
    enum Place: String, CaseIterable, Sendable {
        case sqlite, postgres

        /// The outbox (empty) as `--outbox` names it, and a store on it.
        func outbox(in directory: URL) async throws -> (location: String, store: any OutboxStore) {
            switch self {
            case .sqlite:
                let path = directory.appendingPathComponent("outbox.sqlite").path
                return (path, try SQLiteOutboxStore(path: path))
            case .postgres:
                let url = try PostgresServer.shared().makeDatabase()
                return (url, try await PostgresOutboxStore.open(try PostgresLocation(url, name: "the test database"), callTimeout: .seconds(600)))
            }
        }
    }

    /// Fills an outbox with `count` distinct messages (one transaction) and returns their Message-IDs.
    func fill(_ path: String, count: Int) throws -> [String] {
        let (ids, outbounds) = try messages(count: count)
        _ = try SQLiteOutboxStore(path: path).enqueueNow(outbounds, now: Date().timeIntervalSince1970)
        return ids
    }

    /// `count` distinct messages and their Message-IDs.
    func messages(count: Int) throws -> (ids: [String], outbounds: [Outbound]) {
        var ids: [String] = []
        var outbounds: [Outbound] = []
        for index in 1...count {
                let message = EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: "support@example.com"),
                                                                   to: try AddressParser.parseList("ana@example.com"),
                                                                   subject: try HeaderText("Message \(index)", field: "subject")),
                                           text: "Message number \(index).\n")
                let seed = String(index, radix: 16)
                let identity = MessageIdentity(date: .deterministic, messageID: try MessageID(validating: "<durability-\(index)@example.com>"),
                                               boundarySeed: String(repeating: "0", count: 16 - seed.count) + seed)
                let envelope = message.envelope
                outbounds.append(Outbound(channel: .email, sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec),
                                          payload: .bytes(try MIMEWriter().bytes(of: message, identity: identity))))
                ids.append(identity.messageID.description)
        }
        return (ids, outbounds)
    }

    func startWorker(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = HeraldProcess.executable
        process.arguments = ["worker"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test(arguments: Place.allCases) func killingTheWorkerMidBatchLosesNoMessage(_ place: Place) async throws {
        let server = try TestServer(["--slow", "0.15"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (database, store) = try await place.outbox(in: directory)
        let (expected, outbounds) = try messages(count: 20)
        _ = try await store.enqueue(outbounds, now: Date().timeIntervalSince1970)
        let common = ["--outbox", database, "--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none", "--lease-seconds", "1", "--batch", "20"]

        let first = try startWorker(common)
        #expect(waitUntil(seconds: 20) { server.receivedMessageIDs().count >= 4 })
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        let beforeRestart = Set(server.receivedMessageIDs())
        #expect(beforeRestart.count < expected.count, "the worker finished before it was killed; the test proves nothing")

        // The killed worker's leases expire after a second; a new worker finishes the job.
        try await Task.sleep(nanoseconds: 1_200_000_000)
        let second = try startWorker(common + ["--until-idle", "--poll-interval", "0.1"])
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        #expect(Set(server.receivedMessageIDs()) == Set(expected), "missing: \(Set(expected).subtracting(server.receivedMessageIDs()))")
        #expect(try await store.entries().allSatisfy { $0.state == .sent })
    }

    @Test func sigtermFinishesTheMessageInHandAndReleasesTheRest() async throws {
        let server = try TestServer(["--slow", "0.15"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("outbox.sqlite").path
        _ = try fill(database, count: 10)
        let worker = try startWorker(["--outbox", database, "--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none", "--batch", "10"])
        #expect(waitUntil(seconds: 20) { server.receivedMessageIDs().count >= 2 })
        kill(worker.processIdentifier, SIGTERM)
        worker.waitUntilExit()
        #expect(worker.terminationStatus == 0)
        let entries = try await SQLiteOutboxStore(path: database).entries()
        #expect(!entries.contains { $0.state == .sending }, "\(entries.map(\.state))")
        #expect(entries.filter { $0.state == .sent }.count == server.receivedMessageIDs().count)
        #expect(entries.contains { $0.state == .queued })
    }

    /// Messages the server stored so far (a directory count: cheap enough to poll at 1,000).
    func storedCount(_ server: TestServer) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: server.spool.path)) ?? []).filter { $0.hasSuffix(".eml") }.count
    }

    /// 1,000 messages, a worker killed with SIGKILL twice mid-run, a third one finishing: every
    /// message arrives, and at most the one in flight at each kill arrives twice. With
    /// `deferEvery` 3 the server answers 451 to the first attempt of every third message (the
    /// retry base is 0, so the worker retries at once).
    @Test(arguments: [0, 3])
    func killedTwiceOverAThousandMessagesEveryMessageArrivesOnce(deferEvery: Int) async throws {
        let server = try TestServer(script: "smtp-fault-server.py",
                                    ["--delay", "DOT=0.002"] + (deferEvery > 0 ? ["--defer-first-attempt-every", String(deferEvery)] : []))
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("outbox.sqlite").path
        let expected = try fill(database, count: 1000)
        let common = ["--outbox", database, "--via", server.url, "--starttls", "none", "--lease-seconds", "1", "--batch", "20",
                      "--retry-base", "0", "--poll-interval", "0.05"]
        for threshold in [300, 650] {
            let worker = try startWorker(common)
            #expect(waitUntil(seconds: 60) { storedCount(server) >= threshold })
            kill(worker.processIdentifier, SIGKILL)
            worker.waitUntilExit()
            #expect(worker.terminationReason == .uncaughtSignal)
        }
        #expect(storedCount(server) < expected.count, "the workers finished before the second kill; the test proves less")
        // The last worker picks up what the killed ones had leased once the leases expire.
        let last = try startWorker(common)
        #expect(waitUntil(seconds: 90) { storedCount(server) >= expected.count && Set(server.receivedMessageIDs()).count == expected.count })
        kill(last.processIdentifier, SIGTERM)
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)
        let received = server.receivedMessageIDs()
        print("durability (\(deferEvery == 0 ? "every message accepted" : "451 to the first attempt of every \(deferEvery)rd message")): \(expected.count) stored, \(received.count) deliveries, "
              + "\(Set(received).count) distinct, \(received.count - Set(received).count) twice")
        #expect(Set(received) == Set(expected), "missing: \(Set(expected).subtracting(received).sorted().prefix(10))")
        #expect(received.count - Set(received).count <= 2, "\(received.count - Set(received).count) messages arrived twice; at most the one in flight at each of the two kills may")
        let entries = try await SQLiteOutboxStore(path: database).entries()
        #expect(entries.filter { $0.state == .sent }.count == expected.count)
        if deferEvery > 0 {
            let deferred = (try? String(contentsOf: server.spool.appendingPathComponent("deferred.log"), encoding: .utf8))?.split(separator: "\n").count ?? 0
            #expect(deferred >= 300, "the server deferred only \(deferred) first attempts")
            #expect(entries.filter { $0.attempts >= 2 }.count >= 300)
        }
    }
}
