import Foundation
import HeraldChannels
import HeraldDelivery
import HeraldMIME
import Logging
import PostgresNIO

/// The durable outbox in PostgreSQL (postgres-nio): one database that worker and server
/// processes on many machines share. The same rules as `SQLiteOutboxStore` — the conformance
/// suite runs against both — with PostgreSQL's own tools for many writers: claims take rows with
/// `FOR UPDATE SKIP LOCKED` (two workers never wait for, or get, the same message), an
/// idempotency key is a unique constraint (`ON CONFLICT DO NOTHING`, so two processes storing the
/// same key at once store it once), and the schema is migrated under an advisory lock, so
/// processes starting together migrate it once.
public final class PostgresOutboxStore: OutboxStore {
    public typealias State = Outbox.State
    public typealias Entry = Outbox.Entry
    public typealias Claim = Outbox.Claim
    public typealias RecipientState = Outbox.RecipientState

    public let policy: Outbox.Policy
    public var database: PostgresLocation { pool.location }
    public var location: String { "the outbox \(database)" }

    private let pool: PostgresDatabase
    private let group = EnqueueGroup()
    /// Rings when any process stores or retries messages (`waitForWork`).
    private let bell: EventBell
    private static var logger: Logger { PostgresDatabase.logger }

    /// Connects to `database` (once, directly: a wrong password or an unreachable server is an
    /// error now, not after the pool's minute of retries), migrates its schema, and keeps a pool
    /// of up to `connections` connections.
    /// `callTimeout`: how long one call (a transaction) may take before it is abandoned as a
    /// transient failure (`PostgresDatabase.NoAnswer`).
    public static func open(_ database: PostgresLocation, policy: Outbox.Policy = Outbox.Policy(), connections: Int = 4,
                            callTimeout: Duration = .seconds(30)) async throws -> PostgresOutboxStore {
        let pool: PostgresDatabase
        do {
            pool = try await PostgresDatabase.connect(database, connections: connections, callTimeout: callTimeout)
        } catch {
            throw Self.failure(error, database: database, doing: .open)
        }
        let store = PostgresOutboxStore(pool: pool, policy: policy)
        do {
            try await pool.migrate(versionTable: "herald_outbox_schema", lock: Self.migrationLock, migrations: Self.migrations) { version in
                OutboxError(.storage, "the outbox \(database) has schema version \(version), newer than this Herald knows (\(Self.migrations.count)); upgrade Herald")
            }
        } catch let error as OutboxError {
            throw error
        } catch {
            throw Self.failure(error, database: database, doing: .open)
        }
        return store
    }

    private init(pool: PostgresDatabase, policy: Outbox.Policy) {
        self.pool = pool
        self.policy = policy
        bell = EventBell(location: pool.location, channel: EventBell.outboxWork)
        group.storing { [weak self] batches in
            guard let self else { return [] }
            return await self.store(batches)
        }
    }

    deinit {
        let bell = self.bell
        Task { await bell.stop() }
    }

    // MARK: Schema

    /// Versions in order; each runs once, in a transaction holding the advisory lock, so two
    /// processes starting at once never both run one.
    private static let migrations: [String] = [
        """
        CREATE TABLE herald_outbox_message (
            id BIGSERIAL PRIMARY KEY,
            idempotency_key TEXT UNIQUE,
            content_hash TEXT NOT NULL,
            channel TEXT NOT NULL,
            mail_from TEXT NOT NULL,
            smtputf8 BOOLEAN NOT NULL,
            size BIGINT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at DOUBLE PRECISION NOT NULL,
            lease_owner TEXT,
            lease_expires_at DOUBLE PRECISION,
            last_error TEXT,
            route TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX herald_outbox_message_due ON herald_outbox_message (state, next_attempt_at);
        -- Bodies apart, as in SQLite: claims and reports scan the small rows only.
        CREATE TABLE herald_outbox_body (
            message_id BIGINT PRIMARY KEY REFERENCES herald_outbox_message (id) ON DELETE CASCADE,
            bytes BYTEA NOT NULL
        );
        CREATE TABLE herald_outbox_recipient (
            message_id BIGINT NOT NULL REFERENCES herald_outbox_message (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            address TEXT NOT NULL,
            status TEXT NOT NULL,
            code INTEGER,
            reply TEXT,
            PRIMARY KEY (message_id, position)
        );
        """,
    ]

    /// An arbitrary constant: the advisory lock every Herald outbox migration takes.
    private static let migrationLock: Int64 = 0x4865_7261_6C64_4F42

