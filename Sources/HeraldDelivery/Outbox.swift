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
        /// The first retry waits this long; each next one `factor` times as long, up to `maximumDelay`.
        public var baseDelay: Double = 30
        public var factor: Double = 2
        public var maximumDelay: Double = 3600
        /// ±20% so that many messages deferred together do not come back together.
        public var jitter: Double = 0.2
        public var leaseSeconds: Double = 120

        public init() {}

        func delay(afterAttempt attempt: Int, random: Double) -> Double {
            let exponential = min(baseDelay * pow(factor, Double(max(attempt - 1, 0))), maximumDelay)
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
    /// The database file, as given: named in every error.
    public let path: String

    /// Opens the outbox at `path`; `create: false` (commands that only look or act on what is
    /// there) refuses a missing file instead of making an empty outbox where a typo pointed.
    /// A file that is not SQLite, or a SQLite database that is not an outbox, is refused with
    /// one line — never migrated into.
    public init(path: String, policy: Policy = Policy(), create: Bool = true) throws {
        self.path = path
        self.policy = policy
        // SQLite reads "" and ":memory:" as a private database that vanishes when closed: a
        // message stored there would be lost without a word.
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else {
            throw OutboxError(.storage, "'\(path)' is not an outbox path; give a file, like .herald/outbox.sqlite")
        }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        var info = stat()
        if exists && stat(path, &info) == 0 && info.st_mode & 0o222 == 0 {
            // Even root, who could write it, respects an outbox its owner made read-only.
            throw OutboxError(.storage, "the outbox \(path) is read-only; make it writable (chmod u+w) or give another --outbox")
        }
        if isFolder.boolValue {
            throw OutboxError(.storage, "the outbox \(path) is a folder; --outbox names the database file, like \(path)/outbox.sqlite")
        }
        if !exists && !create {
            throw OutboxError(.storage, "there is no outbox at \(path) (herald send and herald worker create one; check --outbox or HERALD_OUTBOX)")
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A busy database (another worker writing) is waited for, not an error.
        configuration.busyMode = .timeout(10)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                // First: switching to WAL would already change somebody else's database file.
                try Self.checkIsOutbox(db, path: path)
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                // WAL with synchronous=NORMAL: a commit survives the process being killed (the WAL is
                // written before COMMIT returns); only an OS crash or power cut can lose the last few.
                // FULL would fsync every commit and cost more than the delivery itself.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw OutboxError(storage: error, path: path, doing: .open)
        }
    }

    /// A database with tables of its own is somebody else's: an outbox is empty (new) or has
    /// Herald's migrations.
    private static func checkIsOutbox(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        guard !tables.isEmpty else { return }
        let isOutbox = tables.contains("grdb_migrations") && tables.contains("message") && tables.contains("recipient")
        guard isOutbox else {
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            throw OutboxError(.storage, "\(path) is a SQLite database but not a Herald outbox (its tables: \(shown)); give another --outbox path")
        }
    }

    /// Every database call: a failure becomes one line naming the outbox and the cause.
    private func write<T>(_ doing: OutboxOperation, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch let error as DatabaseError {
            throw OutboxError(storage: error, path: path, doing: doing)
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as DatabaseError {
            throw OutboxError(storage: error, path: path, doing: .read)
        }
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
        migrator.registerMigration("v2: route") { db in
            // Where an email was meant to go (its SMTP URL, or the Maildir): a worker only
            // delivers what was meant for its own destination. NULL (older rows): any.
            try db.execute(sql: "ALTER TABLE message ADD COLUMN route TEXT")
        }
        return migrator
    }

    // MARK: Enqueue

    /// Stores a message for delivery and returns its ID. The same idempotency key with the same
    /// content returns the existing message; with different content it is an error. `fingerprint`
    /// says what "the same content" is when the bytes differ anyway from one composition to the
    /// next (a fresh Date and Message-ID); by default it is the bytes and the envelope.
    public func enqueue(_ bytes: [UInt8], envelope: Envelope, smtputf8: Bool, channel: String = "email", route: String? = nil,
                        idempotencyKey: String? = nil, fingerprint: String? = nil, now: Double) throws -> Int64 {
        try enqueue(bytes, channel: channel, sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec),
                    smtputf8: smtputf8, route: route, idempotencyKey: idempotencyKey, fingerprint: fingerprint, now: now)
    }

    /// Stores a message of any channel: an SMS or WhatsApp payload goes to phone numbers.
    public func enqueue(_ bytes: [UInt8], channel: String, sender: String, recipients: [String], smtputf8: Bool = false,
                        route: String? = nil, idempotencyKey: String? = nil, fingerprint: String? = nil, now: Double) throws -> Int64 {
        try inOneTransaction(now: now) { batch in
            try batch.enqueue(bytes, channel: channel, sender: sender, recipients: recipients, smtputf8: smtputf8, route: route,
                              idempotencyKey: idempotencyKey, fingerprint: fingerprint)
        }
    }

    /// Stores every message `body` enqueues, or none: an error thrown inside (a bad recipient on
    /// line 5 of a bulk send, a full disk) rolls back the ones before it, so fixing the input and
    /// sending again never delivers lines 1–4 twice. Nothing is claimable before the commit.
    public func inOneTransaction<T>(now: Double, _ body: (Batch) throws -> T) throws -> T {
        try write(.store) { db in try body(Batch(db: db, now: now)) }
    }

    /// Messages being stored together (see `inOneTransaction`).
    public final class Batch {
        fileprivate let db: Database
        fileprivate let now: Double
        /// The IDs this batch inserted, in order (contiguous: the transaction holds the write
        /// lock); an idempotent repeat returns an older ID and is not among them.
        public private(set) var inserted: [Int64] = []

        fileprivate init(db: Database, now: Double) {
            self.db = db
            self.now = now
        }

        /// Stores one message and returns its ID. The same idempotency key with the same
        /// content returns the existing message; with different content it is an error.
        /// `fingerprint` says what "the same content" is when the bytes differ anyway from one
        /// composition to the next (a fresh Date and Message-ID); by default it is the bytes
        /// and the envelope.
        /// `route` is where the message is meant to go (see `claim`): nil for any.
        public func enqueue(_ bytes: [UInt8], channel: String, sender: String, recipients: [String], smtputf8: Bool = false,
                            route: String? = nil, idempotencyKey: String? = nil, fingerprint: String? = nil) throws -> Int64 {
            guard !recipients.isEmpty else { throw OutboxError(.invalid, "a message with no recipient cannot be stored") }
            // The fingerprint only matters for an idempotency key; hashing every body would cost
            // more than storing it.
            let hash = idempotencyKey == nil ? "" : fingerprint ?? Outbox.contentHash(bytes, sender: sender, recipients: recipients)
            if let key = idempotencyKey,
               let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, contentHash FROM message WHERE idempotencyKey = ?"), arguments: [key]) {
                guard existing["contentHash"] as String == hash else {
                    throw OutboxError(.conflict, "the idempotency key \"\(key)\" was already used for a different message (outbox ID \(existing["id"] as Int64)); use a new key for new content")
                }
                return existing["id"]
            }
            try db.cachedStatement(sql: """
                INSERT INTO message (idempotencyKey, contentHash, channel, mailFrom, smtputf8, size, state, nextAttemptAt, createdAt, updatedAt, route)
                VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)
                """).execute(arguments: [idempotencyKey, hash, channel, sender, smtputf8, bytes.count, now, now, now, route])
            let id = db.lastInsertedRowID
            inserted.append(id)
            try db.cachedStatement(sql: "INSERT INTO body (messageId, bytes) VALUES (?, ?)").execute(arguments: [id, Data(bytes)])
            for (position, recipient) in recipients.enumerated() {
                try db.cachedStatement(sql: "INSERT INTO recipient (messageId, position, address, status) VALUES (?, ?, ?, 'pending')")
                    .execute(arguments: [id, position, recipient])
            }
            return id
        }

        public func enqueue(_ bytes: [UInt8], envelope: Envelope, smtputf8: Bool, route: String? = nil, idempotencyKey: String? = nil,
                            fingerprint: String? = nil) throws -> Int64 {
            try enqueue(bytes, channel: "email", sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec),
                        smtputf8: smtputf8, route: route, idempotencyKey: idempotencyKey, fingerprint: fingerprint)
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

    /// The messages a worker of one route (the `?`) may deliver: any other channel's (their
    /// provider is chosen by channel), an email stored for no route, or for this one.
    private static let forRoute = "(channel != 'email' OR route IS NULL OR route IS ?)"

    /// Leases up to `limit` due messages (queued and due, or sending with an expired lease) to
    /// `owner`, in one write transaction: two workers never claim the same message.
    ///
    /// `route` is the claiming worker's email destination: an email stored for another route
    /// (sent with `--via smtp://a` while this worker delivers to the Maildir) is left for a
    /// worker of its own — never misfiled. `ids` restricts the claim (one message, or one send's own).
    /// A message with no recipient left to serve is closed here (sent, or failed when some were
    /// rejected), never delivered to nobody.
    public func claim(owner: String, now: Double, limit: Int = 10, ids: ClosedRange<Int64>? = nil, route: String? = nil) throws -> [Claim] {
        try write(.claim) { db in
            let due = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM message
                WHERE ((state = 'queued' AND nextAttemptAt <= ?) OR (state = 'sending' AND leaseExpiresAt < ?))
                  AND (? IS NULL OR id BETWEEN ? AND ?)
                  AND \(Self.forRoute)
                ORDER BY nextAttemptAt, id LIMIT ?
                """), arguments: [now, now, ids?.lowerBound, ids?.lowerBound, ids?.upperBound, route, limit])
            var claims: [Claim] = []
            for id in due {
                let pending = try String.fetchAll(db.cachedStatement(sql: """
                    SELECT address FROM recipient WHERE messageId = ? AND status IN ('pending', 'deferred') ORDER BY position
                    """), arguments: [id])
                guard !pending.isEmpty else {
                    let rejected = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recipient WHERE messageId = ? AND status = 'rejected'", arguments: [id]) ?? 0
                    try db.execute(sql: "UPDATE message SET state = ?, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ? WHERE id = ?",
                                   arguments: [rejected > 0 ? State.failed.rawValue : State.sent.rawValue, now, id])
                    continue
                }
                try db.execute(sql: "UPDATE message SET state = 'sending', leaseOwner = ?, leaseExpiresAt = ?, updatedAt = ? WHERE id = ?",
                               arguments: [owner, now + policy.leaseSeconds, now, id])
                guard let row = try Row.fetchOne(db, sql: "SELECT bytes, channel, mailFrom, smtputf8 FROM message JOIN body ON body.messageId = message.id WHERE id = ?",
                                                 arguments: [id]) else { continue }
                claims.append(Claim(id: id, channel: row["channel"], bytes: [UInt8](row["bytes"] as Data), sender: row["mailFrom"],
                                    recipients: pending, smtputf8: row["smtputf8"]))
            }
            return claims
        }
    }

    /// Records an attempt's outcome and decides the message's next state. The report's
    /// recipients are matched to the message's by position — the i-th result is the i-th
    /// recipient the claim handed out (those still pending or deferred, in order) — never by
    /// spelling, so an address written differently in a reply (`"a>b"@example.com`) cannot
    /// stay pending and be delivered again on every run.
    public func record(_ report: DeliveryReport, for id: Int64, now: Double, random: Double = Double.random(in: 0...1)) throws {
        try write(.record) { db in
            let handedOut = try Int.fetchAll(db.cachedStatement(sql: """
                SELECT position FROM recipient WHERE messageId = ? AND status IN ('pending', 'deferred') ORDER BY position
                """), arguments: [id])
            for (position, result) in zip(handedOut, report.recipients) {
                let status: RecipientState.Status = result.status == .accepted ? .accepted : result.status == .deferred ? .deferred : .rejected
                try db.cachedStatement(sql: "UPDATE recipient SET status = ?, code = ?, reply = ? WHERE messageId = ? AND position = ?")
                    .execute(arguments: [status.rawValue, result.code, result.reply, id, position])
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
        try write(.release) { db in
            for id in ids {
                try db.execute(sql: "UPDATE message SET state = 'queued', leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ? WHERE id = ? AND state = 'sending'",
                               arguments: [now, id])
            }
        }
    }

    // MARK: Operators

    /// Puts a held (ambiguous) or failed message back in the queue, now — or a queued one
    /// waiting for its retry time ("retry now"). The same bytes, so the same Message-ID, which
    /// lets the receiving side recognize a duplicate. Recipients that accepted it are not sent
    /// it again; deferred ones are.
    public func retry(_ id: Int64, now: Double) throws {
        try write(.update) { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM message WHERE id = ?", arguments: [id]) else {
                throw OutboxError(.notFound, "no message with outbox ID \(id) in \(path) (see herald outbox list)")
            }
            guard [State.held, .failed, .queued].map(\.rawValue).contains(state) else {
                throw OutboxError(.conflict, state == State.sending.rawValue
                    ? "message \(id) is being delivered now; see herald outbox show \(id) for its outcome"
                    : "message \(id) is \(state); only held, failed or queued messages can be retried")
            }
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recipient WHERE messageId = ? AND status IN ('pending', 'deferred')", arguments: [id]) ?? 0
            guard open > 0 else {
                throw OutboxError(.conflict, "message \(id) has nobody left to send it to: every recipient accepted or refused it for good (see herald outbox show \(id))")
            }
            if state == State.failed.rawValue {
                // A new round of attempts: the budget that ran out starts again.
                try db.execute(sql: "UPDATE message SET attempts = 0 WHERE id = ?", arguments: [id])
            }
            try db.execute(sql: "UPDATE message SET state = 'queued', nextAttemptAt = ?, updatedAt = ? WHERE id = ?", arguments: [now, now, id])
            try db.execute(sql: "UPDATE recipient SET status = 'pending' WHERE messageId = ? AND status = 'deferred'", arguments: [id])
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
    }

    public func backlog(now: Double, route: String? = nil) throws -> Backlog {
        try read { db in
            let mine = Self.forRoute
            let due = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE state = 'queued' AND nextAttemptAt <= ? AND \(mine)", arguments: [now, route]) ?? 0
            let waiting = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE state = 'queued' AND nextAttemptAt > ? AND \(mine)", arguments: [now, route]) ?? 0
            let next = try Double.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM message WHERE state = 'queued' AND nextAttemptAt > ? AND \(mine)", arguments: [now, route])
            let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE state = 'held'") ?? 0
            let sending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message WHERE state = 'sending'") ?? 0
            var others: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT route, COUNT(*) AS count FROM message WHERE state = 'queued' AND channel = 'email' AND route IS NOT NULL AND route IS NOT ? GROUP BY route
                """, arguments: [route]) {
                others[row["route"]] = row["count"]
            }
            return Backlog(due: due, waiting: waiting, nextAttemptAt: next, held: held, sending: sending, otherRoutes: others)
        }
    }

    /// Deletes sent and failed messages; returns how many.
    @discardableResult
    public func purge() throws -> Int {
        try write(.purge) { db in
            try db.execute(sql: "DELETE FROM message WHERE state IN ('sent', 'failed')")
            return db.changesCount
        }
    }

    public func entries() throws -> [Entry] {
        try read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM message ORDER BY id").compactMap { try Self.entry($0, in: db) }
        }
    }

    public func entry(_ id: Int64) throws -> Entry? {
        try read { db in try Self.entry(id, in: db) }
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

/// A refused or failed outbox operation: one line that says what happened and what to do.
public struct OutboxError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The same idempotency key for other content; a message in a state that forbids it.
        case conflict
        /// No such message, or no outbox at the path.
        case notFound
        /// The database could not be read or written (a full disk, not an outbox, corrupt).
        case storage
        /// Something that cannot be stored (a message without recipients).
        case invalid
    }

    public var kind: Kind
    public var reason: String
    public var description: String { reason }

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// SQLite's own words, after what Herald was doing and with which file.
    init(storage error: DatabaseError, path: String, doing operation: OutboxOperation) {
        let cause: String
        switch error.resultCode {
        case .SQLITE_FULL: cause = "the disk is full"
        case .SQLITE_NOTADB: cause = "the file is not a SQLite database"
        case .SQLITE_CORRUPT: cause = "the database file is damaged"
        case .SQLITE_READONLY: cause = "the database is read-only"
        case .SQLITE_CANTOPEN: cause = "the file cannot be opened"
        case .SQLITE_BUSY, .SQLITE_LOCKED: cause = "the database stayed busy (another process holds a long write)"
        case .SQLITE_IOERR: cause = "a read or write of the file failed (a file size limit, or a failing disk)"
        default: cause = "SQLite error \(error.resultCode.rawValue)\(error.message.map { ": \($0)" } ?? "")"
        }
        // GRDB's description carries the SQL statement; SQLite's own message is enough.
        let detail = cause.hasPrefix("SQLite") ? "" : error.message.map { " (SQLite: \($0))" } ?? ""
        self.init(.storage, "cannot \(operation.phrase) the outbox \(path): \(cause)\(detail)\(operation.consequence)")
    }
}

/// What the outbox was doing when the database failed: named in the error, with what that
/// failure means for what is stored.
enum OutboxOperation {
    case open, read, store, claim, record, release, update, purge

    var phrase: String {
        switch self {
        case .open: return "open"
        case .read: return "read"
        case .store: return "store messages in"
        case .claim: return "claim messages in"
        case .record: return "record a delivery in"
        case .release: return "release messages in"
        case .update: return "update"
        case .purge: return "purge"
        }
    }

    var consequence: String {
        switch self {
        case .open, .read: return ""
        case .record:
            return "; the attempt's outcome was not stored, so the message is attempted again when its lease expires (a recipient that accepted it may get it twice)"
        default: return "; nothing of this operation was stored, what was stored before is kept"
        }
    }
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
