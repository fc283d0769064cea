import Foundation
import GRDB
import HeraldMIME

/// The durable outbox (SQLite in WAL mode, through GRDB). A message is committed — bytes,
/// envelope, channel, idempotency key — before any delivery attempt, and moves through:
///
///     queued ──claim──► sending (a lease with an expiry) ──► sent
///        ▲                 │  │                     └─────► failed  (permanent, with the reason)
///        └── retry time ◄──┘  └── ambiguous ──► held (a person decides: `herald outbox retry ID`)
///
/// A worker killed mid-batch loses nothing: its leases expire and another claim picks the
/// messages up again (at-least-once). Recipients have their own state, so a partial failure
/// retries only the recipients that failed temporarily.
public final class Outbox: Sendable {
    public enum State: String, Sendable, Codable {
        case queued, sending, sent, failed, held
    }

    public struct Policy: Sendable {
        /// Attempts before a temporary failure becomes permanent.
        public var maximumAttempts = 8
        /// The first retry waits this long; each next one twice as long, up to `maximumDelay`.
        public var baseDelay: Double = 30
        public var maximumDelay: Double = 3600
        /// ±20% so that many messages deferred together do not come back together.
        public var jitter: Double = 0.2
        public var leaseSeconds: Double = 120

        public init() {}

        func delay(afterAttempt attempt: Int, random: Double) -> Double {
            let exponential = min(baseDelay * pow(2, Double(max(attempt - 1, 0))), maximumDelay)
            return exponential * (1 + jitter * (random * 2 - 1))
        }
    }