    // MARK: Enqueue

    /// Stores every message or none. Enqueues that arrive while another is being committed
    /// wait and are committed together, in one transaction (`EnqueueGroup`): one flush of the
    /// disk for many callers, and a refused one refuses only itself.
    public func enqueue(_ outbounds: [Outbound], now: Double) async throws -> Outbox.Stored {
        // Checked before the transaction: nothing is sent to the database for a bad batch.
        for outbound in outbounds {
            guard case .bytes = outbound.payload else {
                throw OutboxError(.invalid, "a \(outbound.channel) media message is stored once its file is uploaded (Outbound.uploadingMedia)")
            }
            guard !outbound.recipients.isEmpty else { throw OutboxError(.invalid, "a message with no recipient cannot be stored") }
        }
        return try await group.enqueue(outbounds, now: now)
    }

    /// Stores the callers' batches in one transaction; each batch's result in order. A batch
    /// refused by the outbox's own rules (an idempotency key reused for other content) is rolled
    /// back to its savepoint alone; if the transaction fails otherwise, batches of a group are
    /// tried again one transaction each, so a bad one cannot take its neighbours with it.
    private func store(_ batches: [EnqueueGroup.Batch]) async -> [Result<Outbox.Stored, any Error>] {
        do {
            return try await transaction(.store) { connection in
                var results: [Result<Outbox.Stored, any Error>] = []
                for batch in batches {
                    // A savepoint (two more round trips) only where a refusal could leave part of
                    // a batch behind: a one-message batch refused by its key has stored nothing.
                    let savepoint = batches.count > 1 && batch.outbounds.count > 1
                    if savepoint { try await connection.query("SAVEPOINT herald_enqueue", logger: Self.logger) }
                    do {
                        results.append(.success(try await Self.insert(batch.outbounds, now: batch.now, connection: connection)))
                        if savepoint { try await connection.query("RELEASE SAVEPOINT herald_enqueue", logger: Self.logger) }
                    } catch let error as OutboxError where batches.count > 1 && error.kind == .conflict {
                        if savepoint { try await connection.query("ROLLBACK TO SAVEPOINT herald_enqueue", logger: Self.logger) }
                        results.append(.failure(error))
                    }
                }
                // Idle workers on every machine wake when this commits.
                if results.contains(where: { (try? $0.get())?.inserted.isEmpty == false }) { try await Self.announceWork(connection) }
                return results
            }
        } catch {
            guard batches.count > 1, !((error as? OutboxError)?.isTransient ?? false) else { return batches.map { _ in .failure(error) } }
            var results: [Result<Outbox.Stored, any Error>] = []
            for batch in batches { results.append(await store([batch]).first ?? .failure(error)) }
            return results
        }
    }

    private static func insert(_ outbounds: [Outbound], now: Double, connection: PostgresConnection) async throws -> Outbox.Stored {
        var ids: [Int64] = []
        var inserted: [Int64] = []
        for outbound in outbounds {
            let (id, isNew) = try await insert(outbound, connection: connection, now: now)
            ids.append(id)
            if isNew { inserted.append(id) }
        }
        return Outbox.Stored(ids: ids, inserted: inserted)
    }

    /// One statement (one round trip): the message, its body and its recipients.
    private static func insert(_ outbound: Outbound, connection: PostgresConnection, now: Double) async throws -> (id: Int64, isNew: Bool) {
        guard case .bytes(let bytes) = outbound.payload else { throw OutboxError(.invalid, "a media message is stored once uploaded") }
        let key = outbound.idempotencyKey
        let hash = key == nil ? "" : outbound.fingerprint ?? Outbox.contentHash(bytes, sender: outbound.sender, recipients: outbound.recipients)
        // A key stored by another process at the same moment waits for its commit, then
        // conflicts: DO NOTHING returns no row (and inserts no body or recipient), and the
        // stored one is compared below.
        let rows = try await connection.query("""
            WITH message AS (
              INSERT INTO herald_outbox_message (idempotency_key, content_hash, channel, mail_from, smtputf8, size, state, next_attempt_at, created_at, updated_at, route)
              VALUES (\(key), \(hash), \(outbound.channel.rawValue), \(outbound.sender), \(outbound.smtputf8), \(Int64(bytes.count)), 'queued', \(now), \(now), \(now), \(outbound.route))
              ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
            ), body AS (
              INSERT INTO herald_outbox_body (message_id, bytes) SELECT id, \(Data(bytes)) FROM message
            ), recipients AS (
              INSERT INTO herald_outbox_recipient (message_id, position, address, status)
              SELECT message.id, ordinality - 1, address, 'pending' FROM message, unnest(\(outbound.recipients)::text[]) WITH ORDINALITY AS given(address, ordinality)
            )
            SELECT id FROM message
            """, logger: logger)
        var newID: Int64?
        for try await id in rows.decode(Int64.self) { newID = id }
        if let id = newID { return (id, true) }
        guard let key else { throw OutboxError(.storage, "the outbox stored no row and gave no reason") }
        for try await (id, stored) in try await connection.query("SELECT id, content_hash FROM herald_outbox_message WHERE idempotency_key = \(key)",
                                                                 logger: logger).decode((Int64, String).self) {
            guard stored == hash else {
                throw OutboxError(.conflict, "the idempotency key \"\(key)\" was already used for a different message (outbox ID \(id)); use a new key for new content")
            }
            return (id, false)
        }
        throw OutboxError(.storage, "the idempotency key \"\(key)\" conflicted, but no message holds it")
    }

