import Foundation
import GRDB
import HeraldChannels
import HeraldDelivery
import HeraldMIME

/// The inbox in SQLite (WAL mode, through GRDB): the embedded default, its own file beside the
/// outbox (`.herald/inbox.sqlite`). See `InboxStore` for the rules every store keeps.
///
/// What the rules and the tabs query is in columns (state, assignee, campaign, version, times)
/// with indexes for the Active and Pending tabs; the rest of each record is JSON in a `body`
/// column, read and written whole. A `DatabasePool`: reads (the tabs) run beside a write.
public final class SQLiteInboxStore: InboxStore {
    /// Beside the outbox's default, `.herald/outbox.sqlite`.
    public static let defaultPath = ".herald/inbox.sqlite"

    private let pool: DatabasePool
    /// The database file, as given: named in every error.
    public let path: String
    public var location: String { "the inbox \(path)" }

    /// The inbox file in the folder of an outbox file.
    public static func path(besideOutbox outboxPath: String) -> String {
        URL(fileURLWithPath: outboxPath).deletingLastPathComponent().appendingPathComponent("inbox.sqlite").relativePath
    }

    /// The inbox file of a data folder (`herald serve --data DIR`): DIR/inbox.sqlite, beside the
    /// folder's outbox.sqlite and maildir/.
    public static func path(inFolder folder: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent("inbox.sqlite").relativePath
    }

