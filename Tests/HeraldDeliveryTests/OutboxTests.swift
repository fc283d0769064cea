import Foundation
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
        } throws: { error in String(describing: error) == "message \(id) is sending; only held or failed messages can be retried" }
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
}
