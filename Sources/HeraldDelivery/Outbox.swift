import Foundation
import HeraldChannels
import HeraldMIME

/// The outbox's values, shared by every `OutboxStore`. A message is committed — payload,
/// recipients, channel, idempotency key — before any delivery attempt, and moves through:
///
///     queued ──claim──► sending (a lease with an expiry) ──► sent
///        ▲                 │  │                     └─────► failed  (permanent, with the reason)
///        └── retry time ◄──┘  └── ambiguous ──► held (a person decides: `herald outbox retry ID`)
///
/// A worker killed mid-batch loses nothing: its leases expire and another claim picks the
/// messages up again (at-least-once). Recipients have their own state, so a partial failure
/// retries only the recipients that failed temporarily.
public enum Outbox {
    public enum State: String, Sendable, Codable {
        case queued, sending, sent, failed, held
    }

    /// When temporary failures are tried again, and how long a claim is held.
    public struct Policy: Sendable, Equatable {
        /// Attempts before a temporary failure becomes permanent.
        public var maximumAttempts = 8
        /// The first retry waits this long; each next one `factor` times as long, up to `maximumDelay`.
        public var baseDelay: Double = 30
        public var factor: Double = 2
        public var maximumDelay: Double = 3600
        /// ±20% so that many messages deferred together do not come back together.
        public var jitter: Double = 0.2
        public var leaseSeconds: Double = 120

        public init() {}

        public func delay(afterAttempt attempt: Int, random: Double) -> Double {
            let exponential = min(baseDelay * pow(factor, Double(max(attempt - 1, 0))), maximumDelay)
            return exponential * (1 + jitter * (random * 2 - 1))
        }
    }

    /// A message in the outbox, with its recipients.
    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var state: State
        public var idempotencyKey: String?
        public var channel: ChannelID
        /// The sender as stored: an email's envelope sender, the channel's name otherwise.
        public var sender: String
        public var attempts: Int
        public var nextAttemptAt: Double
        public var lastError: String?
        public var recipients: [RecipientState]
        public var size: Int

        public init(id: Int64, state: State, idempotencyKey: String?, channel: ChannelID, sender: String, attempts: Int, nextAttemptAt: Double,
                    lastError: String?, recipients: [RecipientState], size: Int) {
            self.id = id
            self.state = state
            self.idempotencyKey = idempotencyKey
            self.channel = channel
            self.sender = sender
            self.attempts = attempts
            self.nextAttemptAt = nextAttemptAt
            self.lastError = lastError
            self.recipients = recipients
            self.size = size
        }
    }

    public struct RecipientState: Sendable, Equatable {
        public enum Status: String, Sendable { case pending, accepted, deferred, rejected }
        public var address: String
        public var status: Status
        public var code: Int?
        public var reply: String?

        public init(address: String, status: Status, code: Int? = nil, reply: String? = nil) {
            self.address = address
            self.status = status
            self.code = code
            self.reply = reply
        }
    }

    /// A claimed message: its outbox ID, and the message with only the recipients that still
    /// need it (in stored order).
    public struct Claim: Sendable {
        public var id: Int64
        public var outbound: Outbound

        public init(id: Int64, outbound: Outbound) {
            self.id = id
            self.outbound = outbound
        }
    }

    /// What `enqueue` stored: every message's ID in order, and which of them this call
    /// inserted (an idempotent repeat returns an older ID and is not among them).
    public struct Stored: Sendable, Equatable {
        public var ids: [Int64]
        public var inserted: [Int64]

        public init(ids: [Int64], inserted: [Int64]) {
            self.ids = ids
            self.inserted = inserted
        }

        /// The inserted IDs as one range (they are contiguous: one transaction stored them).
        public var insertedRange: ClosedRange<Int64>? {
            guard let first = inserted.first, let last = inserted.last else { return nil }
            return first...last
        }
    }

    /// What is left to do: messages waiting for their retry time (and the earliest), held ones.
    public struct Backlog: Equatable, Sendable {
        /// Due now, for this route (or any channel's provider).
        public var due: Int
        public var waiting: Int
        public var nextAttemptAt: Double?
        public var held: Int
        public var sending: Int
        /// Queued emails meant for other routes, by route.
        public var otherRoutes: [String: Int] = [:]

        public init(due: Int, waiting: Int, nextAttemptAt: Double?, held: Int, sending: Int, otherRoutes: [String: Int] = [:]) {
            self.due = due
            self.waiting = waiting
            self.nextAttemptAt = nextAttemptAt
            self.held = held
            self.sending = sending
            self.otherRoutes = otherRoutes
        }
    }

    /// What an attempt leaves of a message: its next state, when it is next due, the error shown.
    public struct Outcome: Sendable, Equatable {
        public var state: State
        public var nextAttemptAt: Double
        public var error: String?
    }

    /// The state an attempt's `report` leads to — the rule every store applies the same way.
    /// `handedOut`: the recipients the claim gave the worker (still pending or deferred);
    /// `attempts`: this attempt's number; `random` in 0...1 picks the retry jitter.
    public static func outcome(of report: DeliveryReport, handedOut: Int, attempts: Int, now: Double, random: Double, policy: Policy) -> Outcome {
        // The recipients still open after this attempt: those handed out that did not accept or
        // refuse for good.
        let results = report.recipients.prefix(handedOut)
        let open = handedOut - results.count + results.filter { $0.status == .deferred }.count
        let retryAt = now + policy.delay(afterAttempt: attempts, random: random)
        let outOfAttempts = attempts >= policy.maximumAttempts
        switch report.failure {
        case .ambiguous(let reason)?:
            return Outcome(state: .held, nextAttemptAt: now, error: reason)
        case .permanent(_, let reason)?:
            return Outcome(state: .failed, nextAttemptAt: now, error: reason)
        case .temporary(_, let reason)?:
            return Outcome(state: outOfAttempts ? .failed : .queued, nextAttemptAt: retryAt, error: reason)
        case nil:
            if open == 0 { return Outcome(state: .sent, nextAttemptAt: now, error: nil) }
            return Outcome(state: outOfAttempts ? .failed : .queued, nextAttemptAt: retryAt, error: "\(open) recipient(s) deferred")
        }
    }

    /// The content fingerprint of a message for its idempotency key, when the caller gives
    /// none: the sender, each recipient and the payload.
    public static func contentHash(_ bytes: [UInt8], sender: String, recipients: [String]) -> String {
        var hasher = ContentHash(seed: ContentHash.fingerprintSeed)
        hasher.add(Array(sender.utf8))
        for recipient in recipients { hasher.add(Array(("\n" + recipient).utf8)) }
        hasher.add(bytes)
        return hasher.hexDigest
    }
}

