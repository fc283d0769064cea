import Foundation
@testable import HeraldDelivery
import HeraldMIME
import Testing

/// Every outbox store, the same rules: this suite runs each test against each store kind
/// (`OutboxStoreKind`), so a new store (PostgreSQL) joins by adding a case.
@Suite struct OutboxStoreConformanceTests {
    func envelope(_ recipients: String = "a@example.com, b@example.com") throws -> Envelope {
        Envelope(mailFrom: try EmailAddress(validating: "me@example.com"), recipients: try AddressParser.parseMailboxes(recipients))
    }

    func result(_ address: String, _ status: RecipientResult.Status, _ code: Int) -> RecipientResult {
        RecipientResult(address: address, status: status, code: code, reply: "reply \(code)")
    }

    @Test(arguments: OutboxStoreKind.allCases) func enqueueStoresBeforeAnyAttemptAndClaimLeases(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let id = try await outbox.enqueueEmail(Array("msg".utf8), envelope: try envelope(), smtputf8: false, now: 100)
        #expect(try await outbox.entry(id)?.state == .queued)
        let claims = try await outbox.claiming(owner: "w1", now: 100)
        #expect(claims.map(\.id) == [id])
        #expect(claims.first?.outbound.bytes == Array("msg".utf8))
        #expect(try await outbox.entry(id)?.state == .sending)
        // Leased: another worker gets nothing until the lease expires.
        #expect(try await outbox.claiming(owner: "w2", now: 101).isEmpty)
        #expect(try await outbox.claiming(owner: "w2", now: 100 + outbox.policy.leaseSeconds + 1).map(\.id) == [id])
    }

