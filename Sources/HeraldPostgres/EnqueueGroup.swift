import Foundation
import HeraldDelivery

/// Group commit for enqueues: a caller that finds no commit under way stores its batch at once;
/// callers that arrive while one is being committed wait, and the next commit stores them all in
/// one transaction — one flush of the disk for many (the flush, not the statements, bounds one
/// caller: ~1.6 ms each on the benchmark machine). A lone caller waits for nobody.
final class EnqueueGroup: @unchecked Sendable {
    /// One caller's messages, stored whole or not at all.
    struct Batch: Sendable {
        let outbounds: [Outbound]
        let now: Double
    }

    typealias Store = @Sendable ([Batch]) async -> [Result<Outbox.Stored, any Error>]

    /// At most this many callers' batches in one transaction.
    private static let largestGroup = 256

    private let lock = NSLock()
    private var waiting: [(batch: Batch, continuation: CheckedContinuation<Outbox.Stored, any Error>)] = []
    private var committing = false
    private var store: Store?

    /// Sets what stores a group (the outbox store, once it exists).
    func storing(_ store: @escaping Store) {
        lock.withLock { self.store = store }
    }

    func enqueue(_ outbounds: [Outbound], now: Double) async throws -> Outbox.Stored {
        try await withCheckedThrowingContinuation { continuation in
            let leads: Bool = lock.withLock {
                waiting.append((Batch(outbounds: outbounds, now: now), continuation))
                guard !committing else { return false }
                committing = true
                return true
            }
            if leads { Task { await self.commitWhileWaiting() } }
        }
    }

    /// Commits groups until nobody waits.
    private func commitWhileWaiting() async {
        while true {
            let (group, store): ([(batch: Batch, continuation: CheckedContinuation<Outbox.Stored, any Error>)], Store?) = lock.withLock {
                let group = Array(waiting.prefix(Self.largestGroup))
                waiting.removeFirst(group.count)
                if group.isEmpty { committing = false }
                return (group, self.store)
            }
            guard !group.isEmpty else { return }
            let results = await store?(group.map(\.batch)) ?? []
            for (index, waiter) in group.enumerated() {
                waiter.continuation.resume(with: index < results.count ? results[index]
                    : .failure(OutboxError(.storage, "the outbox closed before the message was stored")))
            }
        }
    }
}
