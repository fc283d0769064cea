import Foundation
import GRDB
@testable import HeraldDelivery
import HeraldMIME
import Testing

/// A real SQLite file per test.
@Suite struct OutboxTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-outbox-\(UUID().uuidString).sqlite").path

    func envelope(_ recipients: String = "a@example.com, b@example.com") throws -> Envelope {
        Envelope(mailFrom: try EmailAddress(validating: "me@example.com"), recipients: try AddressParser.parseMailboxes(recipients))
    }

    func result(_ address: String, _ status: RecipientResult.Status, _ code: Int) -> RecipientResult {
        RecipientResult(address: address, status: status, code: code, reply: "reply \(code)")
    }

    @Test func enqueueStoresBeforeAnyAttemptAndClaimLeases() throws {
        let outbox = try Outbox(path: path)
        let id = try outbox.enqueue(Array("msg".utf8), envelope: try envelope(), smtputf8: false, now: 100)
        #expect(try outbox.entry(id)?.state == .queued)
        let claims = try outbox.claim(owner: "w1", now: 100)
        #expect(claims.map(\.id) == [id])
        #expect(claims.first?.bytes == Array("msg".utf8))
        #expect(try outbox.entry(id)?.state == .sending)
        // Leased: another worker gets nothing until the lease expires.
        #expect(try outbox.claim(owner: "w2", now: 101).isEmpty)
        #expect(try outbox.claim(owner: "w2", now: 100 + outbox.policy.leaseSeconds + 1).map(\.id) == [id])
    }

    @Test func idempotencyKeys() throws {
        let outbox = try Outbox(path: path)
        let first = try outbox.enqueue(Array("same".utf8), envelope: try envelope(), smtputf8: false, idempotencyKey: "k1", now: 1)
        let again = try outbox.enqueue(Array("same".utf8), envelope: try envelope(), smtputf8: false, idempotencyKey: "k1", now: 2)
        #expect(first == again)
        #expect(try outbox.entries().count == 1)
        #expect {
            try outbox.enqueue(Array("different".utf8), envelope: try envelope(), smtputf8: false, idempotencyKey: "k1", now: 3)
        } throws: { error in
            String(describing: error).contains("the idempotency key \"k1\" was already used for a different message")
        }
    }

    @Test func partialFailureRetriesOnlyTheDeferredRecipients() throws {
        let outbox = try Outbox(path: path)
        let id = try outbox.enqueue([1], envelope: try envelope("a@example.com, b@example.com, c@example.com"), smtputf8: false, now: 0)
        _ = try outbox.claim(owner: "w", now: 0)
        let report = DeliveryReport(recipients: [result("a@example.com", .accepted, 250), result("b@example.com", .deferred, 451),
                                                 result("c@example.com", .rejected, 550)], failure: nil, transcript: [])
        try outbox.record(report, for: id, now: 10, random: 0.5)
        let entry = try #require(try outbox.entry(id))
        #expect(entry.state == .queued)
        #expect(entry.attempts == 1)
        #expect(entry.nextAttemptAt == 10 + outbox.policy.baseDelay)
        #expect(entry.recipients.map(\.status) == [.accepted, .deferred, .rejected])
        // Not due before the retry time; then only b is retried.
        #expect(try outbox.claim(owner: "w", now: 20).isEmpty)
        let retry = try #require(try outbox.claim(owner: "w", now: 41).first)
        #expect(retry.recipients == ["b@example.com"])
        try outbox.record(DeliveryReport(recipients: [result("b@example.com", .accepted, 250)], failure: nil, transcript: []), for: id, now: 42)
        #expect(try outbox.entry(id)?.state == .sent)
    }

    @Test func backoffGrowsExponentiallyWithJitterAndEnds() throws {
        var policy = Outbox.Policy()
        policy.maximumAttempts = 3
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == 30)
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == 120)
        #expect(policy.delay(afterAttempt: 3, random: 0) == 96)
        #expect(policy.delay(afterAttempt: 3, random: 1) == 144)
        #expect(policy.delay(afterAttempt: 20, random: 0.5) == 3600)
        let outbox = try Outbox(path: path, policy: policy)
        let id = try outbox.enqueue([1], envelope: try envelope(), smtputf8: false, now: 0)
        var now = 0.0
        for _ in 0..<3 {
            now += 10_000
            _ = try outbox.claim(owner: "w", now: now)
            try outbox.record(DeliveryReport(recipients: [], failure: .temporary(code: 421, reason: "busy"), transcript: []), for: id, now: now)
        }
        #expect(try outbox.entry(id)?.state == .failed)
        #expect(try outbox.entry(id)?.lastError == "busy")
    }

    @Test func ambiguousFailuresAreHeldUntilAPersonRetries() throws {
        let outbox = try Outbox(path: path)
        let id = try outbox.enqueue([1], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try outbox.claim(owner: "w", now: 0)
        let report = DeliveryReport(recipients: [result("a@example.com", .deferred, 250), result("b@example.com", .deferred, 250)],
                                    failure: .ambiguous(reason: "lost after DATA"), transcript: [])
        try outbox.record(report, for: id, now: 1)
        #expect(try outbox.entry(id)?.state == .held)
        #expect(try outbox.claim(owner: "w", now: 1_000_000).isEmpty)
        try outbox.retry(id, now: 5)
        let again = try #require(try outbox.claim(owner: "w", now: 5).first)
        #expect(again.bytes == [1])
        #expect(again.recipients.count == 2 && again.envelope?.recipients.count == 2)
        #expect {
            try outbox.retry(id, now: 6)
        } throws: { error in String(describing: error) == "message \(id) is being delivered now; see herald outbox show \(id) for its outcome" }
    }

    @Test func permanentFailuresAndPurge() throws {
        let outbox = try Outbox(path: path)
        let failed = try outbox.enqueue([1], envelope: try envelope(), smtputf8: false, now: 0)
        let sent = try outbox.enqueue([2], envelope: try envelope(), smtputf8: false, now: 0)
        let waiting = try outbox.enqueue([3], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try outbox.claim(owner: "w", now: 0, limit: 2)
        try outbox.record(DeliveryReport(recipients: [], failure: .permanent(code: 550, reason: "no such domain"), transcript: []), for: failed, now: 1)
        try outbox.record(DeliveryReport(recipients: [result("a@example.com", .accepted, 250), result("b@example.com", .accepted, 250)],
                                         failure: nil, transcript: []), for: sent, now: 1)
        #expect(try outbox.entry(failed)?.state == .failed)
        #expect(try outbox.purge() == 2)
        #expect(try outbox.entries().map(\.id) == [waiting])
    }

    @Test func theOutboxSurvivesReopening() throws {
        let id = try Outbox(path: path).enqueue([9], envelope: try envelope(), smtputf8: true, now: 0)
        let reopened = try Outbox(path: path)
        let claim = try #require(try reopened.claim(owner: "w", now: 0).first)
        #expect(claim.id == id && claim.smtputf8)
    }

    @Test func resultsAreRecordedByPositionWhateverTheSpelling() throws {
        let outbox = try Outbox(path: path)
        // A quoted local part holding '>' is a valid address; a reply may spell it otherwise.
        let id = try outbox.enqueue([1], envelope: try envelope(#""a>b"@example.com, c@example.com"#), smtputf8: false, now: 0)
        let claim = try #require(try outbox.claim(owner: "w", now: 0).first)
        #expect(claim.recipients == [#""a>b"@example.com"#, "c@example.com"])
        try outbox.record(DeliveryReport(recipients: [result("a", .accepted, 250), result("C@EXAMPLE.COM", .deferred, 451)], failure: nil, transcript: []),
                          for: id, now: 1, random: 0.5)
        let entry = try #require(try outbox.entry(id))
        #expect(entry.recipients.map(\.status) == [.accepted, .deferred])
        // The next attempt goes to the deferred recipient only: the accepted one never gets it twice.
        let retry = try #require(try outbox.claim(owner: "w", now: 1000).first)
        #expect(retry.recipients == ["c@example.com"])
        try outbox.record(DeliveryReport(recipients: [result("c@example.com", .accepted, 250)], failure: nil, transcript: []), for: id, now: 1001)
        #expect(try outbox.entry(id)?.state == .sent)
        #expect(try outbox.entry(id)?.recipients.map(\.status) == [.accepted, .accepted])
    }

    @Test func aBatchIsStoredWholeOrNotAtAll() throws {
        struct LineFive: Error {}
        let outbox = try Outbox(path: path)
        #expect(throws: LineFive.self) {
            try outbox.inOneTransaction(now: 0) { batch in
                for line in 1...5 {
                    if line == 5 { throw LineFive() }
                    _ = try batch.enqueue([UInt8(line)], envelope: try envelope("l\(line)@example.com"), smtputf8: false, idempotencyKey: "bulk#\(line)")
                }
            }
        }
        #expect(try outbox.entries().isEmpty)
        // Sending again after fixing line 5 stores each line once, keys included.
        let ids = try outbox.inOneTransaction(now: 0) { batch in
            try (1...5).map { line in
                try batch.enqueue([UInt8(line)], envelope: try envelope("l\(line)@example.com"), smtputf8: false, idempotencyKey: "bulk#\(line)")
            }
        }
        #expect(try outbox.entries().map(\.id) == ids)
        #expect(try outbox.entries().map(\.idempotencyKey) == (1...5).map { "bulk#\($0)" })
    }

    @Test func aMessageWithoutRecipientsIsNotStored() throws {
        let outbox = try Outbox(path: path)
        #expect {
            try outbox.enqueue([1], channel: "sms", sender: "sms", recipients: [], now: 0)
        } throws: { error in (error as? OutboxError)?.kind == .invalid }
        #expect(try outbox.entries().isEmpty)
    }

    @Test func retryNowMakesAWaitingMessageDueAndAFailedOneGetsNewAttempts() throws {
        var policy = Outbox.Policy()
        policy.maximumAttempts = 1
        let outbox = try Outbox(path: path, policy: policy)
        let waiting = try outbox.enqueue([1], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try outbox.claim(owner: "w", now: 0)
        try outbox.record(DeliveryReport(recipients: [result("a@example.com", .accepted, 250), result("b@example.com", .deferred, 451)],
                                         failure: nil, transcript: []), for: waiting, now: 1, random: 0.5)
        // One attempt allowed: the deferred recipient made the message fail.
        #expect(try outbox.entry(waiting)?.state == .failed)
        try outbox.retry(waiting, now: 2)
        #expect(try outbox.entry(waiting)?.attempts == 0)
        #expect(try outbox.claim(owner: "w", now: 2).first?.recipients == ["b@example.com"])
        try outbox.record(DeliveryReport(recipients: [], failure: .temporary(code: 421, reason: "busy"), transcript: []), for: waiting, now: 3, random: 0.5)

        var patient = Outbox.Policy()
        patient.baseDelay = 600
        let second = try Outbox(path: path, policy: patient)
        let queued = try second.enqueue([2], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try second.claim(owner: "w", now: 0, ids: queued...queued)
        try second.record(DeliveryReport(recipients: [], failure: .temporary(code: 451, reason: "greylisted"), transcript: []), for: queued, now: 10, random: 0.5)
        #expect(try second.backlog(now: 11) == Outbox.Backlog(due: 0, waiting: 1, nextAttemptAt: 610, held: 0, sending: 0))
        #expect(try second.claim(owner: "w", now: 11, ids: queued...queued).isEmpty)
        try second.retry(queued, now: 12)
        #expect(try second.claim(owner: "w", now: 12, ids: queued...queued).map(\.id) == [queued])
        #expect {
            try second.retry(queued, now: 13)
        } throws: { error in (error as? OutboxError)?.kind == .conflict }
        #expect {
            try second.retry(999, now: 13)
        } throws: { error in (error as? OutboxError)?.kind == .notFound }
    }

    @Test func theBackoffPolicyIsConfigurable() {
        var policy = Outbox.Policy()
        policy.baseDelay = 5
        policy.factor = 3
        policy.maximumDelay = 100
        policy.jitter = 0
        #expect([1, 2, 3, 4].map { policy.delay(afterAttempt: $0, random: 0.9) } == [5, 15, 45, 100])
    }

    @Test func whatIsNotAnOutboxIsRefusedInOneLineAndLeftAsItIs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-notoutbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Missing, and not to be created.
        let missing = directory.appendingPathComponent("typo/outbox.sqlite").path
        #expect {
            try Outbox(path: missing, create: false)
        } throws: { error in
            (error as? OutboxError)?.description == "there is no outbox at \(missing) (herald send and herald worker create one; check --outbox or HERALD_OUTBOX)"
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("typo").path))
        // A text file.
        let text = directory.appendingPathComponent("notes.sqlite")
        try Data("not a database, just notes\n".utf8).write(to: text)
        #expect {
            try Outbox(path: text.path)
        } throws: { error in
            let description = String(describing: error)
            return description.contains("the file is not a SQLite database") && !description.contains("\n")
        }
        #expect(try String(contentsOf: text, encoding: .utf8) == "not a database, just notes\n")
        // Somebody else's database: not migrated into.
        let other = directory.appendingPathComponent("crm.sqlite").path
        let queue = try DatabaseQueue(path: other)
        try queue.write { db in try db.execute(sql: "CREATE TABLE customer (id INTEGER, name TEXT); CREATE TABLE ticket (id INTEGER)") }
        #expect {
            try Outbox(path: other)
        } throws: { error in
            String(describing: error) == "\(other) is a SQLite database but not a Herald outbox (its tables: customer, ticket); give another --outbox path"
        }
        #expect(try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") } == ["customer", "ticket"])
    }
}


