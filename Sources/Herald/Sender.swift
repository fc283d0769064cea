import Foundation

/// What `herald send` and an agent's "send" do after composing: store the messages in one
/// transaction (all or none), then deliver them now through the configured transports. What
/// is not accepted at once stays in the outbox for the worker to retry.
public struct Sender: Sendable {
    public var configuration: DeliveryConfiguration

    public init(configuration: DeliveryConfiguration) {
        self.configuration = configuration
    }

    /// A stored message after its delivery attempt.
    public struct Sent: Sendable {
        public var entry: Outbox.Entry
        /// The attempt's report (nil when the message was stored by an earlier send and is not
        /// due now).
        public var report: DeliveryReport?

        public init(entry: Outbox.Entry, report: DeliveryReport? = nil) {
            self.entry = entry
            self.report = report
        }

        /// Every recipient accepted it.
        public var isDelivered: Bool { entry.state == .sent && entry.recipients.allSatisfy { $0.status == .accepted } }
    }

    /// Stores `outbounds` (uploading media first) and delivers them one after the other, in
    /// order: a WhatsApp text and its media arrive as written.
    public func send(_ outbounds: [Outbound], now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) async throws -> [Sent] {
        try configuration.requireTransport(for: outbounds.first?.channel ?? .email)
        // Opened before any media upload: an outbox that cannot be opened costs no upload.
        let store = try await configuration.openOutbox()
        let stored = try await store.enqueue(try await configuration.prepare(outbounds), now: now())
        let worker = OutboxWorker(store: store, transports: try configuration.transports(), route: configuration.route, now: now)
        var sent: [Sent] = []
        for id in stored.ids {
            let last = LastReport()
            try await worker.runOnce(batch: 1, only: id) { _, report in last.set(report) }
            if let entry = try await store.entry(id) { sent.append(Sent(entry: entry, report: last.report)) }
        }
        return sent
    }

    /// What a bulk send did: the messages' IDs, how many an earlier send with the same keys had
    /// stored already, and the entries after delivery.
    public struct Bulk: Sendable {
        public var stored: Outbox.Stored
        public var entries: [Outbox.Entry]

        public init(stored: Outbox.Stored, entries: [Outbox.Entry]) {
            self.stored = stored
            self.entries = entries
        }

        public var storedBefore: Int { stored.ids.count - stored.inserted.count }
        public var notDelivered: Int { entries.filter { $0.state != .sent }.count }
    }

    /// Stores every message in one transaction, then delivers this send's own messages (not the
    /// rest of the outbox) on `concurrency` connections at once.
    public func sendAll(_ outbounds: [Outbound], concurrency: Int, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                        starting: @Sendable (Int) -> Void = { _ in }, progress: @escaping @Sendable (DeliveryReport) -> Void = { _ in }) async throws -> Bulk {
        try configuration.requireTransport(for: outbounds.first?.channel ?? .email)
        let store = try await configuration.openOutbox()
        let stored = try await store.enqueue(try await configuration.prepare(outbounds), now: now())
        if let range = stored.insertedRange {
            let workers = try configuration.workers(for: store, count: concurrency, ids: range)
            starting(stored.inserted.count)
            try await OutboxWorker.runAll(workers, batch: 10, pollInterval: 0.1, untilIdle: true) { _, report in progress(report) }
        }
        var entries: [Outbox.Entry] = []
        for id in stored.ids { if let entry = try await store.entry(id) { entries.append(entry) } }
        return Bulk(stored: stored, entries: entries)
    }
}

/// The report of the one delivery `send` watches.
private final class LastReport: @unchecked Sendable {
    private let lock = NSLock()
    private var value: DeliveryReport?

    func set(_ report: DeliveryReport) { lock.withLock { value = report } }
    var report: DeliveryReport? { lock.withLock { value } }
}
