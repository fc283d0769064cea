import Foundation
import Herald
import HeraldTesting
import Testing

/// What `herald send` does, as a library user does it: compose, store in one transaction,
/// deliver through the worker — with the in-memory transport instead of a server.
@Suite struct SendThroughTheOutboxTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-library-\(UUID().uuidString).sqlite").path

    @Test func anEmailAndAnSMSAreStoredThenDeliveredByTheirChannelsTransports() async throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let draft = try Draft.markdown(Array("Your order **10482** has shipped.\n".utf8))
        let composer = Composer()
        let email = try composer.outbound(draft, request: MessageRequest(from: "shop@example.com", to: ["ana@example.com"], subject: "Shipped"))
        var sms = MessageRequest(to: ["+34612345678"])
        sms.channel = .sms
        let text = try composer.outbound(draft, request: sms)

        let store = try SQLiteOutboxStore(path: path)
        let stored = try await store.enqueue(email.outbounds + text.outbounds, now: 0)
        #expect(try await store.entries().map(\.state) == [.queued, .queued])

        let mail = InMemoryTransport()
        let phone = InMemoryTransport()
        let worker = OutboxWorker(store: store, transports: [.email: mail, .sms: phone], now: { 1 })
        try await worker.run(untilIdle: true)
        #expect(try await store.entries().map(\.state) == [.sent, .sent])
        #expect(mail.delivered.map(\.recipients) == [["ana@example.com"]])
        #expect(String(decoding: try #require(mail.delivered.first).bytes, as: UTF8.self).contains("Subject: Shipped\r\n"))
        #expect(phone.delivered.map(\.bytes) == [Array("Your order 10482 has shipped.".utf8)])
        #expect(stored.ids.count == 2 && stored.inserted == stored.ids)
    }

    @Test func aDeferredRecipientIsRetriedAloneAfterTheBackoff() async throws {
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let draft = try Draft.markdown(Array("Hello\n".utf8))
        let composition = try Composer().outbound(draft, request: MessageRequest(from: "shop@example.com", to: ["ana@example.com, bo@example.com"]))
        var policy = Outbox.Policy()
        policy.jitter = 0
        let store = try SQLiteOutboxStore(path: path, policy: policy)
        let id = try await store.enqueue(try #require(composition.outbounds.first), now: 0)
        let greylisting = InMemoryTransport { _, recipient in recipient == "bo@example.com" ? .deferred : .accepted }
        let clock = Clock()
        let worker = OutboxWorker(store: store, transports: [.email: greylisting], now: { clock.now })
        try await worker.run(untilIdle: true)
        let waiting = try #require(try await store.entry(id))
        #expect(waiting.state == .queued && waiting.recipients.map(\.status) == [.accepted, .deferred])
        #expect(waiting.nextAttemptAt == policy.baseDelay)
        // Not due yet; then only bo gets it.
        try await worker.run(untilIdle: true)
        #expect(greylisting.delivered.count == 1)
        clock.now = policy.baseDelay
        let accepting = InMemoryTransport()
        try await OutboxWorker(store: store, transports: [.email: accepting], now: { clock.now }).run(untilIdle: true)
        #expect(accepting.delivered.map(\.recipients) == [["bo@example.com"]])
        #expect(try await store.entry(id)?.state == .sent)
    }
}

/// A clock a test moves.
private final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double = 0

    var now: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