    /// Tells every listening process, when the transaction commits, that messages are due.
    private static func announceWork(_ connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_notify(\(EventBell.outboxWork), '')", logger: logger)
    }

    /// Every process's enqueues and retries ring this process's bell (LISTEN/NOTIFY); `polling`
    /// still bounds the wait, for messages whose retry time comes and for a notification lost
    /// while the listening connection was down.
    public func waitForWork(since mark: UInt64, polling: Duration) async -> UInt64 {
        await bell.wait(since: mark, upTo: polling)
    }

    // MARK: Claim and record

    /// Leases up to `limit` due messages to `owner`. The due rows are locked with SKIP LOCKED:
    /// a message another worker is claiming right now is passed over, not waited for.
    public func claim(owner: String, now: Double, limit: Int, ids: ClosedRange<Int64>?, route: String?) async throws -> [Claim] {
        try await transaction(.claim) { connection in
            let due = try await connection.query("""
                SELECT id FROM herald_outbox_message
                WHERE ((state = 'queued' AND next_attempt_at <= \(now)) OR (state = 'sending' AND lease_expires_at < \(now)))
                  AND (\(ids?.lowerBound)::bigint IS NULL OR id BETWEEN \(ids?.lowerBound)::bigint AND \(ids?.upperBound)::bigint)
                  AND (channel <> 'email' OR route IS NULL OR route IS NOT DISTINCT FROM \(route)::text)
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """, logger: Self.logger)
            var dueIDs: [Int64] = []
            for try await id in due.decode(Int64.self) { dueIDs.append(id) }
            var claims: [Claim] = []
            for id in dueIDs {
                var pending: [String] = []
                for try await address in try await connection.query("""
                    SELECT address FROM herald_outbox_recipient WHERE message_id = \(id) AND status IN ('pending', 'deferred') ORDER BY position
                    """, logger: Self.logger).decode(String.self) {
                    pending.append(address)
                }
                guard !pending.isEmpty else {
                    // Nobody left to serve: closed, never delivered to nobody.
                    try await connection.query("""
                        UPDATE herald_outbox_message SET state = CASE WHEN EXISTS (
                            SELECT 1 FROM herald_outbox_recipient WHERE message_id = \(id) AND status = 'rejected') THEN 'failed' ELSE 'sent' END,
                          lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
                        WHERE id = \(id)
                        """, logger: Self.logger)
                    continue
                }
                let rows = try await connection.query("""
                    UPDATE herald_outbox_message SET state = 'sending', lease_owner = \(owner), lease_expires_at = \(now + self.policy.leaseSeconds), updated_at = \(now)
                    FROM herald_outbox_body WHERE herald_outbox_body.message_id = herald_outbox_message.id AND id = \(id)
                    RETURNING channel, mail_from, smtputf8, route, bytes
                    """, logger: Self.logger)
                for try await row in rows {
                    let (channelName, sender, smtputf8, messageRoute, body) = try row.decode((String, String, Bool, String?, Data).self)
                    guard let channel = ChannelID(rawValue: channelName) else {
                        try await connection.query("""
                            UPDATE herald_outbox_message SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                              last_error = \("unknown channel '\(channelName)'; expected \(ChannelID.list())") WHERE id = \(id)
                            """, logger: Self.logger)
                        continue
                    }
                    let outbound = Outbound(channel: channel, sender: sender, recipients: pending, payload: .bytes([UInt8](body)),
                                            smtputf8: smtputf8, route: messageRoute)
                    claims.append(Claim(id: id, outbound: outbound))
                }
            }
            return claims
        }
    }