/// Where outbound messages wait for delivery: the SQLite store (`SQLiteOutboxStore`) is the
/// first; every store passes the same conformance suite (`OutboxStoreConformanceTests` in
/// Tests/HeraldDeliveryTests, run for every `OutboxStoreKind`).
///
/// The rules every store keeps: `enqueue` stores all of its messages or none, and validates
/// before storing; the same idempotency key with the same content returns the stored message,
/// with other content is a conflict; `claim` leases due messages so that two workers never hold
/// the same one, and leaves emails meant for another route alone; `record` matches results to
/// recipients by position; nothing is claimable before it is committed.
public protocol OutboxStore: Sendable {
    /// The retry and lease policy.
    var policy: Outbox.Policy { get }
    /// Where the store is, for messages ("the outbox .herald/outbox.sqlite").
    var location: String { get }

    /// Stores every message or none (a media plan must have been uploaded first).
    func enqueue(_ outbounds: [Outbound], now: Double) async throws -> Outbox.Stored

    /// Leases up to `limit` due messages to `owner`. `route`: the claiming worker's email
    /// destination; `ids`: only these messages.
    func claim(owner: String, now: Double, limit: Int, ids: ClosedRange<Int64>?, route: String?) async throws -> [Outbox.Claim]

    /// Records an attempt's outcome (results matched to the claim's recipients by position) and
    /// decides the next state; `random` in 0...1 picks the retry jitter.
    func record(_ report: DeliveryReport, for id: Int64, now: Double, random: Double) async throws

    /// Gives back leases not used (a worker stopping cleanly).
    func release(_ ids: [Int64], now: Double) async throws

    /// Held, failed or waiting → queued and due now.
    func retry(_ id: Int64, now: Double) async throws

    func backlog(now: Double, route: String?) async throws -> Outbox.Backlog

    /// Deletes sent and failed messages; returns how many.
    func purge() async throws -> Int

    func entries() async throws -> [Outbox.Entry]

    func entry(_ id: Int64) async throws -> Outbox.Entry?

    /// An idle worker's pause: returns once work may have arrived — at once when the store
    /// heard of an enqueue or a retry since `mark` — or after `polling` (the default just
    /// waits: SQLite is polled). Returns the mark to pass next time (0 the first time).
    func waitForWork(since mark: UInt64, polling: Duration) async -> UInt64
}

extension OutboxStore {
    public func waitForWork(since mark: UInt64, polling: Duration) async -> UInt64 {
        try? await Task.sleep(for: polling)
        return mark
    }

    /// Stores one message and returns its ID.
    public func enqueue(_ outbound: Outbound, now: Double) async throws -> Int64 {
        let stored = try await enqueue([outbound], now: now)
        guard let id = stored.ids.first else { throw OutboxError(.invalid, "nothing was stored") }
        return id
    }

    public func record(_ report: DeliveryReport, for id: Int64, now: Double) async throws {
        try await record(report, for: id, now: now, random: Double.random(in: 0...1))
    }
}
