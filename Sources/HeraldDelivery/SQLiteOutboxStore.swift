import Foundation
import GRDB
import HeraldChannels
import HeraldMIME

/// The durable outbox in SQLite (WAL mode, through GRDB): the embedded default, one file that
/// any number of worker processes on one machine share. See `Outbox` for the states a message
/// goes through and `OutboxStore` for the rules every store keeps.
public final class SQLiteOutboxStore: OutboxStore {
    public typealias State = Outbox.State
    public typealias Policy = Outbox.Policy
    public typealias Entry = Outbox.Entry
    public typealias RecipientState = Outbox.RecipientState
    public typealias Claim = Outbox.Claim
    public typealias Backlog = Outbox.Backlog

    private let queue: DatabaseQueue
    /// Copies the WAL into the database file on another thread, off the writers' path.
    private let checkpointer: WALCheckpointer
    public let policy: Policy
    /// The database file, as given: named in every error.
    public let path: String
    public var location: String { "the outbox \(path)" }

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
            throw OutboxError(.storage, "the outbox \(path) is read-only; make it writable (chmod u+w) or give another outbox path")
        }
        if isFolder.boolValue {
            throw OutboxError(.storage, "the outbox \(path) is a folder; the outbox path names the database file, like \(path)/outbox.sqlite")
        }
        if !exists && !create {
            throw OutboxError(.storage, "there is no outbox at \(path) (sending creates one; check the outbox path)")
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
                // The writer's own checkpoint is only a backstop (32 MB of WAL): the checkpointer
                // runs one every 4 MB written, on another thread (see WALCheckpointer).
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
            }
            try Self.migrator.migrate(queue)
            checkpointer = try WALCheckpointer(path: path, configuration: configuration)
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
            throw OutboxError(.storage, "\(path) is a SQLite database but not a Herald outbox (its tables: \(shown)); give another outbox path")
        }
    }

    /// Every database call: a failure becomes one line naming the outbox and the cause. SQLite
    /// blocks (up to 10 s on a busy database), so the call runs on Dispatch's pool, not on the
    /// cooperative threads of Swift concurrency.
    private func write<T: Sendable>(_ doing: OutboxOperation, pages: Int = 4, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Blocking.run { try self.writeNow(doing, pages: pages, body) }
    }

    /// `pages`: about how many pages the write adds to the WAL (counted towards the next checkpoint).
    private func writeNow<T>(_ doing: OutboxOperation, pages: Int = 4, _ body: (Database) throws -> T) throws -> T {
        do {
            let result = try queue.write(body)
            checkpointer.wrote(pages: pages)
            return result
        } catch let error as DatabaseError {
            throw OutboxError(storage: error, path: path, doing: doing)
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Blocking.run {
            do {
                return try self.queue.read(body)
            } catch let error as DatabaseError {
                throw OutboxError(storage: error, path: self.path, doing: .read)
            }
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

    /// Stores every message, or none: an error on the fifth (a full disk, an idempotency key
    /// used for other content) rolls back the four before it, so fixing the input and sending
    /// again never delivers them twice. Nothing is claimable before the commit.
    public func enqueue(_ outbounds: [Outbound], now: Double) async throws -> Outbox.Stored {
        try await Blocking.run { try self.enqueueNow(outbounds, now: now) }
    }

    /// `enqueue`, on the calling thread.
    public func enqueueNow(_ outbounds: [Outbound], now: Double) throws -> Outbox.Stored {
        // Each message: its body's overflow pages, its row, its recipients and the indexes.
        let pages = outbounds.reduce(0) { $0 + $1.bytes.count / 4096 + 4 }
        return try writeNow(.store, pages: pages) { db in
            var ids: [Int64] = []
            var inserted: [Int64] = []
            for outbound in outbounds {
                let (id, isNew) = try Self.insert(outbound, db: db, now: now)
                ids.append(id)
                if isNew { inserted.append(id) }
            }
            return Outbox.Stored(ids: ids, inserted: inserted)
        }
    }

    /// Stores one message; an idempotent repeat returns the stored message's ID.
    private static func insert(_ outbound: Outbound, db: Database, now: Double) throws -> (id: Int64, isNew: Bool) {
        guard case .bytes(let bytes) = outbound.payload else {
            throw OutboxError(.invalid, "a \(outbound.channel) media message is stored once its file is uploaded (Outbound.uploadingMedia)")
        }
        let recipients = outbound.recipients
        guard !recipients.isEmpty else { throw OutboxError(.invalid, "a message with no recipient cannot be stored") }
        // The fingerprint only matters for an idempotency key; hashing every body would cost
        // more than storing it.
        let key = outbound.idempotencyKey
        let hash = key == nil ? "" : outbound.fingerprint ?? Outbox.contentHash(bytes, sender: outbound.sender, recipients: recipients)
        if let key,
           let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, contentHash FROM message WHERE idempotencyKey = ?"), arguments: [key]) {
            guard existing["contentHash"] as String == hash else {
                throw OutboxError(.conflict, "the idempotency key \"\(key)\" was already used for a different message (outbox ID \(existing["id"] as Int64)); use a new key for new content")
            }
            return (existing["id"], false)
        }
        try db.cachedStatement(sql: """
            INSERT INTO message (idempotencyKey, contentHash, channel, mailFrom, smtputf8, size, state, nextAttemptAt, createdAt, updatedAt, route)
            VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)
            """).execute(arguments: [key, hash, outbound.channel.rawValue, outbound.sender, outbound.smtputf8, bytes.count, now, now, now, outbound.route])
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "INSERT INTO body (messageId, bytes) VALUES (?, ?)").execute(arguments: [id, Data(bytes)])
        for (position, recipient) in recipients.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO recipient (messageId, position, address, status) VALUES (?, ?, ?, 'pending')")
                .execute(arguments: [id, position, recipient])
        }
        return (id, true)
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
    public func claim(owner: String, now: Double, limit: Int, ids: ClosedRange<Int64>?, route: String?) async throws -> [Claim] {
        try await write(.claim, pages: 4 + limit) { db in
            // Two index walks (message_due is (state, nextAttemptAt), so each reads its rows in
            // order and stops at `limit`) merged here, rather than one OR that SQLite answered by
            // collecting every due row and sorting them all on every claim.
            let restrict = [ids?.lowerBound, ids?.lowerBound, ids?.upperBound, route, limit] as StatementArguments
            let queued = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, nextAttemptAt FROM message
                WHERE state = 'queued' AND nextAttemptAt <= ?
                  AND (? IS NULL OR id BETWEEN ? AND ?)
                  AND \(Self.forRoute)
                ORDER BY nextAttemptAt, id LIMIT ?
                """), arguments: [now] + restrict)
            let expired = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, nextAttemptAt FROM message
                WHERE state = 'sending' AND leaseExpiresAt < ?
                  AND (? IS NULL OR id BETWEEN ? AND ?)
                  AND \(Self.forRoute)
                ORDER BY nextAttemptAt, id LIMIT ?
                """), arguments: [now] + restrict)
            let due = (queued + expired)
                .map { (id: $0["id"] as Int64, at: $0["nextAttemptAt"] as Double) }
                .sorted { ($0.at, $0.id) < ($1.at, $1.id) }
                .prefix(limit).map(\.id)
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
                try db.cachedStatement(sql: "UPDATE message SET state = 'sending', leaseOwner = ?, leaseExpiresAt = ?, updatedAt = ? WHERE id = ?")
                    .execute(arguments: [owner, now + self.policy.leaseSeconds, now, id])
                guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT bytes, channel, mailFrom, smtputf8, route FROM message JOIN body ON body.messageId = message.id WHERE id = ?"),
                                                 arguments: [id]) else { continue }
                guard let channel = ChannelID(rawValue: row["channel"]) else {
                    // Written by something else: no transport can know what it is.
                    try db.execute(sql: "UPDATE message SET state = 'failed', lastError = ?, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ? WHERE id = ?",
                                   arguments: ["unknown channel '\(row["channel"] as String)'; expected \(ChannelID.list())", now, id])
                    continue
                }
                // One copy of the body, straight out of SQLite's buffer.
                let bytes = row.dataNoCopy(named: "bytes").map { [UInt8]($0) } ?? []
                let outbound = Outbound(channel: channel, sender: row["mailFrom"], recipients: pending, payload: .bytes(bytes),
                                        smtputf8: row["smtputf8"], route: row["route"])
                claims.append(Claim(id: id, outbound: outbound))
            }
            return claims
        }
    }

    /// Records an attempt's outcome and decides the message's next state. The report's
    /// recipients are matched to the message's by position — the i-th result is the i-th
    /// recipient the claim handed out (those still pending or deferred, in order) — never by
    /// spelling, so an address written differently in a reply (`"a>b"@example.com`) cannot
    /// stay pending and be delivered again on every run.
    public func record(_ report: DeliveryReport, for id: Int64, now: Double, random: Double) async throws {
        try await write(.record) { db in
            let handedOut = try Int.fetchAll(db.cachedStatement(sql: """
                SELECT position FROM recipient WHERE messageId = ? AND status IN ('pending', 'deferred') ORDER BY position
                """), arguments: [id])
            for (position, result) in zip(handedOut, report.recipients) {
                let status: RecipientState.Status = result.status == .accepted ? .accepted : result.status == .deferred ? .deferred : .rejected
                try db.cachedStatement(sql: "UPDATE recipient SET status = ?, code = ?, reply = ? WHERE messageId = ? AND position = ?")
                    .execute(arguments: [status.rawValue, result.code, result.reply, id, position])
            }
            let attempts = (try Int.fetchOne(db.cachedStatement(sql: "SELECT attempts FROM message WHERE id = ?"), arguments: [id]) ?? 0) + 1
            let outcome = Outbox.outcome(of: report, handedOut: handedOut.count, attempts: attempts, now: now, random: random, policy: self.policy)
            try db.cachedStatement(sql: """
                UPDATE message SET state = ?, attempts = ?, nextAttemptAt = ?, lastError = ?, leaseOwner = NULL, leaseExpiresAt = NULL, updatedAt = ?
                WHERE id = ?
                """).execute(arguments: [outcome.state.rawValue, attempts, outcome.nextAttemptAt, outcome.error, now, id])
        }
    }

    /// Gives back leases not used (a worker stopping cleanly).
    public func release(_ ids: [Int64], now: Double) async throws {
        try await write(.release) { db in
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
    public func retry(_ id: Int64, now: Double) async throws {
        try await write(.update) { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM message WHERE id = ?", arguments: [id]) else {
                throw OutboxError(.notFound, "no message with outbox ID \(id) in \(self.path) (see herald outbox list)")
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

    public func backlog(now: Double, route: String?) async throws -> Backlog {
        try await read { db in
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
    public func purge() async throws -> Int {
        try await write(.purge) { db in
            try db.execute(sql: "DELETE FROM message WHERE state IN ('sent', 'failed')")
            return db.changesCount
        }
    }

    public func entries() async throws -> [Entry] {
        try await read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM message ORDER BY id").compactMap { try Self.entry($0, in: db) }
        }
    }

    public func entry(_ id: Int64) async throws -> Entry? {
        try await read { db in try Self.entry(id, in: db) }
    }

    private static func entry(_ id: Int64, in db: Database) throws -> Entry? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, state, idempotencyKey, channel, mailFrom, attempts, nextAttemptAt, lastError, size FROM message WHERE id = ?
            """, arguments: [id]) else { return nil }
        let recipients = try Row.fetchAll(db, sql: "SELECT address, status, code, reply FROM recipient WHERE messageId = ? ORDER BY position", arguments: [id]).map {
            RecipientState(address: $0["address"], status: RecipientState.Status(rawValue: $0["status"]) ?? .pending, code: $0["code"], reply: $0["reply"])
        }
        return Entry(id: row["id"], state: State(rawValue: row["state"]) ?? .queued, idempotencyKey: row["idempotencyKey"],
                     channel: ChannelID(rawValue: row["channel"]) ?? .email, sender: row["mailFrom"], attempts: row["attempts"], nextAttemptAt: row["nextAttemptAt"], lastError: row["lastError"],
                     recipients: recipients, size: row["size"])
    }
}

/// What the outbox was doing when the database failed: named in the error, with what that
/// failure means for what is stored.
public enum OutboxOperation: Sendable {
    case open, read, store, claim, record, release, update, purge

    public var phrase: String {
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

    public var consequence: String {
        switch self {
        case .open, .read: return ""
        case .record:
            return "; the attempt's outcome was not stored, so the message is attempted again when its lease expires (a recipient that accepted it may get it twice)"
        default: return "; nothing of this operation was stored, what was stored before is kept"
        }
    }
}

/// Checkpoints of the outbox's WAL, on a connection of their own and a Dispatch thread: every
/// 4 MB that this store's writes add to the WAL, a passive checkpoint copies what is committed
/// into the database file (and syncs it), while the writer goes on — enqueueing the next message
/// or delivering through the transport — instead of doing it inside its own commit, which is
/// what SQLite's automatic checkpoint does (it is kept, at 32 MB, as the backstop when this one
/// falls behind or cannot run). A checkpoint changes nothing of what a commit guarantees: each
/// commit is in the WAL when it returns, with or without it.
final class WALCheckpointer: @unchecked Sendable {
    /// The writer's own automatic checkpoint: 8,192 pages of 4 KB.
    static let backstopPages = 8192
    /// About 4 MB, SQLite's default automatic checkpoint.
    static let everyPages = 1000

    private let connection: DatabaseQueue
    private let lock = NSLock()
    /// Pages written since the last checkpoint started, and whether one is running (guarded by `lock`).
    private var pages = 0
    private var running = false

    init(path: String, configuration: Configuration) throws {
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    func wrote(pages written: Int) {
        lock.lock()
        pages += written
        guard pages >= Self.everyPages, !running else {
            lock.unlock()
            return
        }
        pages = 0
        running = true
        lock.unlock()
        DispatchQueue.global().async {
            // A checkpoint that fails (the database busy, the disk full) is left to the next
            // one and to the writer's own; what is committed is in the WAL either way.
            _ = try? self.connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            self.lock.lock()
            self.running = false
            self.lock.unlock()
        }
    }
}