/// Where a message goes and what is left of it.
@Suite struct OutboxRouteTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-outbox-\(UUID().uuidString).sqlite").path

    func envelope(_ recipients: String = "a@example.com") throws -> Envelope {
        Envelope(mailFrom: try EmailAddress(validating: "me@example.com"), recipients: try AddressParser.parseMailboxes(recipients))
    }

    @Test func aWorkerClaimsOnlyTheEmailsOfItsRoute() throws {
        let outbox = try Outbox(path: path)
        let smtp = try outbox.enqueue([1], envelope: try envelope(), smtputf8: false, route: "smtp://mx.example.com", now: 0)
        let maildir = try outbox.enqueue([2], envelope: try envelope(), smtputf8: false, route: "maildir:/var/mail/herald", now: 0)
        let any = try outbox.enqueue([3], envelope: try envelope(), smtputf8: false, now: 0)
        let sms = try outbox.enqueue([4], channel: "sms", sender: "sms", recipients: ["+34612345678"], route: "ignored", now: 0)
        #expect(try outbox.claim(owner: "w", now: 0, limit: 10, route: "maildir:/var/mail/herald").map(\.id) == [maildir, any, sms])
        #expect(try outbox.backlog(now: 0, route: "maildir:/var/mail/herald").otherRoutes == ["smtp://mx.example.com": 1])
        #expect(try outbox.claim(owner: "w", now: 0, limit: 10, route: "smtp://mx.example.com").map(\.id) == [smtp])
    }

    @Test func aClaimRestrictedToIDsTakesNothingElse() throws {
        let outbox = try Outbox(path: path)
        let older = try outbox.enqueue([1], envelope: try envelope(), smtputf8: false, now: 0)
        let (ids, inserted) = try outbox.inOneTransaction(now: 0) { batch in
            let ids = try (0..<3).map { _ in try batch.enqueue([2], envelope: try envelope(), smtputf8: false) }
            return (ids, batch.inserted)
        }
        #expect(ids == inserted && inserted == [older + 1, older + 2, older + 3])
        #expect(try outbox.claim(owner: "w", now: 0, limit: 10, ids: older + 1...older + 3).map(\.id) == inserted)
        #expect(try outbox.entry(older)?.state == .queued)
    }

    @Test func aMessageWithNobodyLeftIsClosedNotDeliveredToNobody() throws {
        let outbox = try Outbox(path: path)
        let id = try outbox.enqueue([1], envelope: try envelope("a@example.com, b@example.com"), smtputf8: false, now: 0)
        _ = try outbox.claim(owner: "w", now: 0)
        try outbox.record(DeliveryReport(recipients: [RecipientResult(address: "a@example.com", status: .rejected, code: 550, reply: "no"),
                                                      RecipientResult(address: "b@example.com", status: .rejected, code: 550, reply: "no")],
                                         failure: .permanent(code: 550, reason: "every recipient refused"), transcript: []), for: id, now: 1)
        #expect {
            try outbox.retry(id, now: 2)
        } throws: { error in
            String(describing: error) == "message \(id) has nobody left to send it to: every recipient accepted or refused it for good (see herald outbox show \(id))"
        }
        #expect(try outbox.entry(id)?.state == .failed)
    }

    @Test func anOutboxThatWouldVanishOrCannotBeWrittenIsRefused() throws {
        for path in ["", ":memory:", "file:x?mode=memory"] {
            #expect {
                try Outbox(path: path)
            } throws: { error in (error as? OutboxError)?.kind == .storage && String(describing: error).contains("is not an outbox path") }
        }
        let readOnly = path
        _ = try Outbox(path: readOnly)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: readOnly)
        defer { try? FileManager.default.removeItem(atPath: readOnly) }
        #expect {
            try Outbox(path: readOnly)
        } throws: { error in String(describing: error).contains("is read-only") }
    }

    @Test func aClaimClosesAMessageThatHasNobodyLeft() throws {
        let outbox = try Outbox(path: path)
        let id = try outbox.enqueue([1], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try outbox.claim(owner: "w", now: 0)
        // The recipient accepted it, then the attempt failed as a whole (a provider's second request).
        try outbox.record(DeliveryReport(recipients: [RecipientResult(address: "a@example.com", status: .accepted, code: 250, reply: "ok")],
                                         failure: .temporary(code: 451, reason: "later"), transcript: []), for: id, now: 1, random: 0.5)
        #expect(try outbox.entry(id)?.state == .queued)
        #expect(try outbox.claim(owner: "w", now: 10_000).isEmpty)
        #expect(try outbox.entry(id)?.state == .sent)
    }
}
