import Foundation
import Logging
import PostgresNIO

/// Rings when any process commits what a channel announces: `PostgresInboxStore.apply` sends
/// `pg_notify('herald_inbox_events', …)` in its transaction (PostgreSQL delivers it on commit),
/// `PostgresOutboxStore` `herald_outbox_work` when it stores or retries messages, and this bell
/// LISTENs on a connection of its own. The event streams (and idle workers) of this process wait
/// on the bell instead of asking the database again and again.
///
/// The bell counts rings: a waiter passes the count it last saw and returns at once if the bell
/// rang since, so a ring between a stream's read and its wait is never missed. While the
/// listening connection is down (a server restart), waiters fall back to their timeout and the
/// bell reconnects with backoff.
actor EventBell {
    /// What `PostgresInboxStore` announces: events committed.
    static let inboxEvents = "herald_inbox_events"
    /// What `PostgresOutboxStore` announces: messages due.
    static let outboxWork = "herald_outbox_work"

    private let location: PostgresLocation
    private let channel: String
    private var rings: UInt64 = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var listening: Task<Void, Never>?

    init(location: PostgresLocation, channel: String) {
        self.location = location
        self.channel = channel
    }

    /// Returns once the bell has rung more than `since` times, or after `timeout`; the count of
    /// rings then (pass it to the next call).
    func wait(since: UInt64, upTo timeout: Duration) async -> UInt64 {
        startListening()
        guard rings <= since, !Task.isCancelled else { return rings }
        let id = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = continuation
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
        timer.cancel()
        return rings
    }

    private func wake(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }

    private func ring() {
        rings += 1
        let waiting = waiters
        waiters = [:]
        for continuation in waiting.values { continuation.resume() }
    }

    /// Once: a task that keeps a listening connection open for the life of the store.
    private func startListening() {
        guard listening == nil else { return }
        let location = self.location
        let channel = self.channel
        listening = Task { [weak self] in
            var backoff: Duration = .milliseconds(100)
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(configuration: try PostgresDatabase.directConfiguration(location), id: 2,
                                                                          logger: PostgresDatabase.logger)
                    backoff = .milliseconds(100)
                    do {
                        try await connection.listen(on: channel) { notifications in
                            // Listening now: whatever was committed while nobody listened is worth a look.
                            await self?.ring()
                            for try await _ in notifications {
                                guard let self else { return }
                                await self.ring()
                            }
                        }
                    } catch {
                        // Stopped (the store went away) or the connection broke: closed either way.
                        try? await connection.close()
                        throw error
                    }
                    try? await connection.close()
                } catch {
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                }
                if self == nil { return }
            }
        }
    }

    /// Stops listening (the store is going away).
    func stop() {
        listening?.cancel()
        for continuation in waiters.values { continuation.resume() }
        waiters = [:]
    }
}
