import Foundation
import Herald
import HeraldTesting
import Testing

/// What a send says to its author: each stored message's line, a bulk send's summary, and the
/// failure when not every recipient accepted — from real outbox entries.
@Suite struct SendReportsTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-reports-\(UUID().uuidString).sqlite").path

    /// Two emails stored; the transport accepts ana and defers bo.
    func entries() async throws -> (stored: Outbox.Stored, entries: [Outbox.Entry]) {
        let draft = try Draft.markdown(Array("News.\n".utf8))
        let outbounds = try ["ana@example.com", "bo@example.com"].flatMap {
            try Composer().outbound(draft, request: MessageRequest(from: "news@example.com", to: [$0], subject: "News")).outbounds
        }
        let store = try SQLiteOutboxStore(path: path)
        let stored = try await store.enqueue(outbounds, now: 0)
        let transport = InMemoryTransport { _, recipient in recipient.hasPrefix("bo@") ? .deferred : .accepted }
        try await OutboxWorker(store: store, transports: [.email: transport], now: { 1 }).runOnce(batch: 10)
        return (stored, try await store.entries())
    }

    @Test func aBulkSendSaysWhatWasSentWhatAnEarlierSendStoredAndWhatFailed() async throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let (stored, entries) = try await entries()
        #expect(entries.map(\.state) == [.sent, .queued])
        let fresh = Sender.Bulk(stored: stored, entries: entries)
        #expect(fresh.summary() == ["1 sent, 1 not delivered (see herald outbox list)"])
        #expect(fresh.failure == "1 of 2 messages were not delivered (see herald outbox list)")

        let again = Sender.Bulk(stored: Outbox.Stored(ids: stored.ids, inserted: []), entries: Array(entries.prefix(1)))
        #expect(again.summary(keyName: "--idempotency-key") == [
            "2 of the 2 messages were stored by an earlier send with the same --idempotency-key; herald worker delivers what is left of them",
            "1 sent, 0 not delivered",
        ])
        #expect(again.failure == nil)
    }

    @Test func eachMessageHasALineAndTheFailureNamesTheMessagesNotAccepted() async throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let (_, entries) = try await entries()
        let sent = entries.map { Sender.Sent(entry: $0) }
        #expect(sent[0].line(via: "smtp://mail.example.com") == "outbox message \(entries[0].id): sent (via smtp://mail.example.com)")
        #expect(sent[1].line(via: "smtp://mail.example.com", now: 1).hasPrefix("outbox message \(entries[1].id): queued (via smtp://mail.example.com); next attempt at "))
        #expect(Sender.Sent.failure(of: sent) == "not every recipient accepted outbox message \(entries[1].id) (see the lines above, or herald outbox show \(entries[1].id))")
        #expect(Sender.Sent.failure(of: Array(sent.prefix(1))) == nil)
    }

    @Test func progressCountsAnAttemptDeliveredWhenNothingFailedAndSomeoneAccepted() {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
            func append(_ line: String) { lock.withLock { all.append(line) } }
        }
        let lines = Lines()
        let progress = SendProgress(total: 3, isTerminal: false, plainEvery: 3) { lines.append($0) }
        let accepted = RecipientResult(address: "ana@example.com", status: .accepted, code: 250, reply: "OK")
        progress.record(DeliveryReport(recipients: [accepted], failure: nil, transcript: []))
        progress.record(DeliveryReport(recipients: [accepted], failure: .temporary(code: 451, reason: "later"), transcript: []))
        progress.record(DeliveryReport(recipients: [], failure: nil, transcript: []))
        #expect(lines.lock.withLock { lines.all.count } == 1)
        #expect(lines.lock.withLock { lines.all.first?.hasPrefix("3/3  sent 1  failed 2  ") } == true)
    }
}