    /// Records an attempt's outcome, the results matched to the recipients handed out by
    /// position (as `SQLiteOutboxStore` does, and for the same reason), and decides the state.
    public func record(_ report: DeliveryReport, for id: Int64, now: Double, random: Double) async throws {
        try await transaction(.record) { connection in
            var handedOut: [Int] = []
            for try await position in try await connection.query("""
                SELECT position FROM herald_outbox_recipient WHERE message_id = \(id) AND status IN ('pending', 'deferred') ORDER BY position FOR UPDATE
                """, logger: Self.logger).decode(Int.self) {
                handedOut.append(position)
            }
            for (position, result) in zip(handedOut, report.recipients) {
                let status: RecipientState.Status = result.status == .accepted ? .accepted : result.status == .deferred ? .deferred : .rejected
                try await connection.query("""
                    UPDATE herald_outbox_recipient SET status = \(status.rawValue), code = \(result.code), reply = \(result.reply)
                    WHERE message_id = \(id) AND position = \(position)
                    """, logger: Self.logger)
            }
            var attempts = 1
            for try await stored in try await connection.query("SELECT attempts FROM herald_outbox_message WHERE id = \(id) FOR UPDATE",
                                                              logger: Self.logger).decode(Int.self) {
                attempts = stored + 1
            }
            let outcome = Outbox.outcome(of: report, handedOut: handedOut.count, attempts: attempts, now: now, random: random, policy: self.policy)
            try await connection.query("""
                UPDATE herald_outbox_message SET state = \(outcome.state.rawValue), attempts = \(attempts), next_attempt_at = \(outcome.nextAttemptAt),
                  last_error = \(outcome.error), lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
                WHERE id = \(id)
                """, logger: Self.logger)
        }
    }

    public func release(_ ids: [Int64], now: Double) async throws {
        try await transaction(.release) { connection in
            try await connection.query("""
                UPDATE herald_outbox_message SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
                WHERE id = ANY(\(ids)::bigint[]) AND state = 'sending'
                """, logger: Self.logger)
        }
    }

    // MARK: Operators

    public func retry(_ id: Int64, now: Double) async throws {
        try await transaction(.update) { connection in
            var state: String?
            for try await value in try await connection.query("SELECT state FROM herald_outbox_message WHERE id = \(id) FOR UPDATE",
                                                             logger: Self.logger).decode(String.self) {
                state = value
            }
            guard let state else {
                throw OutboxError(.notFound, "no message with outbox ID \(id) in \(self.database) (see herald outbox list)")
            }
            guard [State.held, .failed, .queued].map(\.rawValue).contains(state) else {
                throw OutboxError(.conflict, state == State.sending.rawValue
                    ? "message \(id) is being delivered now; see herald outbox show \(id) for its outcome"
                    : "message \(id) is \(state); only held, failed or queued messages can be retried")
            }
            var open = 0
            for try await count in try await connection.query("""
                SELECT COUNT(*) FROM herald_outbox_recipient WHERE message_id = \(id) AND status IN ('pending', 'deferred')
                """, logger: Self.logger).decode(Int.self) {
                open = count
            }
            guard open > 0 else {
                throw OutboxError(.conflict, "message \(id) has nobody left to send it to: every recipient accepted or refused it for good (see herald outbox show \(id))")
            }
            // A failed message starts a new round of attempts: the budget that ran out starts again.
            try await connection.query("""
                UPDATE herald_outbox_message SET state = 'queued', next_attempt_at = \(now), updated_at = \(now),
                  attempts = CASE WHEN state = 'failed' THEN 0 ELSE attempts END
                WHERE id = \(id)
                """, logger: Self.logger)
            try await connection.query("UPDATE herald_outbox_recipient SET status = 'pending' WHERE message_id = \(id) AND status = 'deferred'",
                                       logger: Self.logger)
            try await Self.announceWork(connection)
        }
    }