    @Test(arguments: OutboxStoreKind.allCases) func idempotencyKeys(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let first = try await outbox.enqueueEmail(Array("same".utf8), envelope: try envelope(), smtputf8: false, idempotencyKey: "k1", now: 1)
        let again = try await outbox.enqueueEmail(Array("same".utf8), envelope: try envelope(), smtputf8: false, idempotencyKey: "k1", now: 2)
        #expect(first == again)
        #expect(try await outbox.entries().count == 1)
        await #expect {
            try await outbox.enqueueEmail(Array("different".utf8), envelope: try envelope(), smtputf8: false, idempotencyKey: "k1", now: 3)
        } throws: { error in
            String(describing: error).contains("the idempotency key \"k1\" was already used for a different message")
        }
    }

    @Test(arguments: OutboxStoreKind.allCases) func partialFailureRetriesOnlyTheDeferredRecipients(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let id = try await outbox.enqueueEmail([1], envelope: try envelope("a@example.com, b@example.com, c@example.com"), smtputf8: false, now: 0)
        _ = try await outbox.claiming(owner: "w", now: 0)
        let report = DeliveryReport(recipients: [result("a@example.com", .accepted, 250), result("b@example.com", .deferred, 451),
                                                 result("c@example.com", .rejected, 550)], failure: nil, transcript: [])
        try await outbox.record(report, for: id, now: 10, random: 0.5)
        let entry = try #require(try await outbox.entry(id))
        #expect(entry.state == .queued)
        #expect(entry.attempts == 1)
        #expect(entry.nextAttemptAt == 10 + outbox.policy.baseDelay)
        #expect(entry.recipients.map(\.status) == [.accepted, .deferred, .rejected])
        // Not due before the retry time; then only b is retried.
        #expect(try await outbox.claiming(owner: "w", now: 20).isEmpty)
        let retry = try #require(try await outbox.claiming(owner: "w", now: 41).first)
        #expect(retry.outbound.recipients == ["b@example.com"])
        try await outbox.record(DeliveryReport(recipients: [result("b@example.com", .accepted, 250)], failure: nil, transcript: []), for: id, now: 42)
        #expect(try await outbox.entry(id)?.state == .sent)
    }

    @Test(arguments: OutboxStoreKind.allCases) func backoffGrowsExponentiallyWithJitterAndEnds(_ kind: OutboxStoreKind) async throws {
        var policy = Outbox.Policy()
        policy.maximumAttempts = 3
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == 30)
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == 120)
        #expect(policy.delay(afterAttempt: 3, random: 0) == 96)
        #expect(policy.delay(afterAttempt: 3, random: 1) == 144)
        #expect(policy.delay(afterAttempt: 20, random: 0.5) == 3600)
        let outbox = try await kind.make(policy: policy)
        let id = try await outbox.enqueueEmail([1], envelope: try envelope(), smtputf8: false, now: 0)
        var now = 0.0
        for _ in 0..<3 {
            now += 10_000
            _ = try await outbox.claiming(owner: "w", now: now)
            try await outbox.record(DeliveryReport(recipients: [], failure: .temporary(code: 421, reason: "busy"), transcript: []), for: id, now: now)
        }
        #expect(try await outbox.entry(id)?.state == .failed)
        #expect(try await outbox.entry(id)?.lastError == "busy")
    }

    @Test(arguments: OutboxStoreKind.allCases) func ambiguousFailuresAreHeldUntilAPersonRetries(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let id = try await outbox.enqueueEmail([1], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try await outbox.claiming(owner: "w", now: 0)
        let report = DeliveryReport(recipients: [result("a@example.com", .deferred, 250), result("b@example.com", .deferred, 250)],
                                    failure: .ambiguous(reason: "lost after DATA"), transcript: [])
        try await outbox.record(report, for: id, now: 1)
        #expect(try await outbox.entry(id)?.state == .held)
        #expect(try await outbox.claiming(owner: "w", now: 1_000_000).isEmpty)
        try await outbox.retry(id, now: 5)
        let again = try #require(try await outbox.claiming(owner: "w", now: 5).first)
        #expect(again.bytes == [1])
        #expect(again.recipients.count == 2 && again.envelope?.recipients.count == 2)
        await #expect {
            try await outbox.retry(id, now: 6)
        } throws: { error in String(describing: error) == "message \(id) is being delivered now; see herald outbox show \(id) for its outcome" }
    }

    @Test(arguments: OutboxStoreKind.allCases) func permanentFailuresAndPurge(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let failed = try await outbox.enqueueEmail([1], envelope: try envelope(), smtputf8: false, now: 0)
        let sent = try await outbox.enqueueEmail([2], envelope: try envelope(), smtputf8: false, now: 0)
        let waiting = try await outbox.enqueueEmail([3], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try await outbox.claiming(owner: "w", now: 0, limit: 2)
        try await outbox.record(DeliveryReport(recipients: [], failure: .permanent(code: 550, reason: "no such domain"), transcript: []), for: failed, now: 1)
        try await outbox.record(DeliveryReport(recipients: [result("a@example.com", .accepted, 250), result("b@example.com", .accepted, 250)],
                                         failure: nil, transcript: []), for: sent, now: 1)
        #expect(try await outbox.entry(failed)?.state == .failed)
        #expect(try await outbox.purge() == 2)
        #expect(try await outbox.entries().map(\.id) == [waiting])
    }

    @Test(arguments: OutboxStoreKind.allCases) func resultsAreRecordedByPositionWhateverTheSpelling(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        // A quoted local part holding '>' is a valid address; a reply may spell it otherwise.
        let id = try await outbox.enqueueEmail([1], envelope: try envelope(#""a>b"@example.com, c@example.com"#), smtputf8: false, now: 0)
        let claim = try #require(try await outbox.claiming(owner: "w", now: 0).first)
        #expect(claim.recipients == [#""a>b"@example.com"#, "c@example.com"])
        try await outbox.record(DeliveryReport(recipients: [result("a", .accepted, 250), result("C@EXAMPLE.COM", .deferred, 451)], failure: nil, transcript: []),
                          for: id, now: 1, random: 0.5)
        let entry = try #require(try await outbox.entry(id))
        #expect(entry.recipients.map(\.status) == [.accepted, .deferred])
        // The next attempt goes to the deferred recipient only: the accepted one never gets it twice.
        let retry = try #require(try await outbox.claiming(owner: "w", now: 1000).first)
        #expect(retry.outbound.recipients == ["c@example.com"])
        try await outbox.record(DeliveryReport(recipients: [result("c@example.com", .accepted, 250)], failure: nil, transcript: []), for: id, now: 1001)
        #expect(try await outbox.entry(id)?.state == .sent)
        #expect(try await outbox.entry(id)?.recipients.map(\.status) == [.accepted, .accepted])
    }

    @Test(arguments: OutboxStoreKind.allCases) func aBatchIsStoredWholeOrNotAtAll(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        func line(_ number: Int, to recipients: [String]) -> Outbound {
            Outbound(channel: .email, sender: "me@example.com", recipients: recipients, payload: .bytes([UInt8(number)]), idempotencyKey: "bulk#\(number)")
        }
        // Line 5 cannot be stored (nobody to send it to): lines 1–4 are not stored either.
        let broken = (1...4).map { line($0, to: ["l\($0)@example.com"]) } + [line(5, to: [])]
        await #expect(throws: OutboxError.self) { try await outbox.enqueue(broken, now: 0) }
        #expect(try await outbox.entries().isEmpty)
        // Sending again after fixing line 5 stores each line once, keys included.
        let stored = try await outbox.enqueue((1...5).map { line($0, to: ["l\($0)@example.com"]) }, now: 0)
        #expect(stored.ids == stored.inserted && stored.ids.count == 5)
        #expect(try await outbox.entries().map(\.id) == stored.ids)
        #expect(try await outbox.entries().map(\.idempotencyKey) == (1...5).map { "bulk#\($0)" })
        // The same lines again: nothing new, the same IDs.
        let again = try await outbox.enqueue((1...5).map { line($0, to: ["l\($0)@example.com"]) }, now: 1)
        #expect(again.ids == stored.ids && again.inserted.isEmpty)
    }

    @Test(arguments: OutboxStoreKind.allCases) func aMessageWithoutRecipientsIsNotStored(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        await #expect {
            try await outbox.enqueueEmail([1], channel: "sms", sender: "sms", recipients: [], now: 0)
        } throws: { error in (error as? OutboxError)?.kind == .invalid }
        #expect(try await outbox.entries().isEmpty)
    }

    @Test(arguments: OutboxStoreKind.allCases) func retryNowMakesAWaitingMessageDueAndAFailedOneGetsNewAttempts(_ kind: OutboxStoreKind) async throws {
        var policy = Outbox.Policy()
        policy.maximumAttempts = 1
        let outbox = try await kind.make(policy: policy)
        let waiting = try await outbox.enqueueEmail([1], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try await outbox.claiming(owner: "w", now: 0)
        try await outbox.record(DeliveryReport(recipients: [result("a@example.com", .accepted, 250), result("b@example.com", .deferred, 451)],
                                         failure: nil, transcript: []), for: waiting, now: 1, random: 0.5)
        // One attempt allowed: the deferred recipient made the message fail.
        #expect(try await outbox.entry(waiting)?.state == .failed)
        try await outbox.retry(waiting, now: 2)
        #expect(try await outbox.entry(waiting)?.attempts == 0)
        #expect(try await outbox.claiming(owner: "w", now: 2).first?.recipients == ["b@example.com"])
        try await outbox.record(DeliveryReport(recipients: [], failure: .temporary(code: 421, reason: "busy"), transcript: []), for: waiting, now: 3, random: 0.5)

        var patient = Outbox.Policy()
        patient.baseDelay = 600
        let second = try await kind.make(policy: patient)
        let queued = try await second.enqueueEmail([2], envelope: try envelope(), smtputf8: false, now: 0)
        _ = try await second.claiming(owner: "w", now: 0, ids: queued...queued)
        try await second.record(DeliveryReport(recipients: [], failure: .temporary(code: 451, reason: "greylisted"), transcript: []), for: queued, now: 10, random: 0.5)
        #expect(try await second.backlog(now: 11, route: nil) == Outbox.Backlog(due: 0, waiting: 1, nextAttemptAt: 610, held: 0, sending: 0))
        #expect(try await second.claiming(owner: "w", now: 11, ids: queued...queued).isEmpty)
        try await second.retry(queued, now: 12)
        #expect(try await second.claiming(owner: "w", now: 12, ids: queued...queued).map(\.id) == [queued])
        await #expect {
            try await second.retry(queued, now: 13)
        } throws: { error in (error as? OutboxError)?.kind == .conflict }
        await #expect {
            try await second.retry(999, now: 13)
        } throws: { error in (error as? OutboxError)?.kind == .notFound }
    }

    @Test(arguments: OutboxStoreKind.allCases) func aWorkerClaimsOnlyTheEmailsOfItsRoute(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let smtp = try await outbox.enqueueEmail([1], envelope: try envelope(), smtputf8: false, route: "smtp://mx.example.com", now: 0)
        let maildir = try await outbox.enqueueEmail([2], envelope: try envelope(), smtputf8: false, route: "maildir:/var/mail/herald", now: 0)
        let any = try await outbox.enqueueEmail([3], envelope: try envelope(), smtputf8: false, now: 0)
        let sms = try await outbox.enqueueEmail([4], channel: "sms", sender: "sms", recipients: ["+34612345678"], route: "ignored", now: 0)
        #expect(try await outbox.claiming(owner: "w", now: 0, limit: 10, route: "maildir:/var/mail/herald").map(\.id) == [maildir, any, sms])
        #expect(try await outbox.backlog(now: 0, route: "maildir:/var/mail/herald").otherRoutes == ["smtp://mx.example.com": 1])
        #expect(try await outbox.claiming(owner: "w", now: 0, limit: 10, route: "smtp://mx.example.com").map(\.id) == [smtp])
    }

    @Test(arguments: OutboxStoreKind.allCases) func aClaimRestrictedToIDsTakesNothingElse(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let older = try await outbox.enqueueEmail([1], envelope: try envelope(), smtputf8: false, now: 0)
        let outbound = Outbound(channel: .email, sender: "me@example.com", recipients: ["a@example.com"], payload: .bytes([2]))
        let stored = try await outbox.enqueue([outbound, outbound, outbound], now: 0)
        let (ids, inserted) = (stored.ids, stored.inserted)
        #expect(ids == inserted && inserted == [older + 1, older + 2, older + 3])
        #expect(try await outbox.claiming(owner: "w", now: 0, limit: 10, ids: older + 1...older + 3).map(\.id) == inserted)
        #expect(try await outbox.entry(older)?.state == .queued)
    }

    @Test(arguments: OutboxStoreKind.allCases) func aMessageWithNobodyLeftIsClosedNotDeliveredToNobody(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let id = try await outbox.enqueueEmail([1], envelope: try envelope("a@example.com, b@example.com"), smtputf8: false, now: 0)
        _ = try await outbox.claiming(owner: "w", now: 0)
        try await outbox.record(DeliveryReport(recipients: [RecipientResult(address: "a@example.com", status: .rejected, code: 550, reply: "no"),
                                                      RecipientResult(address: "b@example.com", status: .rejected, code: 550, reply: "no")],
                                         failure: .permanent(code: 550, reason: "every recipient refused"), transcript: []), for: id, now: 1)
        await #expect {
            try await outbox.retry(id, now: 2)
        } throws: { error in
            String(describing: error) == "message \(id) has nobody left to send it to: every recipient accepted or refused it for good (see herald outbox show \(id))"
        }
        #expect(try await outbox.entry(id)?.state == .failed)
    }

    @Test(arguments: OutboxStoreKind.allCases) func aClaimClosesAMessageThatHasNobodyLeft(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        let id = try await outbox.enqueueEmail([1], envelope: try envelope("a@example.com"), smtputf8: false, now: 0)
        _ = try await outbox.claiming(owner: "w", now: 0)
        // The recipient accepted it, then the attempt failed as a whole (a provider's second request).
        try await outbox.record(DeliveryReport(recipients: [RecipientResult(address: "a@example.com", status: .accepted, code: 250, reply: "ok")],
                                         failure: .temporary(code: 451, reason: "later"), transcript: []), for: id, now: 1, random: 0.5)
        #expect(try await outbox.entry(id)?.state == .queued)
        #expect(try await outbox.claiming(owner: "w", now: 10_000).isEmpty)
        #expect(try await outbox.entry(id)?.state == .sent)
    }

    /// Two processes' views of one outbox claiming at once: every message goes to exactly one
    /// of them (SQLite: one writer at a time; PostgreSQL: FOR UPDATE SKIP LOCKED).
    @Test(arguments: OutboxStoreKind.allCases) func twoHandlesClaimingAtOnceNeverShareAMessage(_ kind: OutboxStoreKind) async throws {
        let (outbox, again) = try await kind.makeShared()
        let other = try await again()
        let outbound = Outbound(channel: .email, sender: "me@example.com", recipients: ["a@example.com"], payload: .bytes([1]))
        let stored = try await outbox.enqueue(Array(repeating: outbound, count: 60), now: 0)
        func drain(_ store: any OutboxStore, owner: String) async throws -> [Int64] {
            var taken: [Int64] = []
            while true {
                let claims = try await store.claiming(owner: owner, now: 1, limit: 7)
                if claims.isEmpty { return taken }
                taken += claims.map(\.id)
            }
        }
        async let first = drain(outbox, owner: "one")
        async let second = drain(other, owner: "two")
        let (a, b) = try await (first, second)
        #expect(Set(a).isDisjoint(with: Set(b)))
        #expect((a + b).sorted() == stored.ids)
    }

    /// The same idempotency key stored by two processes at the same moment: one message, both
    /// told its ID; other content under the key is still a conflict.
    @Test(arguments: OutboxStoreKind.allCases) func racingEnqueuesOfOneKeyStoreItOnce(_ kind: OutboxStoreKind) async throws {
        let (outbox, again) = try await kind.makeShared()
        let other = try await again()
        for round in 0..<5 {
            let outbound = Outbound(channel: .email, sender: "me@example.com", recipients: ["a@example.com"], payload: .bytes([UInt8(round)]),
                                    idempotencyKey: "race-\(round)")
            async let first = outbox.enqueue([outbound], now: 0)
            async let second = other.enqueue([outbound], now: 0)
            let (a, b) = try await (first, second)
            #expect(a.ids == b.ids)
            #expect(a.inserted.count + b.inserted.count == 1)
        }
        #expect(try await outbox.entries().count == 5)
    }

    /// Many callers at once on one handle (a server's requests): whatever the store does to
    /// commit them together, each caller's batch is stored whole or not at all, and the one that
    /// reuses a key for other content is refused alone.
    @Test(arguments: OutboxStoreKind.allCases) func concurrentEnqueuesAreEachStoredWholeAndARefusalRefusesOnlyItself(_ kind: OutboxStoreKind) async throws {
        let outbox = try await kind.make()
        func message(_ caller: Int, _ line: Int, key: String? = nil, body: UInt8 = 0) -> Outbound {
            Outbound(channel: .email, sender: "me@example.com", recipients: ["c\(caller)-\(line)@example.com", "copy@example.com"],
                     payload: .bytes([UInt8(caller), UInt8(line), body]), idempotencyKey: key)
        }
        _ = try await outbox.enqueue([message(0, 0, key: "taken")], now: 0)
        let results = await withTaskGroup(of: (Int, Result<Outbox.Stored, any Error>).self) { group in
            for caller in 1...24 {
                group.addTask {
                    // Caller 7 reuses "taken" for other content in the middle of its batch.
                    let batch = caller == 7 ? [message(7, 0), message(7, 1, key: "taken", body: 9), message(7, 2)]
                                            : [message(caller, 0), message(caller, 1), message(caller, 2)]
                    do {
                        return (caller, .success(try await outbox.enqueue(batch, now: 0)))
                    } catch {
                        return (caller, .failure(error))
                    }
                }
            }
            var results: [Int: Result<Outbox.Stored, any Error>] = [:]
            for await (caller, result) in group { results[caller] = result }
            return results
        }
        for caller in 1...24 {
            switch results[caller] {
            case .success(let stored)?:
                #expect(caller != 7 && stored.inserted.count == 3 && stored.ids == stored.inserted, "caller \(caller)")
            case .failure(let error)?:
                #expect(caller == 7 && (error as? OutboxError)?.category == .conflict, "caller \(caller): \(error)")
            case nil:
                Issue.record("caller \(caller) has no result")
            }
        }
        let entries = try await outbox.entries()
        #expect(entries.count == 1 + 23 * 3)
        #expect(entries.allSatisfy { $0.recipients.count == 2 && $0.state == .queued })
    }
}
