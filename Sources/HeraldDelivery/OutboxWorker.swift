import Foundation
import HeraldChannels
import HeraldMIME

/// Drains an outbox through the transports: claims due messages, delivers each to the
/// recipients that still need it through the transport of its channel, records the outcome.
/// Stopping (SIGTERM in `herald worker`) finishes the message in hand and gives back the
/// leases of the others.
public final class OutboxWorker: Sendable {
    public let store: any OutboxStore
    /// The transport of each channel; a message of a channel without one waits (a temporary
    /// failure), since a worker with that transport may come.
    public let transports: [ChannelID: any Transport]
    public let owner: String
    /// Where the email transport delivers (an SMTP URL, `maildir:PATH`): only emails stored
    /// for this route (or for none) are claimed.
    public let route: String?
    /// Only these messages (one send's own), when set.
    public let ids: ClosedRange<Int64>?
    /// The clock, in seconds since 1970.
    public let now: @Sendable () -> Double
    /// A number in 0...1 for each retry's jitter.
    public let random: @Sendable () -> Double
    private let stopSignal = StopSignal()

    public init(store: any OutboxStore, transports: [ChannelID: any Transport], owner: String = "worker-\(ProcessInfo.processInfo.processIdentifier)",
                route: String? = nil, ids: ClosedRange<Int64>? = nil, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.store = store
        self.transports = transports
        self.owner = owner
        self.route = route
        self.ids = ids
        self.now = now
        self.random = random
    }

    public func stop() { stopSignal.set() }
    public var isStopping: Bool { stopSignal.isSet }

    /// One round: claims up to `batch` due messages and delivers them, reporting each. Returns
    /// how many were delivered.
    @discardableResult
    public func runOnce(batch: Int = 10, only id: Int64? = nil,
                        progress: @Sendable (Int64, DeliveryReport) -> Void = { _, _ in }) async throws -> Int {
        let claims = try await store.claim(owner: owner, now: now(), limit: batch, ids: id.map { $0...$0 } ?? ids, route: route)
        for (index, claim) in claims.enumerated() {
            if isStopping {
                try await store.release(claims[index...].map(\.id), now: now())
                return index
            }
            let report = await deliver(claim.outbound)
            try await store.record(report, for: claim.id, now: now(), random: random())
            progress(claim.id, report)
        }
        return claims.count
    }

    private func deliver(_ outbound: Outbound) async -> DeliveryReport {
        guard let transport = transports[outbound.channel] else {
            return .refused(.temporary(code: nil, reason: "no transport is configured for the \(outbound.channel) channel"))
        }
        return await transport.deliver(outbound)
    }

    /// Runs until stopped (or, with `untilIdle`, until nothing is due), waiting on the store when
    /// idle (`OutboxStore.waitForWork`: at most `pollInterval`). An
    /// outbox that cannot be reached for now (`OutboxError.isTransient`: a database server
    /// restarting) is waited for — 0.1 s, doubling up to 5 s, each wait told to `problem` — and
    /// tried again; any other error ends the run. A delivery whose outcome could not be recorded
    /// is attempted again when its lease expires.
    public func run(batch: Int = 10, pollInterval: Double = 1, untilIdle: Bool = false,
                    progress: @Sendable (Int64, DeliveryReport) -> Void = { _, _ in },
                    problem: @Sendable (String) -> Void = { _ in }) async throws {
        var backoff = 0.1
        var mark: UInt64 = 0
        while !isStopping {
            let done: Int
            do {
                done = try await runOnce(batch: batch, progress: progress)
                backoff = 0.1
            } catch let error as OutboxError where error.isTransient {
                problem("\(error.reason); trying again in \(backoff) s")
                try await Task.sleep(nanoseconds: UInt64(backoff * 1_000_000_000))
                backoff = min(backoff * 2, 5)
                continue
            }
            if done == 0 {
                if untilIdle { return }
                // Woken early by a store that hears enqueues (PostgreSQL's LISTEN/NOTIFY).
                mark = await store.waitForWork(since: mark, polling: .milliseconds(Int64(max(pollInterval, 0.001) * 1000)))
                try Task.checkCancellation()
            }
        }
    }

    /// Runs `workers` at once until all return; the first error stops the others and is thrown.
    public static func runAll(_ workers: [OutboxWorker], batch: Int = 10, pollInterval: Double = 1, untilIdle: Bool = false,
                              progress: @escaping @Sendable (Int64, DeliveryReport) -> Void = { _, _ in },
                              problem: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask {
                    do {
                        try await worker.run(batch: batch, pollInterval: pollInterval, untilIdle: untilIdle, progress: progress, problem: problem)
                    } catch {
                        for other in workers { other.stop() }
                        throw error
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
