import Foundation
import GRDB
@testable import HeraldDelivery
import HeraldMIME
import Testing

/// What only the SQLite store does: a file that survives reopening, and refusing what is not an
/// outbox. The rules every store keeps are in `OutboxStoreConformanceTests`.
@Suite struct SQLiteOutboxStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-outbox-\(UUID().uuidString).sqlite").path

    func envelope(_ recipients: String = "a@example.com, b@example.com") throws -> Envelope {
        Envelope(mailFrom: try EmailAddress(validating: "me@example.com"), recipients: try AddressParser.parseMailboxes(recipients))
    }

    @Test func theOutboxSurvivesReopening() async throws {
        let id = try await SQLiteOutboxStore(path: path).enqueueEmail([9], envelope: try envelope(), smtputf8: true, now: 0)
        let reopened = try SQLiteOutboxStore(path: path)
        let claim = try #require(try await reopened.claiming(owner: "w", now: 0).first)
        #expect(claim.id == id && claim.outbound.smtputf8)
    }

    /// The writer's own checkpoint waits for 32 MB of WAL; the checkpointer copies the WAL into
    /// the database file every 4 MB, on its own connection, while the writer goes on.
    @Test func theWALIsCheckpointedIntoTheDatabaseWhileWritesGoOn() async throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteOutboxStore(path: path)
        let body = [UInt8](repeating: 0x41, count: 64 * 1024)
        for index in 0..<100 {
            _ = try await store.enqueue(Outbound(channel: .email, sender: "me@example.com", recipients: ["a\(index)@example.com"], payload: .bytes(body)), now: 0)
        }
        func databaseSize() -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
        let deadline = Date().addingTimeInterval(20)
        while databaseSize() < 4 * 1024 * 1024 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        #expect(databaseSize() >= 4 * 1024 * 1024, "6.4 MB written, but the database file has \(databaseSize()) bytes: no checkpoint ran")
        let reopened = try SQLiteOutboxStore(path: path)
        let claims = try await reopened.claim(owner: "w", now: 0, limit: 200, ids: nil, route: nil)
        #expect(claims.count == 100 && claims.allSatisfy { $0.outbound.bytes == body })
    }

    @Test func theBackoffPolicyIsConfigurable() {
        var policy = Outbox.Policy()
        policy.baseDelay = 5
        policy.factor = 3
        policy.maximumDelay = 100
        policy.jitter = 0
        #expect([1, 2, 3, 4].map { policy.delay(afterAttempt: $0, random: 0.9) } == [5, 15, 45, 100])
    }

    @Test func whatIsNotAnOutboxIsRefusedInOneLineAndLeftAsItIs() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-notoutbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Missing, and not to be created.
        let missing = directory.appendingPathComponent("typo/outbox.sqlite").path
        #expect {
            try SQLiteOutboxStore(path: missing, create: false)
        } throws: { error in
            (error as? OutboxError)?.description == "there is no outbox at \(missing) (sending creates one; check the outbox path)"
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("typo").path))
        // A text file.
        let text = directory.appendingPathComponent("notes.sqlite")
        try Data("not a database, just notes\n".utf8).write(to: text)
        #expect {
            try SQLiteOutboxStore(path: text.path)
        } throws: { error in
            let description = String(describing: error)
            return description.contains("the file is not a SQLite database") && !description.contains("\n")
        }
        #expect(try String(contentsOf: text, encoding: .utf8) == "not a database, just notes\n")
        // Somebody else's database: not migrated into.
        let other = directory.appendingPathComponent("crm.sqlite").path
        let queue = try DatabaseQueue(path: other)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE customer (id INTEGER, name TEXT); CREATE TABLE ticket (id INTEGER)") }
        #expect {
            try SQLiteOutboxStore(path: other)
        } throws: { error in
            String(describing: error) == "\(other) is a SQLite database but not a Herald outbox (its tables: customer, ticket); give another outbox path"
        }
        #expect(try await queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") } == ["customer", "ticket"])
    }

    @Test func anOutboxThatWouldVanishOrCannotBeWrittenIsRefused() async throws {
        for path in ["", ":memory:", "file:x?mode=memory"] {
            #expect {
                try SQLiteOutboxStore(path: path)
            } throws: { error in (error as? OutboxError)?.kind == .storage && String(describing: error).contains("is not an outbox path") }
        }
        let readOnly = path
        _ = try SQLiteOutboxStore(path: readOnly)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: readOnly)
        defer { try? FileManager.default.removeItem(atPath: readOnly) }
        #expect {
            try SQLiteOutboxStore(path: readOnly)
        } throws: { error in String(describing: error).contains("is read-only") }
    }
}
