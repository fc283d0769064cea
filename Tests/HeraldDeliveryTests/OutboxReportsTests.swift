import Foundation
@testable import HeraldDelivery
import Testing

/// The lines the outbox's values give a person (`herald send`, `herald outbox`, `herald worker`).
struct OutboxReportsTests {
    private let utc = TimeZone(identifier: "UTC")!

    @Test func aTimeSaysHowFarAheadItIs() {
        let now = 1_790_000_000.0
        #expect(ReadableTime.text(now, now: now, timeZone: utc) == "2026-09-21T14:13:20Z")
        #expect(ReadableTime.text(now - 60, now: now, timeZone: utc) == "2026-09-21T14:12:20Z")
        #expect(ReadableTime.text(now + 29, now: now, timeZone: utc) == "2026-09-21T14:13:49Z (in 29 s)")
        #expect(ReadableTime.text(now + 600, now: now, timeZone: utc).hasSuffix(" (in 10 min)"))
        #expect(ReadableTime.text(now + 3 * 3600, now: now, timeZone: utc).hasSuffix(" (in 3 h)"))
        #expect(ReadableTime.text(now + 5 * 86_400, now: now, timeZone: utc).hasSuffix(" (in 5 days)"))
        // Whatever is stored is shown: no trap on infinity or a date past the formatter's range.
        #expect(ReadableTime.text(.infinity, now: now, timeZone: utc).hasPrefix("9999-12-31T23:59:59Z (in "))
        #expect(ReadableTime.text(-1e300, now: now, timeZone: utc) == "1970-01-01T00:00:00Z")
    }

    @Test func aReportIsALinePerRecipientThenItsFailure() {
        let report = DeliveryReport(recipients: [RecipientResult(address: "ana@example.com", status: .accepted, code: 250, reply: "2.0.0 Ok"),
                                                 RecipientResult(address: "bo@example.com", status: .rejected, code: 550, reply: "5.1.1 No such user")],
                                    failure: nil, transcript: [])
        #expect(report.summary == "accepted  ana@example.com  250 2.0.0 Ok\nrejected  bo@example.com  550 5.1.1 No such user")
        let failed = DeliveryReport(recipients: [], failure: .temporary(code: 421, reason: "busy"), transcript: [])
        #expect(failed.summary == "temporary failure (421): busy")
        #expect(report.outcome == "1/2 accepted" && failed.outcome == "temporary failure (421): busy")
    }

    @Test func anEntryListsShowsAndSaysWhatComesNext() {
        let now = 1_790_000_000.0
        var entry = Outbox.Entry(id: 7, state: .queued, idempotencyKey: "order-42", channel: .email, sender: "shop@example.com", attempts: 2,
                                 nextAttemptAt: now + 90, lastError: "temporary failure (451): try later",
                                 recipients: [Outbox.RecipientState(address: "ana@example.com", status: .accepted, code: 250, reply: "Ok"),
                                              Outbox.RecipientState(address: "bo@example.com", status: .deferred)], size: 1234)
        #expect(entry.listLine == "7\tqueued\t2 attempt(s)\tshop@example.com\t1/2 delivered\ttemporary failure (451): try later")
        let next = ReadableTime.text(now + 90, now: now)
        #expect(entry.details(now: now) == ["message 7: queued, 2 attempt(s), 1234 bytes, from shop@example.com", "idempotency key: order-42",
                                            "last error: temporary failure (451): try later", "next attempt: \(next)",
                                            "  accepted  ana@example.com  250 Ok", "  deferred  bo@example.com "])
        #expect(entry.waitingNote(now: now) == "; next attempt at \(next) by herald worker (herald outbox retry 7 to try now)")
        entry.state = .held
        #expect(entry.waitingNote(now: now) == "; held: the server may have it — herald outbox show 7, then herald outbox retry 7 to send it again")
        entry.state = .sent
        #expect(entry.waitingNote(now: now) == "")
        #expect(!entry.details(now: now).contains { $0.hasPrefix("next attempt") })
    }

    /// Read from a real outbox: a message for another SMTP server is named, with the worker that
    /// would deliver it.
    @Test func aBacklogSaysWhatWaitsAndForWhom() async throws {
        let store = try await OutboxStoreKind.sqlite.make()
        #expect(try await store.backlog(now: 0, route: "maildir:/var/mail/herald").notes(now: 0) == [])
        _ = try await store.enqueueEmail([1], channel: "email", sender: "a@example.com", recipients: ["b@example.com"], route: "smtp://mx.example.com", now: 0)
        _ = try await store.enqueueEmail([2], channel: "email", sender: "a@example.com", recipients: ["c@example.com"], route: "maildir:/srv/mail", now: 0)
        #expect(try await store.backlog(now: 0, route: "maildir:/var/mail/herald").notes(now: 0) == [
            "1 message is for maildir:/srv/mail, not for this worker's destination (herald worker --maildir /srv/mail delivers it)",
            "1 message is for smtp://mx.example.com, not for this worker's destination (herald worker --via smtp://mx.example.com delivers it)",
        ])
        let waiting = Outbox.Backlog(due: 0, waiting: 2, nextAttemptAt: 100, held: 1, sending: 3)
        #expect(waiting.notes(now: 100) == [
            "2 messages wait for a retry, the next at \(ReadableTime.text(100, now: 100)) (herald outbox retry ID to try now)",
            "1 held after an ambiguous failure (herald outbox show ID, then herald outbox retry ID)",
            "3 leased by another worker",
        ])
    }
}