    /// Opens the inbox of the data folder `folder`; `create` makes the folder too when missing.
    public convenience init(folder: String, create: Bool = true) throws {
        if create {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw InboxError(.io, "cannot create the data folder \(folder): \(error.localizedDescription)")
            }
        }
        try self.init(path: Self.path(inFolder: folder), create: create)
    }

    /// Opens the inbox at `path`; `create: false` refuses a missing file instead of making an
    /// empty inbox where a typo pointed. A file that is not SQLite, or a SQLite database that is
    /// not an inbox (the outbox, say), is refused with one line — never migrated into.
    public convenience init(path: String, create: Bool = true) throws {
        try self.init(path: path, create: create, statements: nil)
    }

    /// `statements` hears the SQL of every statement the store runs, as written (placeholders,
    /// not values): `QueryPlanTests` asks SQLite how it would run each one.
    init(path: String, create: Bool, statements: (@Sendable (String) -> Void)?) throws {
        self.path = path
        // SQLite reads "" and ":memory:" as a private database that vanishes when closed.
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else {
            throw InboxError(.io, "'\(path)' is not an inbox path; give a file, like .herald/inbox.sqlite")
        }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if isFolder.boolValue {
            throw InboxError(.io, "the inbox \(path) is a folder; the inbox path names the database file, like \(path)/inbox.sqlite")
        }
        if !exists && !create {
            throw InboxError(.io, "there is no inbox at \(path) (check the inbox path)")
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A busy database (another process writing) is waited for, not an error.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // As the outbox: a commit survives the process being killed; only an OS crash or a
            // power cut can lose the last few.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let statements {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { statements(statement.sql) }
                }
            }
        }
        do {
            if exists {
                // First, read-only: opening a pool switches the file to WAL, which would already
                // change somebody else's database.
                var readOnly = Configuration()
                readOnly.readonly = true
                let check = try DatabaseQueue(path: path, configuration: readOnly)
                try check.read { db in try Self.checkIsInbox(db, path: path) }
                try check.close()
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path, doing: "open")
        }
    }

    /// A database with tables of its own is somebody else's: an inbox is empty (new) or has
    /// Herald's inbox migrations.
    private static func checkIsInbox(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        guard !tables.isEmpty else { return }
        guard tables.contains("grdb_migrations") && tables.contains("interaction") && tables.contains("event") else {
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            throw InboxError(.io, "\(path) is a SQLite database but not a Herald inbox (its tables: \(shown)); give another inbox path")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE agent (
                    id TEXT PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    body TEXT NOT NULL
                );
                CREATE TABLE campaign (
                    id TEXT PRIMARY KEY,
                    body TEXT NOT NULL
                );
                -- Who may work in a campaign: asked on every command, by agent.
                CREATE TABLE member (
                    campaignId TEXT NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
                    agentId TEXT NOT NULL REFERENCES agent(id),
                    PRIMARY KEY (campaignId, agentId)
                );
                CREATE INDEX member_agent ON member(agentId);
                CREATE TABLE customer (
                    id TEXT PRIMARY KEY,
                    body TEXT NOT NULL
                );
                -- An address or number is one customer's: a start finds the customer by it.
                CREATE TABLE customer_contact (
                    contact TEXT PRIMARY KEY,
                    customerId TEXT NOT NULL REFERENCES customer(id) ON DELETE CASCADE
                );
                CREATE TABLE interaction (
                    id TEXT PRIMARY KEY,
                    campaignId TEXT NOT NULL REFERENCES campaign(id),
                    channel TEXT NOT NULL,
                    customerId TEXT NOT NULL REFERENCES customer(id),
                    state TEXT NOT NULL,
                    assigneeId TEXT REFERENCES agent(id),
                    version INTEGER NOT NULL,
                    createdAt REAL NOT NULL,
                    updatedAt REAL NOT NULL,
                    body TEXT NOT NULL,
                    -- The rules' own invariant, kept by the database too: pending is nobody's,
                    -- every other state somebody's.
                    CHECK ((state = 'pending') = (assigneeId IS NULL))
                );
                CREATE INDEX interaction_active ON interaction(assigneeId, state, updatedAt);
                CREATE INDEX interaction_pending ON interaction(campaignId, state, createdAt);
                CREATE TABLE message (
                    interactionId TEXT NOT NULL REFERENCES interaction(id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (interactionId, id),
                    UNIQUE (interactionId, position)
                );
                -- The audit trail: sequence orders every event of the inbox (AUTOINCREMENT never
                -- reuses a number, so "after N" is never ambiguous).
                CREATE TABLE event (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    interactionId TEXT NOT NULL REFERENCES interaction(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    actorId TEXT NOT NULL,
                    at REAL NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX event_interaction ON event(interactionId, sequence);
                """)
        }
        // Bearer API tokens: only the SHA-256 of each secret.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE api_token (
                    id TEXT PRIMARY KEY,
                    agentId TEXT NOT NULL REFERENCES agent(id),
                    createdAt REAL NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX api_token_agent ON api_token(agentId, createdAt);
                """)
        }
        // Passwords (scrypt, `PasswordHash`) apart from the agent's body, so nothing that lists
        // agents can carry one; sign-in sessions by the SHA-256 of their secret.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE credential (
                    agentId TEXT PRIMARY KEY REFERENCES agent(id),
                    passwordHash TEXT NOT NULL,
                    updatedAt REAL NOT NULL
                );
                CREATE TABLE session (
                    id TEXT PRIMARY KEY,
                    agentId TEXT NOT NULL REFERENCES agent(id),
                    expiresAt REAL NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX session_agent ON session(agentId);
                CREATE INDEX session_expiry ON session(expiresAt);
                """)
        }
        // The tabs' two shown fields as columns, written once at the start (an interaction's
        // contact never changes): a tab no longer parses every row's JSON body.
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                ALTER TABLE interaction ADD COLUMN firstTo TEXT NOT NULL DEFAULT '';
                ALTER TABLE interaction ADD COLUMN subject TEXT;
                UPDATE interaction SET firstTo = coalesce(json_extract(body, '$.contact.to[0]'), ''), subject = json_extract(body, '$.contact.subject');
                """)
        }
        // The customer information panel lists a customer's interactions.
        migrator.registerMigration("v5") { db in
            try db.execute(sql: "CREATE INDEX interaction_customer ON interaction(customerId, updatedAt)")
        }
        // Conversations in: each inbound message by its provider ID (stored once; the 24-hour
        // window reads the customer's last one per sender), and the providers' receipts.
        migrator.registerMigration("v6") { db in
            try db.execute(sql: """
                CREATE TABLE inbound (
                    channel TEXT NOT NULL,
                    externalId TEXT NOT NULL,
                    interactionId TEXT NOT NULL REFERENCES interaction(id) ON DELETE CASCADE,
                    messageId TEXT NOT NULL,
                    customerId TEXT NOT NULL,
                    receivedBy TEXT NOT NULL,
                    at REAL NOT NULL,
                    PRIMARY KEY (channel, externalId)
                );
                CREATE INDEX inbound_customer ON inbound(customerId, channel, receivedBy, at);
                CREATE TABLE receipt (
                    channel TEXT NOT NULL,
                    externalId TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    status TEXT NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (channel, externalId, recipient)
                );
                -- How far each mailbox was imported (IMAP: the folder's UIDVALIDITY and last UID).
                CREATE TABLE import_cursor (
                    source TEXT PRIMARY KEY,
                    validity INTEGER NOT NULL,
                    position INTEGER NOT NULL
                );
                """)
        }
        // A new customer's contacts are replaced by customer (`insert`): without an index that
        // DELETE read every contact of every customer, a fifth of an email start's time with
        // 10,000 customers (QueryPlanTests checks every statement's plan).
        migrator.registerMigration("v7") { db in
            try db.execute(sql: "CREATE INDEX customer_contact_customer ON customer_contact(customerId)")
        }
        return migrator
    }

    // MARK: Database calls

    /// A write transaction (IMMEDIATE: the write lock is taken first, so a read followed by a
    /// write never fails on a snapshot another connection moved on from). SQLite blocks (up to
    /// 10 s on a busy database), so it runs on Dispatch's pool, not the cooperative threads.
    private func write<T: Sendable>(_ doing: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Blocking.run {
            do {
                return try self.pool.write(body)
            } catch let error as DatabaseError {
                throw Self.failure(error, path: self.path, doing: doing)
            }
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await Blocking.run {
            do {
                return try self.pool.read(body)
            } catch let error as DatabaseError {
                throw Self.failure(error, path: self.path, doing: "read")
            }
        }
    }

    /// One line naming the inbox, what it was doing and SQLite's cause; what was stored before
    /// is kept (every write is one transaction).
    private static func failure(_ error: DatabaseError, path: String, doing: String) -> InboxError {
        let consequence = doing == "open" || doing == "read" ? "" : "; nothing of this change was stored"
        return InboxError(.io, "cannot \(doing) the inbox \(path): \(OutboxError.cause(of: error))\(consequence)")
    }

    private static func exists(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> Bool {
        try Int.fetchOne(db, sql: sql, arguments: arguments) != nil
    }

    private static func json<T: Encodable>(_ value: T) throws -> String { try StoredJSON.text(value) }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String, what: String) throws -> T {
        try StoredJSON.decode(type, text, what: what)
    }

    // MARK: The directory

    public func save(_ agent: Agent) async throws {
        try agent.validate()
        try await write("store an agent in") { db in
            if let other = try String.fetchOne(db, sql: "SELECT id FROM agent WHERE email = ? AND id != ?", arguments: [agent.email, agent.id]) {
                throw InboxError(.conflict, "\(agent.email) is agent \(other)'s email already; each agent signs in with their own", field: "email")
            }
            try db.execute(sql: "INSERT INTO agent (id, email, body) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET email = excluded.email, body = excluded.body",
                           arguments: [agent.id, agent.email, try Self.json(agent)])
        }
    }

    public func agent(_ id: String) async throws -> Agent? {
        try await read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM agent WHERE id = ?"), arguments: [id]).map { try Self.decode(Agent.self, $0, what: "an agent") }
        }
    }

    public func agent(email: String) async throws -> Agent? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT body FROM agent WHERE email = ?", arguments: [email]).map { try Self.decode(Agent.self, $0, what: "an agent") }
        }
    }

    public func agents() async throws -> [Agent] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT body FROM agent ORDER BY id").map { try Self.decode(Agent.self, $0, what: "an agent") }
        }
    }

    public func save(_ campaign: Campaign) async throws {
        try campaign.validate()
        try await write("store a campaign in") { db in
            for member in campaign.members where try !Self.exists(db, "SELECT 1 FROM agent WHERE id = ?", [member]) {
                throw InboxError(.input, "campaign \(campaign.id) lists agent \(member) as a member, and there is no agent \(member); add the agent first",
                                 field: "members")
            }
            try db.execute(sql: "INSERT INTO campaign (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body",
                           arguments: [campaign.id, try Self.json(campaign)])
            try db.execute(sql: "DELETE FROM member WHERE campaignId = ?", arguments: [campaign.id])
            for member in campaign.members {
                try db.execute(sql: "INSERT INTO member (campaignId, agentId) VALUES (?, ?)", arguments: [campaign.id, member])
            }
        }
    }

    public func campaign(_ id: String) async throws -> Campaign? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT body FROM campaign WHERE id = ?", arguments: [id]).map { try Self.decode(Campaign.self, $0, what: "a campaign") }
        }
    }

    public func campaigns() async throws -> [Campaign] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT body FROM campaign ORDER BY id").map { try Self.decode(Campaign.self, $0, what: "a campaign") }
        }
    }

    public func campaigns(ofMember agentID: String) async throws -> [Campaign] {
        try await read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT body FROM campaign JOIN member ON member.campaignId = campaign.id WHERE member.agentId = ? ORDER BY campaign.id"),
                                arguments: [agentID]).map { try Self.decode(Campaign.self, $0, what: "a campaign") }
        }
    }

    public func save(_ customer: Customer) async throws {
        try await write("store a customer in") { db in try Self.insert(customer, db) }
    }

    /// Adds or replaces a customer and the contacts it is found by.
    private static func insert(_ customer: Customer, _ db: Database) throws {
        // Cached statements: a start to a new customer runs these every time.
        try db.cachedStatement(sql: "INSERT INTO customer (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body")
            .execute(arguments: [customer.id, try json(customer)])
        try db.cachedStatement(sql: "DELETE FROM customer_contact WHERE customerId = ?").execute(arguments: [customer.id])
        for contact in Set(customer.contacts) {
            if let other = try String.fetchOne(db.cachedStatement(sql: "SELECT customerId FROM customer_contact WHERE contact = ?"), arguments: [contact]) {
                throw InboxError(.conflict, "\(contact) is customer \(other)'s already", field: "contacts")
            }
            try db.cachedStatement(sql: "INSERT INTO customer_contact (contact, customerId) VALUES (?, ?)").execute(arguments: [contact, customer.id])
        }
    }

    public func customer(_ id: String) async throws -> Customer? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT body FROM customer WHERE id = ?", arguments: [id]).map { try Self.decode(Customer.self, $0, what: "a customer") }
        }
    }

    public func customer(contact: String) async throws -> Customer? {
        try await read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM customer JOIN customer_contact ON customer_contact.customerId = customer.id WHERE contact = ?"),
                                arguments: [contact]).map { try Self.decode(Customer.self, $0, what: "a customer") }
        }
    }

    // MARK: Interactions

    public func interaction(_ id: String) async throws -> Interaction? {
        try await read { db in try Self.interaction(id, db) }
    }

    private static func interaction(_ id: String, _ db: Database) throws -> Interaction? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT campaignId, channel, customerId, state, assigneeId, version, createdAt, updatedAt, body FROM interaction WHERE id = ?
            """), arguments: [id]) else { return nil }
        let body = try decode(InteractionBody.self, row["body"], what: "an interaction")
        guard let channel = ChannelID(rawValue: row["channel"]), let state = Interaction.State(rawValue: row["state"]) else {
            throw InboxError(.io, "interaction \(id) in the inbox has a channel or state this Herald does not know (\(row["channel"] as String), \(row["state"] as String))")
        }
        let messages = try String.fetchAll(db.cachedStatement(sql: "SELECT body FROM message WHERE interactionId = ? ORDER BY position"), arguments: [id])
            .map { try decode(Interaction.Message.self, $0, what: "a message") }
        let history = try Row.fetchAll(db.cachedStatement(sql: "SELECT sequence, body FROM event WHERE interactionId = ? ORDER BY sequence"), arguments: [id])
            .map { row -> Interaction.Event in
                var event = try decode(Interaction.Event.self, row["body"], what: "an event")
                event.sequence = row["sequence"]
                return event
            }
        return body.interaction(id: id, campaign: row["campaignId"], channel: channel, customer: row["customerId"], state: state, assignee: row["assigneeId"],
                                messages: messages, history: history, createdAt: Date(timeIntervalSince1970: row["createdAt"]),
                                updatedAt: Date(timeIntervalSince1970: row["updatedAt"]), version: row["version"])
    }

    /// One transaction: the interaction inserted (a start) or updated over the version it was
    /// read at — the conditional UPDATE is what decides two concurrent changes, such as two
    /// takes: the second finds the version moved on, changes no row, and is refused as stale —
    /// then its new messages and events, and a customer first met.
    public func apply(_ transition: Transition) async throws -> Interaction {
        try await write("store the change in") { db in
            let after = transition.after
            let body = try Self.json(InteractionBody(after))
            if let before = transition.before {
                try db.cachedStatement(sql: """
                    UPDATE interaction SET campaignId = ?, state = ?, assigneeId = ?, version = ?, updatedAt = ?, body = ?
                    WHERE id = ? AND version = ? AND state = ? AND assigneeId IS ?
                    """).execute(arguments: [after.campaign, after.state.rawValue, after.assignee, after.version, after.updatedAt.timeIntervalSince1970, body,
                                             before.id, before.version, before.state.rawValue, before.assignee])
                guard db.changesCount == 1 else { throw InboxError.stale(before.id) }
            } else {
                if try Self.exists(db, "SELECT 1 FROM interaction WHERE id = ?", [after.id]) {
                    throw InboxError(.conflict, "interaction \(after.id) exists already; start a new one with another ID", field: "id")
                }
                if let customer = transition.newCustomer { try Self.insert(customer, db) }
                try db.cachedStatement(sql: """
                    INSERT INTO interaction (id, campaignId, channel, customerId, state, assigneeId, version, createdAt, updatedAt, body, firstTo, subject)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [after.id, after.campaign, after.channel.rawValue, after.customer, after.state.rawValue, after.assignee,
                                             after.version, after.createdAt.timeIntervalSince1970, after.updatedAt.timeIntervalSince1970, body,
                                             after.contact.to.first ?? "", after.contact.subject])
            }
            for message in transition.addedMessages {
                guard let position = after.messages.firstIndex(where: { $0.id == message.id }) else { continue }
                try db.cachedStatement(sql: "INSERT INTO message (interactionId, id, position, body) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [after.id, message.id, position, try Self.json(message.stored)])
                if let inbound = message.inbound { try Self.insertInbound(inbound, message: message, of: after, db) }
            }
            var stored = after
            stored.messages = after.messages.map(\.stored)
            let firstNew = after.history.count - transition.events.count
            for (offset, event) in transition.events.enumerated() {
                var plain = event
                plain.sequence = nil
                try db.cachedStatement(sql: "INSERT INTO event (interactionId, kind, actorId, at, body) VALUES (?, ?, ?, ?, ?)")
                    .execute(arguments: [event.interaction, event.kind.rawValue, event.actor, event.at.timeIntervalSince1970, try Self.json(plain)])
                if firstNew + offset >= 0 && firstNew + offset < stored.history.count {
                    stored.history[firstNew + offset].sequence = db.lastInsertedRowID
                }
            }
            return stored
        }
    }

    /// The inbound message's provider ID, once: a second is a duplicate, and the whole change
    /// is rolled back with it.
    private static func insertInbound(_ inbound: Interaction.Message.Inbound, message: Interaction.Message, of interaction: Interaction,
                                      _ db: Database) throws {
        if try exists(db, "SELECT 1 FROM inbound WHERE channel = ? AND externalId = ?", [interaction.channel.rawValue, inbound.externalID]) {
            throw InboxError.duplicate(channel: interaction.channel.rawValue, externalID: inbound.externalID)
        }
        // The window counts from when the customer wrote (never later than it arrived).
        let written = InboundRules.written(message)
        try db.cachedStatement(sql: """
            INSERT INTO inbound (channel, externalId, interactionId, messageId, customerId, receivedBy, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [interaction.channel.rawValue, inbound.externalID, interaction.id, message.id, interaction.customer,
                                     inbound.receivedBy ?? "", written.timeIntervalSince1970])
    }

    public func inboundMessage(channel: ChannelID, externalID: String) async throws -> (interaction: String, message: String)? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT interactionId, messageId FROM inbound WHERE channel = ? AND externalId = ?",
                             arguments: [channel.rawValue, externalID]).map { ($0[0], $0[1]) }
        }
    }

    public func openInteraction(customer: String, campaign: String, channel: ChannelID) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: """
                SELECT id FROM interaction WHERE customerId = ? AND campaignId = ? AND channel = ? AND state IN ('pending', 'active')
                ORDER BY updatedAt DESC LIMIT 1
                """, arguments: [customer, campaign, channel.rawValue])
        }
    }

    public func lastInbound(customer: String, channel: ChannelID, receivedBy: String) async throws -> Date? {
        try await read { db in
            try Double.fetchOne(db, sql: "SELECT max(at) FROM inbound WHERE customerId = ? AND channel = ? AND receivedBy = ?",
                                arguments: [customer, channel.rawValue, receivedBy]).map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Read and written in one transaction: two callbacks for the same message racing each
    /// other still leave the later state.
    public func record(_ receipt: DeliveryReceipt) async throws -> Bool {
        try await write("record a delivery receipt in") { db in
            let key: StatementArguments = [receipt.channel.rawValue, receipt.externalID, receipt.recipient]
            let current = try String.fetchOne(db, sql: "SELECT status FROM receipt WHERE channel = ? AND externalId = ? AND recipient = ?", arguments: key)
                .flatMap(DeliveryReceipt.Status.init(rawValue:))
            guard receipt.supersedes(current) else { return false }
            try db.execute(sql: "INSERT OR REPLACE INTO receipt (channel, externalId, recipient, status, body) VALUES (?, ?, ?, ?, ?)",
                           arguments: key + [receipt.status.rawValue, try Self.json(receipt)])
            return true
        }
    }

    public func receipts(channel: ChannelID, externalIDs: [String]) async throws -> [DeliveryReceipt] {
        guard !externalIDs.isEmpty else { return [] }
        return try await read { db in
            let marks = Array(repeating: "?", count: externalIDs.count).joined(separator: ", ")
            return try String.fetchAll(db, sql: "SELECT body FROM receipt WHERE channel = ? AND externalId IN (\(marks))",
                                       arguments: StatementArguments([channel.rawValue] + externalIDs))
                .map { try Self.decode(DeliveryReceipt.self, $0, what: "a delivery receipt") }
        }
    }

    public func importCursor(source: String) async throws -> ImportCursor? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT validity, position FROM import_cursor WHERE source = ?", arguments: [source])
                .map { ImportCursor(source: source, validity: $0[0], position: $0[1]) }
        }
    }

    public func save(_ cursor: ImportCursor) async throws {
        try await write("remember how far \(cursor.source) was imported in") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO import_cursor (source, validity, position) VALUES (?, ?, ?)",
                           arguments: [cursor.source, cursor.validity, cursor.position])
        }
    }

    public func recordOutbox(entries: [Int64], message: String, interaction: String) async throws {
        // One field of the stored message, set by SQLite's JSON functions: reading, decoding and
        // encoding the whole message again was 6% of an email start's time.
        let list = "[" + entries.map(String.init).joined(separator: ",") + "]"
        try await write("record the outbox entries of a message in") { db in
            try db.cachedStatement(sql: "UPDATE message SET body = json_set(body, '$.outboxEntries', json(?)) WHERE interactionId = ? AND id = ?")
                .execute(arguments: [list, interaction, message])
            guard db.changesCount == 1 else { throw InboxError(.notFound, "no message \(message) in interaction \(interaction)") }
        }
    }

    /// A tab needs two fields of the body: SQLite's JSON functions take them out, in C, instead of
    /// decoding every row's whole body with JSONDecoder (a quarter of the Active tab's time in a
    /// profile under load: Benchmarks/server-load.sh, docs/performance.md).
    private static let summaryColumns = """
        id, campaignId, channel, customerId, state, assigneeId, createdAt, updatedAt,
        firstTo, subject
        """

    /// By position, in `summaryColumns`' order: GRDB finds a column by name with a lower-cased
    /// comparison per access, which showed in the tab's profile.
    private static func summary(_ row: Row) -> Interaction.Summary {
        Interaction.Summary(id: row[0], campaign: row[1], channel: ChannelID(rawValue: row[2]) ?? .email,
                            customer: row[3], state: Interaction.State(rawValue: row[4]) ?? .pending, assignee: row[5],
                            to: row[8] ?? "", subject: row[9],
                            createdAt: Date(timeIntervalSince1970: row[6]), updatedAt: Date(timeIntervalSince1970: row[7]))
    }

    public func active(assignee: String, limit: Int) async throws -> [Interaction.Summary] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.summaryColumns) FROM interaction INDEXED BY interaction_active
                WHERE assigneeId = ? AND state IN ('active', 'finished') ORDER BY updatedAt DESC, id LIMIT ?
                """), arguments: [assignee, limit]).map(Self.summary)
        }
    }

    public func interactions(ofCustomer customerID: String, limit: Int) async throws -> [Interaction.Summary] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.summaryColumns) FROM interaction INDEXED BY interaction_customer
                WHERE customerId = ? ORDER BY updatedAt DESC, id LIMIT ?
                """), arguments: [customerID, limit]).map(Self.summary)
        }
    }

    public func pending(campaign: String, limit: Int) async throws -> [Interaction.Summary] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.summaryColumns) FROM interaction INDEXED BY interaction_pending
                WHERE campaignId = ? AND state = 'pending' ORDER BY createdAt, id LIMIT ?
                """), arguments: [campaign, limit]).map(Self.summary)
        }
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [Interaction.Event] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT sequence, body FROM event WHERE sequence > ? ORDER BY sequence LIMIT ?"),
                             arguments: [sequence, limit]).map { row in
                var event = try Self.decode(Interaction.Event.self, row["body"], what: "an event")
                event.sequence = row["sequence"]
                return event
            }
        }
    }

    // MARK: API tokens

    public func save(_ token: APIToken) async throws {
        try await write("store a token in") { db in
            guard try Self.exists(db, "SELECT 1 FROM agent WHERE id = ?", [token.agent]) else {
                throw InboxError(.notFound, "no agent \(token.agent)", field: "agent")
            }
            guard try !Self.exists(db, "SELECT 1 FROM api_token WHERE id = ?", [token.id]) else {
                throw InboxError(.conflict, "a token \(token.id) exists already", field: "id")
            }
            try db.execute(sql: "INSERT INTO api_token (id, agentId, createdAt, body) VALUES (?, ?, ?, ?)",
                           arguments: [token.id, token.agent, token.createdAt.timeIntervalSince1970, try Self.json(token)])
        }
    }

    public func token(_ id: String) async throws -> APIToken? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT body FROM api_token WHERE id = ?", arguments: [id]).map { try Self.decode(APIToken.self, $0, what: "a token") }
        }
    }

    public func tokenAndAgent(_ id: String) async throws -> (token: APIToken, agent: Agent)? {
        try await read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT api_token.body, agent.body FROM api_token JOIN agent ON agent.id = api_token.agentId WHERE api_token.id = ?
                """), arguments: [id]) else { return nil }
            return (try Self.decode(APIToken.self, row[0], what: "a token"), try Self.decode(Agent.self, row[1], what: "an agent"))
        }
    }

    public func tokens(of agentID: String?) async throws -> [APIToken] {
        try await read { db in
            let rows: [String]
            if let agentID {
                rows = try String.fetchAll(db, sql: "SELECT body FROM api_token WHERE agentId = ? ORDER BY createdAt, id", arguments: [agentID])
            } else {
                rows = try String.fetchAll(db, sql: "SELECT body FROM api_token ORDER BY createdAt, id")
            }
            return try rows.map { try Self.decode(APIToken.self, $0, what: "a token") }
        }
    }

    public func revokeToken(_ id: String, at: Date) async throws -> Bool {
        try await write("revoke a token in") { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM api_token WHERE id = ?", arguments: [id]) else { return false }
            var token = try Self.decode(APIToken.self, body, what: "a token")
            guard token.revokedAt == nil else { return true }
            token.revokedAt = at
            try db.execute(sql: "UPDATE api_token SET body = ? WHERE id = ?", arguments: [try Self.json(token), id])
            return true
        }
    }

    // MARK: Passwords and sign-in sessions

    public func setPassword(_ hash: String?, for agentID: String, at: Date) async throws {
        try await write("store a password in") { db in
            guard try Self.exists(db, "SELECT 1 FROM agent WHERE id = ?", [agentID]) else {
                throw InboxError(.notFound, "no agent \(agentID)", field: "agent")
            }
            if let hash {
                try db.execute(sql: "INSERT INTO credential (agentId, passwordHash, updatedAt) VALUES (?, ?, ?) "
                                   + "ON CONFLICT(agentId) DO UPDATE SET passwordHash = excluded.passwordHash, updatedAt = excluded.updatedAt",
                               arguments: [agentID, hash, at.timeIntervalSince1970])
            } else {
                try db.execute(sql: "DELETE FROM credential WHERE agentId = ?", arguments: [agentID])
            }
            for body in try String.fetchAll(db, sql: "SELECT body FROM session WHERE agentId = ?", arguments: [agentID]) {
                var session = try Self.decode(Session.self, body, what: "a session")
                guard session.revokedAt == nil else { continue }
                session.revokedAt = at
                try db.execute(sql: "UPDATE session SET body = ? WHERE id = ?", arguments: [try Self.json(session), session.id])
            }
        }
    }

    public func passwordHash(of agentID: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT passwordHash FROM credential WHERE agentId = ?", arguments: [agentID])
        }
    }

    public func save(_ session: Session) async throws {
        try await write("store a session in") { db in
            guard try Self.exists(db, "SELECT 1 FROM agent WHERE id = ?", [session.agent]) else {
                throw InboxError(.notFound, "no agent \(session.agent)", field: "agent")
            }
            guard try !Self.exists(db, "SELECT 1 FROM session WHERE id = ?", [session.id]) else {
                throw InboxError(.conflict, "a session \(session.id) exists already", field: "id")
            }
            try db.execute(sql: "DELETE FROM session WHERE expiresAt < ?", arguments: [session.createdAt.timeIntervalSince1970 - 86400])
            try db.execute(sql: "INSERT INTO session (id, agentId, expiresAt, body) VALUES (?, ?, ?, ?)",
                           arguments: [session.id, session.agent, session.expiresAt.timeIntervalSince1970, try Self.json(session)])
        }
    }

    public func session(_ id: String) async throws -> Session? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT body FROM session WHERE id = ?", arguments: [id]).map { try Self.decode(Session.self, $0, what: "a session") }
        }
    }

    public func revokeSession(_ id: String, at: Date) async throws -> Bool {
        try await write("end a session in") { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM session WHERE id = ?", arguments: [id]) else { return false }
            var session = try Self.decode(Session.self, body, what: "a session")
            guard session.revokedAt == nil else { return true }
            session.revokedAt = at
            try db.execute(sql: "UPDATE session SET body = ? WHERE id = ?", arguments: [try Self.json(session), id])
            return true
        }
    }
}