    /// A message in the outbox, with its recipients.
    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var state: State
        public var idempotencyKey: String?
        public var channel: String
        public var mailFrom: String
        public var attempts: Int
        public var nextAttemptAt: Double
        public var lastError: String?
        public var recipients: [RecipientState]
        public var size: Int
    }

    public struct RecipientState: Sendable, Equatable {
        public enum Status: String, Sendable { case pending, accepted, deferred, rejected }
        public var address: String
        public var status: Status
        public var code: Int?
        public var reply: String?
    }

    /// A claimed message, ready to deliver to the recipients that still need it.
    public struct Claim: Sendable {
        public var id: Int64
        public var channel: String
        public var bytes: [UInt8]
        /// The sender and the recipients still to serve, as stored (addresses or phone numbers).
        public var sender: String
        public var recipients: [String]
        public var smtputf8: Bool

        /// The SMTP envelope of an email claim (nil for other channels).
        public var envelope: Envelope? {
            guard channel == "email", let from = try? EmailAddress(validating: sender) else { return nil }
            let addresses = recipients.compactMap { try? EmailAddress(validating: $0) }
            return addresses.count == recipients.count ? Envelope(mailFrom: from, recipients: addresses) : nil
        }
    }

    private let queue: DatabaseQueue
    public let policy: Policy

    public init(path: String, policy: Policy = Policy()) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A busy database (another worker writing) is waited for, not an error.
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        self.policy = policy
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        // WAL with synchronous=NORMAL: a commit survives the process being killed (the WAL is
        // written before COMMIT returns); only an OS crash or power cut can lose the last few.
        // FULL would fsync every commit and cost more than the delivery itself.
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        try Self.migrator.migrate(queue)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    idempotencyKey TEXT UNIQUE,
                    contentHash TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    mailFrom TEXT NOT NULL,
                    smtputf8 INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    nextAttemptAt REAL NOT NULL,
                    leaseOwner TEXT,
                    leaseExpiresAt REAL,
                    lastError TEXT,
                    createdAt REAL NOT NULL,
                    updatedAt REAL NOT NULL
                );
                CREATE INDEX message_due ON message(state, nextAttemptAt);
                -- Bodies live apart: a scan of message rows never walks a blob's overflow pages.
                CREATE TABLE body (
                    messageId INTEGER PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE,
                    bytes BLOB NOT NULL
                );
                CREATE TABLE recipient (
                    messageId INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    address TEXT NOT NULL,
                    status TEXT NOT NULL,
                    code INTEGER,
                    reply TEXT,
                    PRIMARY KEY (messageId, position)
                );
                """)
        }
        return migrator
    }

    // MARK: Enqueue

    /// Stores a message for delivery and returns its ID. The same idempotency key with the same
    /// content returns the existing message; with different content it is an error. `fingerprint`
    /// says what "the same content" is when the bytes differ anyway from one composition to the
    /// next (a fresh Date and Message-ID); by default it is the bytes and the envelope.
    public func enqueue(_ bytes: [UInt8], envelope: Envelope, smtputf8: Bool, channel: String = "email",
                        idempotencyKey: String? = nil, fingerprint: String? = nil, now: Double) throws -> Int64 {
        try enqueue(bytes, channel: channel, sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec),
                    smtputf8: smtputf8, idempotencyKey: idempotencyKey, fingerprint: fingerprint, now: now)
    }

    /// Stores a message of any channel: an SMS or WhatsApp payload goes to phone numbers.
    public func enqueue(_ bytes: [UInt8], channel: String, sender: String, recipients: [String], smtputf8: Bool = false,
                        idempotencyKey: String? = nil, fingerprint: String? = nil, now: Double) throws -> Int64 {
        // The fingerprint only matters for an idempotency key; hashing every body would cost
        // more than storing it.
        let hash = idempotencyKey == nil ? "" : fingerprint ?? Self.contentHash(bytes, sender: sender, recipients: recipients)
        return try queue.write { db in
            if let key = idempotencyKey,
               let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, contentHash FROM message WHERE idempotencyKey = ?"), arguments: [key]) {
                guard existing["contentHash"] as String == hash else {
                    throw OutboxError(reason: "the idempotency key \"\(key)\" was already used for a different message (outbox ID \(existing["id"] as Int64)); use a new key for new content")
                }
                return existing["id"]
            }
            try db.cachedStatement(sql: """
                INSERT INTO message (idempotencyKey, contentHash, channel, mailFrom, smtputf8, size, state, nextAttemptAt, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
                """).execute(arguments: [idempotencyKey, hash, channel, sender, smtputf8, bytes.count, now, now, now])
            let id = db.lastInsertedRowID
            try db.cachedStatement(sql: "INSERT INTO body (messageId, bytes) VALUES (?, ?)").execute(arguments: [id, Data(bytes)])
            for (position, recipient) in recipients.enumerated() {
                try db.execute(sql: "INSERT INTO recipient (messageId, position, address, status) VALUES (?, ?, ?, 'pending')",
                               arguments: [id, position, recipient])
            }
            return id
        }
    }

    public static func contentHash(_ bytes: [UInt8], sender: String, recipients: [String]) -> String {
        var hasher = StableHash()
        hasher.add(Array(sender.utf8))
        for recipient in recipients { hasher.add(Array(("\n" + recipient).utf8)) }
        hasher.add(bytes)
        return hasher.hex
    }

    // MARK: Claim and record

    /// Leases up to `limit` due messages (queued and due, or sending with an expired lease) to
    /// `owner`, in one write transaction: two workers never claim the same message.
    public func claim(owner: String, now: Double, limit: Int = 10, only id: Int64? = nil) throws -> [Claim] {
        try queue.write { db in
            let ids = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM message
                WHERE ((state = 'queued' AND nextAttemptAt <= ?) OR (state = 'sending' AND leaseExpiresAt < ?))
                  AND (? IS NULL OR id = ?)
                ORDER BY nextAttemptAt, id LIMIT ?
                """), arguments: [now, now, id, id, limit])
            var claims: [Claim] = []
            for id in ids {
                try db.execute(sql: "UPDATE message SET state = 'sending', leaseOwner = ?, leaseExpiresAt = ?, updatedAt = ? WHERE id = ?",
                               arguments: [owner, now + policy.leaseSeconds, now, id])
                guard let row = try Row.fetchOne(db, sql: "SELECT bytes, channel, mailFrom, smtputf8 FROM message JOIN body ON body.messageId = message.id WHERE id = ?",
                                                 arguments: [id]) else { continue }
                let pending = try String.fetchAll(db.cachedStatement(sql: """
                    SELECT address FROM recipient WHERE messageId = ? AND status IN ('pending', 'deferred') ORDER BY position
                    """), arguments: [id])
                claims.append(Claim(id: id, channel: row["channel"], bytes: [UInt8](row["bytes"] as Data), sender: row["mailFrom"],
                                    recipients: pending, smtputf8: row["smtputf8"]))
            }
            return claims
        }
    }

    /// Records an attempt's outcome and decides the message's next state.
    public func record(_ report: DeliveryReport, for id: Int64, now: Double, random: Double = Double.random(in: 0...1)) throws {
        try queue.write { db in
            for result in report.recipients {
                let status: RecipientState.Status = result.status == .accepted ? .accepted : result.status == .deferred ? .deferred : .rejected
                try db.execute(sql: "UPDATE recipient SET status = ?, code = ?, reply = ? WHERE messageId = ? AND address = ? AND status IN ('pending', 'deferred')",
                               arguments: [status.rawValue, result.code, result.reply, id, result.address])
            }
            let attempts = (try Int.fetchOne(db.cachedStatement(sql: "SELECT attempts FROM message WHERE id = ?"), arguments: [id]) ?? 0) + 1
            let open = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM recipient WHERE messageId = ? AND status IN ('pending', 'deferred')"), arguments: [id]) ?? 0
            var state: State
            var error: String? = nil
            var next = now
            switch report.failure {
            case .ambiguous(let reason)?:
                state = .held
                error = reason
            case .permanent(_, let reason)?:
                state = .failed
                error = reason
            case .temporary(_, let reason)?:
                state = attempts >= policy.maximumAttempts ? .failed : .queued
                error = reason
                next = now + policy.delay(afterAttempt: attempts, random: random)
            case nil:
                if open == 0 {
                    state = .sent
                } else {
                    state = attempts >= policy.maximumAttempts ? .failed : .queued
                    error = "\(open) recipient(s) deferred"
                    next = now + policy.delay(afterAttempt: attempts, random: random)
                }
            }
            try db.cachedStatement(sql: """
                UPDATE message SET state = ?, attempts = ?, nextAttemptAt = ?, lastError = ?, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ?
                WHERE id = ?
                """).execute(arguments: [state.rawValue, attempts, next, error, now, id])
        }
    }

    /// Gives back leases not used (a worker stopping cleanly).
    public func release(_ ids: [Int64], now: Double) throws {
        try queue.write { db in
            for id in ids {
                try db.execute(sql: "UPDATE message SET state = 'queued', leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ? WHERE id = ? AND state = 'sending'",
                               arguments: [now, id])
            }
        }
    }

    // MARK: Operators

    /// Puts a held (ambiguous) or failed message back in the queue, now: the same bytes, so the
    /// same Message-ID, which lets the receiving side recognize a duplicate.
    public func retry(_ id: Int64, now: Double) throws {
        try queue.write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM message WHERE id = ?", arguments: [id]) else {
                throw OutboxError(reason: "no message with outbox ID \(id)")
            }
            guard state == State.held.rawValue || state == State.failed.rawValue else {
                throw OutboxError(reason: "message \(id) is \(state); only held or failed messages can be retried")
            }
            try db.execute(sql: "UPDATE message SET state = 'queued', nextAttemptAt = ?, updatedAt = ? WHERE id = ?", arguments: [now, now, id])
            try db.execute(sql: "UPDATE recipient SET status = 'pending' WHERE messageId = ? AND status = 'deferred'", arguments: [id])
        }
    }

    /// Deletes sent and failed messages; returns how many.
    @discardableResult
    public func purge() throws -> Int {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM message WHERE state IN ('sent', 'failed')")
            return db.changesCount
        }
    }

    public func entries() throws -> [Entry] {
        try queue.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM message ORDER BY id").compactMap { try Self.entry($0, in: db) }
        }
    }

    public func entry(_ id: Int64) throws -> Entry? {
        try queue.read { db in try Self.entry(id, in: db) }
    }

    private static func entry(_ id: Int64, in db: Database) throws -> Entry? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, state, idempotencyKey, channel, mailFrom, attempts, nextAttemptAt, lastError, size FROM message WHERE id = ?
            """, arguments: [id]) else { return nil }
        let recipients = try Row.fetchAll(db, sql: "SELECT address, status, code, reply FROM recipient WHERE messageId = ? ORDER BY position", arguments: [id]).map {
            RecipientState(address: $0["address"], status: RecipientState.Status(rawValue: $0["status"]) ?? .pending, code: $0["code"], reply: $0["reply"])
        }
        return Entry(id: row["id"], state: State(rawValue: row["state"]) ?? .queued, idempotencyKey: row["idempotencyKey"], channel: row["channel"],
                     mailFrom: row["mailFrom"], attempts: row["attempts"], nextAttemptAt: row["nextAttemptAt"], lastError: row["lastError"],
                     recipients: recipients, size: row["size"])
    }
}

/// A refused outbox operation: says what to do instead.
public struct OutboxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// FNV-1a 64 over two lanes: a content fingerprint for idempotency (not a security boundary).
struct StableHash {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9E37_79B9
        }
    }

    var hex: String {
        func pad(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return pad(a) + pad(b)
    }
}