    public func backlog(now: Double, route: String?) async throws -> Outbox.Backlog {
        try await transaction(.read) { connection in
            var backlog = Outbox.Backlog(due: 0, waiting: 0, nextAttemptAt: nil, held: 0, sending: 0, otherRoutes: [:])
            let counts = try await connection.query("""
                SELECT
                  COUNT(*) FILTER (WHERE state = 'queued' AND next_attempt_at <= \(now) AND (channel <> 'email' OR route IS NULL OR route IS NOT DISTINCT FROM \(route)::text)),
                  COUNT(*) FILTER (WHERE state = 'queued' AND next_attempt_at > \(now) AND (channel <> 'email' OR route IS NULL OR route IS NOT DISTINCT FROM \(route)::text)),
                  MIN(next_attempt_at) FILTER (WHERE state = 'queued' AND next_attempt_at > \(now) AND (channel <> 'email' OR route IS NULL OR route IS NOT DISTINCT FROM \(route)::text)),
                  COUNT(*) FILTER (WHERE state = 'held'),
                  COUNT(*) FILTER (WHERE state = 'sending')
                FROM herald_outbox_message
                """, logger: Self.logger)
            for try await (due, waiting, next, held, sending) in counts.decode((Int, Int, Double?, Int, Int).self) {
                backlog = Outbox.Backlog(due: due, waiting: waiting, nextAttemptAt: next, held: held, sending: sending, otherRoutes: [:])
            }
            for try await (other, count) in try await connection.query("""
                SELECT route, COUNT(*) FROM herald_outbox_message
                WHERE state = 'queued' AND channel = 'email' AND route IS NOT NULL AND route IS DISTINCT FROM \(route)::text GROUP BY route
                """, logger: Self.logger).decode((String, Int).self) {
                backlog.otherRoutes[other] = count
            }
            return backlog
        }
    }

    @discardableResult
    public func purge() async throws -> Int {
        try await transaction(.purge) { connection in
            var count = 0
            for try await _ in try await connection.query("DELETE FROM herald_outbox_message WHERE state IN ('sent', 'failed') RETURNING id",
                                                         logger: Self.logger) {
                count += 1
            }
            return count
        }
    }

    public func entries() async throws -> [Entry] {
        try await transaction(.read) { connection in
            var ids: [Int64] = []
            for try await id in try await connection.query("SELECT id FROM herald_outbox_message ORDER BY id", logger: Self.logger).decode(Int64.self) {
                ids.append(id)
            }
            var entries: [Entry] = []
            for id in ids { if let entry = try await Self.entry(id, connection: connection) { entries.append(entry) } }
            return entries
        }
    }

    public func entry(_ id: Int64) async throws -> Entry? {
        try await transaction(.read) { connection in try await Self.entry(id, connection: connection) }
    }

    private static func entry(_ id: Int64, connection: PostgresConnection) async throws -> Entry? {
        var recipients: [RecipientState] = []
        for try await (address, status, code, reply) in try await connection.query("""
            SELECT address, status, code, reply FROM herald_outbox_recipient WHERE message_id = \(id) ORDER BY position
            """, logger: logger).decode((String, String, Int?, String?).self) {
            recipients.append(RecipientState(address: address, status: RecipientState.Status(rawValue: status) ?? .pending, code: code, reply: reply))
        }
        for try await (state, key, channel, sender, attempts, next, error, size) in try await connection.query("""
            SELECT state, idempotency_key, channel, mail_from, attempts, next_attempt_at, last_error, size FROM herald_outbox_message WHERE id = \(id)
            """, logger: logger).decode((String, String?, String, String, Int, Double, String?, Int).self) {
            return Entry(id: id, state: State(rawValue: state) ?? .queued, idempotencyKey: key, channel: ChannelID(rawValue: channel) ?? .email,
                         sender: sender, attempts: attempts, nextAttemptAt: next, lastError: error, recipients: recipients, size: size)
        }
        return nil
    }

    // MARK: Errors

    /// Runs `body` in a transaction; a database failure becomes one line naming the outbox,
    /// what it was doing and the server's reason (never the password).
    @discardableResult
    private func transaction<T: Sendable>(_ doing: OutboxOperation, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await pool.transaction(body)
        } catch let error as OutboxError {
            throw error
        } catch {
            throw Self.failure(error, database: database, doing: doing)
        }
    }

    static func failure(_ error: any Error, database: PostgresLocation, doing: OutboxOperation) -> OutboxError {
        OutboxError(storageFailure: PostgresDatabase.reason(error), location: database.description, doing: doing,
                    isTransient: PostgresDatabase.isTransient(error))
    }
}

extension PostgresOutboxStore {
    /// `DeliveryConfiguration.outboxOpener` for `postgres://` URLs (the password from the URL,
    /// `PGPASSWORD` or `HERALD_DATABASE_PASSWORD_FILE`).
    public static let opener: DeliveryConfiguration.OutboxOpener = { url, policy in
        try await PostgresOutboxStore.open(try PostgresLocation(url, name: "the outbox URL"), policy: policy)
    }
}
