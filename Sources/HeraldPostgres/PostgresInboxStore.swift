import Foundation
import HeraldChannels
import HeraldInbox
import Logging
import PostgresNIO

/// The inbox in PostgreSQL (postgres-nio): one database that several `herald serve` processes on
/// several machines share — an agent's session is valid on each, and the database decides a
/// race between them. The same rules as `SQLiteInboxStore` (the conformance suite runs against
/// both; see `InboxStore`): a transition is one transaction; a change is stored only over the
/// version it was made from (a conditional UPDATE: of two takes at once, the second finds the
/// row changed and is stale); events are numbered in commit order.
///
/// What the rules and the tabs query is in columns; the rest of each record is JSON text
/// (`StoredJSON`), the same as SQLite's.
public final class PostgresInboxStore: InboxStore {
    public var database: PostgresLocation { pool.location }
    public var location: String { "the inbox \(database)" }

    private let pool: PostgresDatabase
    private let bell: EventBell
    private let eventPoll: Duration
    private static var logger: Logger { PostgresDatabase.logger }

    /// Connects (once, directly: a wrong password is an error now), migrates the schema under
    /// an advisory lock, and keeps a pool of up to `connections` connections. `eventPoll`: how
    /// long an event stream waits for a notification before it reads the trail anyway (covers a
    /// notification lost while the listening connection was down).
    public static func open(_ database: PostgresLocation, connections: Int = 10, callTimeout: Duration = .seconds(30),
                            eventPoll: Duration = .seconds(2)) async throws -> PostgresInboxStore {
        let pool: PostgresDatabase
        do {
            pool = try await PostgresDatabase.connect(database, connections: connections, callTimeout: callTimeout)
            try await pool.migrate(versionTable: "herald_inbox_schema", lock: migrationLock, migrations: migrations) { version in
                InboxError(.io, "the inbox \(database) has schema version \(version), newer than this Herald knows (\(migrations.count)); upgrade Herald")
            }
        } catch let error as InboxError {
            throw error
        } catch {
            throw failure(error, database: database, doing: "open")
        }
        return PostgresInboxStore(pool: pool, eventPoll: eventPoll)
    }

    private init(pool: PostgresDatabase, eventPoll: Duration) {
        self.pool = pool
        self.eventPoll = eventPoll
        bell = EventBell(location: pool.location, channel: EventBell.inboxEvents)
    }

    deinit {
        let bell = self.bell
        Task { await bell.stop() }
    }

    // MARK: Database calls

    /// A transaction; a database failure becomes one line naming the inbox, what it was doing
    /// and the server's reason (never the password). `doing` completes "cannot … the inbox".
    @discardableResult
    private func transaction<T: Sendable>(_ doing: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await pool.transaction(body)
        } catch let error as InboxError {
            throw error
        } catch {
            throw Self.failure(error, database: database, doing: doing)
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction("read", body)
    }

    private static func failure(_ error: any Error, database: PostgresLocation, doing: String) -> InboxError {
        let consequence = doing == "open" || doing == "read" ? "" : "; nothing of this change was stored"
        return InboxError(.io, "cannot \(doing) the inbox \(database): \(PostgresDatabase.reason(error))\(consequence)")
    }

    /// Whether a statement was refused by a unique constraint: a race the check before it lost
    /// (two processes storing the same ID or address at once).
    private static func isUniqueViolation(_ error: any Error) -> Bool {
        PostgresDatabase.sqlState(error) == "23505"
    }

    /// Every row of `query`, decoded as one column…
    private static func all<Column: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: Column.Type,
                                                                  on connection: PostgresConnection) async throws -> [Column] {
        var rows: [Column] = []
        for try await row in try await connection.query(query, logger: logger).decode(Column.self) { rows.append(row) }
        return rows
    }

    /// … or as several (postgres-nio decodes a tuple of one apart).
    private static func all<each Column: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: (repeat each Column).Type,
                                                                       on connection: PostgresConnection) async throws -> [(repeat each Column)] {
        var rows: [(repeat each Column)] = []
        for try await row in try await connection.query(query, logger: logger).decode(type) { rows.append(row) }
        return rows
    }

    private static func first<Column: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: Column.Type,
                                                                    on connection: PostgresConnection) async throws -> Column? {
        try await all(query, as: type, on: connection).first
    }

    private static func first<each Column: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: (repeat each Column).Type,
                                                                         on connection: PostgresConnection) async throws -> (repeat each Column)? {
        try await all(query, as: type, on: connection).first
    }

    private static func exists(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Bool {
        try await first(query, as: Int.self, on: connection) != nil
    }

    private static func decodeAll<T: Decodable>(_ type: T.Type, _ query: PostgresQuery, what: String, on connection: PostgresConnection) async throws -> [T] {
        try await all(query, as: String.self, on: connection).map { try StoredJSON.decode(type, $0, what: what) }
    }

    // MARK: The directory

    public func save(_ agent: Agent) async throws {
        try agent.validate()
        let body = try StoredJSON.text(agent)
        try await transaction("store an agent in") { connection in
            if let other = try await Self.first("SELECT id FROM herald_inbox_agent WHERE lower(email) = lower(\(agent.email)) AND id <> \(agent.id)",
                                                as: String.self, on: connection) {
                throw InboxError(.conflict, "\(agent.email) is agent \(other)'s email already; each agent signs in with their own", field: "email")
            }
            do {
                try await connection.query("""
                    INSERT INTO herald_inbox_agent (id, email, body) VALUES (\(agent.id), \(agent.email), \(body))
                    ON CONFLICT (id) DO UPDATE SET email = excluded.email, body = excluded.body
                    """, logger: Self.logger)
            } catch where Self.isUniqueViolation(error) {
                throw InboxError(.conflict, "\(agent.email) became another agent's email at the same moment; each agent signs in with their own", field: "email")
            }
        }
    }

    public func agent(_ id: String) async throws -> Agent? {
        try await read { connection in
            try await Self.decodeAll(Agent.self, "SELECT body FROM herald_inbox_agent WHERE id = \(id)", what: "an agent", on: connection).first
        }
    }

    public func agent(email: String) async throws -> Agent? {
        try await read { connection in
            try await Self.decodeAll(Agent.self, "SELECT body FROM herald_inbox_agent WHERE lower(email) = lower(\(email))", what: "an agent", on: connection).first
        }
    }

    public func agents() async throws -> [Agent] {
        try await read { connection in
            try await Self.decodeAll(Agent.self, "SELECT body FROM herald_inbox_agent ORDER BY id", what: "an agent", on: connection)
        }
    }

    public func save(_ campaign: Campaign) async throws {
        try campaign.validate()
        let body = try StoredJSON.text(campaign)
        try await transaction("store a campaign in") { connection in
            let known = Set(try await Self.all("SELECT id FROM herald_inbox_agent WHERE id = ANY(\(campaign.members)::text[])", as: String.self, on: connection))
            for member in campaign.members where !known.contains(member) {
                throw InboxError(.input, "campaign \(campaign.id) lists agent \(member) as a member, and there is no agent \(member); add the agent first",
                                 field: "members")
            }
            try await connection.query("""
                INSERT INTO herald_inbox_campaign (id, body) VALUES (\(campaign.id), \(body)) ON CONFLICT (id) DO UPDATE SET body = excluded.body
                """, logger: Self.logger)
            try await connection.query("DELETE FROM herald_inbox_member WHERE campaign_id = \(campaign.id)", logger: Self.logger)
            try await connection.query("""
                INSERT INTO herald_inbox_member (campaign_id, agent_id) SELECT DISTINCT \(campaign.id), member FROM unnest(\(campaign.members)::text[]) AS member
                """, logger: Self.logger)
        }
    }

    public func campaign(_ id: String) async throws -> Campaign? {
        try await read { connection in
            try await Self.decodeAll(Campaign.self, "SELECT body FROM herald_inbox_campaign WHERE id = \(id)", what: "a campaign", on: connection).first
        }
    }

    public func campaigns() async throws -> [Campaign] {
        try await read { connection in
            try await Self.decodeAll(Campaign.self, "SELECT body FROM herald_inbox_campaign ORDER BY id", what: "a campaign", on: connection)
        }
    }

    public func campaigns(ofMember agentID: String) async throws -> [Campaign] {
        try await read { connection in
            try await Self.decodeAll(Campaign.self, """
                SELECT body FROM herald_inbox_campaign JOIN herald_inbox_member ON herald_inbox_member.campaign_id = herald_inbox_campaign.id
                WHERE herald_inbox_member.agent_id = \(agentID) ORDER BY herald_inbox_campaign.id
                """, what: "a campaign", on: connection)
        }
    }

    public func save(_ customer: Customer) async throws {
        try await transaction("store a customer in") { connection in try await Self.insert(customer, on: connection) }
    }

    /// Adds or replaces a customer and the contacts it is found by; a contact that is another
    /// customer's is a conflict (checked, and kept by the primary key when two race).
    private static func insert(_ customer: Customer, on connection: PostgresConnection) async throws {
        let contacts = Array(Set(customer.contacts)).sorted()
        try await connection.query("""
            INSERT INTO herald_inbox_customer (id, body) VALUES (\(customer.id), \(try StoredJSON.text(customer))) ON CONFLICT (id) DO UPDATE SET body = excluded.body
            """, logger: logger)
        try await connection.query("DELETE FROM herald_inbox_customer_contact WHERE customer_id = \(customer.id)", logger: logger)
        for (contact, other) in try await all("""
            SELECT contact, customer_id FROM herald_inbox_customer_contact WHERE contact = ANY(\(contacts)::text[]) ORDER BY contact
            """, as: (String, String).self, on: connection) {
            throw InboxError(.conflict, "\(contact) is customer \(other)'s already", field: "contacts")
        }
        do {
            try await connection.query("""
                INSERT INTO herald_inbox_customer_contact (contact, customer_id) SELECT contact, \(customer.id) FROM unnest(\(contacts)::text[]) AS contact
                """, logger: logger)
        } catch where isUniqueViolation(error) {
            throw InboxError(.conflict, "one of \(contacts.joined(separator: ", ")) became another customer's at the same moment", field: "contacts")
        }
    }

    public func customer(_ id: String) async throws -> Customer? {
        try await read { connection in
            try await Self.decodeAll(Customer.self, "SELECT body FROM herald_inbox_customer WHERE id = \(id)", what: "a customer", on: connection).first
        }
    }

    public func customer(contact: String) async throws -> Customer? {
        try await read { connection in
            try await Self.decodeAll(Customer.self, """
                SELECT body FROM herald_inbox_customer JOIN herald_inbox_customer_contact ON herald_inbox_customer_contact.customer_id = herald_inbox_customer.id
                WHERE contact = \(contact)
                """, what: "a customer", on: connection).first
        }
    }

    // MARK: Interactions

    public func interaction(_ id: String) async throws -> Interaction? {
        try await read { connection in
            // One snapshot for the row, its messages and its history, as SQLite's read transaction.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: Self.logger)
            return try await Self.interaction(id, on: connection)
        }
    }

    private static func interaction(_ id: String, on connection: PostgresConnection) async throws -> Interaction? {
        guard let (campaign, channelName, customer, stateName, assignee, version, createdAt, updatedAt, body) = try await first("""
            SELECT campaign_id, channel, customer_id, state, assignee_id, version, created_at, updated_at, body FROM herald_inbox_interaction WHERE id = \(id)
            """, as: (String, String, String, String, String?, Int, Double, Double, String).self, on: connection) else { return nil }
        guard let channel = ChannelID(rawValue: channelName), let state = Interaction.State(rawValue: stateName) else {
            throw InboxError(.io, "interaction \(id) in the inbox has a channel or state this Herald does not know (\(channelName), \(stateName))")
        }
        let messages = try await decodeAll(Interaction.Message.self, "SELECT body FROM herald_inbox_message WHERE interaction_id = \(id) ORDER BY position",
                                           what: "a message", on: connection)
        let history = try await all("SELECT sequence, body FROM herald_inbox_event WHERE interaction_id = \(id) ORDER BY sequence",
                                    as: (Int64, String).self, on: connection).map(event)
        return try StoredJSON.decode(InteractionBody.self, body, what: "an interaction")
            .interaction(id: id, campaign: campaign, channel: channel, customer: customer, state: state, assignee: assignee, messages: messages,
                         history: history, createdAt: Date(timeIntervalSince1970: createdAt), updatedAt: Date(timeIntervalSince1970: updatedAt),
                         version: version)
    }

    private static func event(_ row: (Int64, String)) throws -> Interaction.Event {
        var event = try StoredJSON.decode(Interaction.Event.self, row.1, what: "an event")
        event.sequence = row.0
        return event
    }

    /// One transaction: the interaction inserted (a start) or updated over the version it was
    /// read at — the conditional UPDATE decides two concurrent changes: the second waits for
    /// the first's row lock, finds the version moved on, changes no row and is refused as
    /// stale — then its new messages, inbound IDs and events.
    ///
    /// Events take their numbers last, from the counter row: its lock is held until commit, so
    /// a transaction that numbers later commits later, and a reader of "the events after N"
    /// never sees N+2 before N+1.
    public func apply(_ transition: Transition) async throws -> Interaction {
        let after = transition.after
        let body = try StoredJSON.text(InteractionBody(after))
        var messages: [(message: Interaction.Message, position: Int, body: String)] = []
        for message in transition.addedMessages {
            guard let position = after.messages.firstIndex(where: { $0.id == message.id }) else { continue }
            messages.append((message, position, try StoredJSON.text(message.stored)))
        }
        var events: [String] = []
        for event in transition.events {
            var plain = event
            plain.sequence = nil
            events.append(try StoredJSON.text(plain))
        }
        let added = messages
        let eventBodies = events
        return try await transaction("store the change in") { connection in
            if let before = transition.before {
                let changed = try await Self.all("""
                    UPDATE herald_inbox_interaction SET campaign_id = \(after.campaign), state = \(after.state.rawValue), assignee_id = \(after.assignee),
                      version = \(after.version), updated_at = \(after.updatedAt.timeIntervalSince1970), body = \(body)
                    WHERE id = \(before.id) AND version = \(before.version) AND state = \(before.state.rawValue)
                      AND assignee_id IS NOT DISTINCT FROM \(before.assignee)::text
                    RETURNING id
                    """, as: String.self, on: connection)
                guard changed.count == 1 else { throw InboxError.stale(before.id) }
            } else {
                let exists = InboxError(.conflict, "interaction \(after.id) exists already; start a new one with another ID", field: "id")
                if try await Self.exists("SELECT 1 FROM herald_inbox_interaction WHERE id = \(after.id)", on: connection) { throw exists }
                if let customer = transition.newCustomer { try await Self.insert(customer, on: connection) }
                do {
                    try await connection.query("""
                        INSERT INTO herald_inbox_interaction (id, campaign_id, channel, customer_id, state, assignee_id, version, created_at, updated_at,
                          body, first_to, subject)
                        VALUES (\(after.id), \(after.campaign), \(after.channel.rawValue), \(after.customer), \(after.state.rawValue), \(after.assignee),
                          \(after.version), \(after.createdAt.timeIntervalSince1970), \(after.updatedAt.timeIntervalSince1970), \(body),
                          \(after.contact.to.first ?? ""), \(after.contact.subject))
                        """, logger: Self.logger)
                } catch where Self.isUniqueViolation(error) {
                    throw exists
                }
            }
            for (message, position, messageBody) in added {
                try await connection.query("""
                    INSERT INTO herald_inbox_message (interaction_id, id, position, body) VALUES (\(after.id), \(message.id), \(position), \(messageBody))
                    """, logger: Self.logger)
                if let inbound = message.inbound { try await Self.insertInbound(inbound, message: message, of: after, on: connection) }
            }
            var stored = after
            stored.messages = after.messages.map(\.stored)
            guard !transition.events.isEmpty else { return stored }
            guard let last = try await Self.first("UPDATE herald_inbox_event_counter SET last = last + \(transition.events.count) RETURNING last",
                                                  as: Int64.self, on: connection) else {
                throw InboxError(.io, "the inbox \(self.database) has no event counter (herald_inbox_event_counter is empty)")
            }
            let first = last - Int64(transition.events.count) + 1
            let firstNew = stored.history.count - transition.events.count
            for (offset, event) in transition.events.enumerated() {
                let sequence = first + Int64(offset)
                try await connection.query("""
                    INSERT INTO herald_inbox_event (sequence, interaction_id, kind, actor_id, at, body)
                    VALUES (\(sequence), \(event.interaction), \(event.kind.rawValue), \(event.actor), \(event.at.timeIntervalSince1970), \(eventBodies[offset]))
                    """, logger: Self.logger)
                if firstNew + offset >= 0 && firstNew + offset < stored.history.count {
                    stored.history[firstNew + offset].sequence = sequence
                }
            }
            // Delivered to every listening server when this transaction commits (`EventBell`).
            try await connection.query("SELECT pg_notify(\(EventBell.inboxEvents), \(String(last)))", logger: Self.logger)
            return stored
        }
    }

    /// The inbound message's provider ID, once: a second is a duplicate (also when two servers
    /// store the same webhook at once: the primary key decides), and the whole change goes.
    private static func insertInbound(_ inbound: Interaction.Message.Inbound, message: Interaction.Message, of interaction: Interaction,
                                      on connection: PostgresConnection) async throws {
        let duplicate = InboxError.duplicate(channel: interaction.channel.rawValue, externalID: inbound.externalID)
        if try await exists("""
            SELECT 1 FROM herald_inbox_inbound WHERE channel = \(interaction.channel.rawValue) AND external_id = \(inbound.externalID)
            """, on: connection) {
            throw duplicate
        }
        do {
            try await connection.query("""
                INSERT INTO herald_inbox_inbound (channel, external_id, interaction_id, message_id, customer_id, received_by, at)
                VALUES (\(interaction.channel.rawValue), \(inbound.externalID), \(interaction.id), \(message.id), \(interaction.customer),
                  \(inbound.receivedBy ?? ""), \(InboundRules.written(message).timeIntervalSince1970))
                """, logger: logger)
        } catch where isUniqueViolation(error) {
            throw duplicate
        }
    }

    public func inboundMessage(channel: ChannelID, externalID: String) async throws -> (interaction: String, message: String)? {
        let row = try await read { connection in
            try await Self.first("SELECT interaction_id, message_id FROM herald_inbox_inbound WHERE channel = \(channel.rawValue) AND external_id = \(externalID)",
                                 as: (String, String).self, on: connection)
        }
        return row.map { (interaction: $0.0, message: $0.1) }
    }

    public func openInteraction(customer: String, campaign: String, channel: ChannelID) async throws -> String? {
        try await read { connection in
            try await Self.first("""
                SELECT id FROM herald_inbox_interaction
                WHERE customer_id = \(customer) AND campaign_id = \(campaign) AND channel = \(channel.rawValue) AND state IN ('pending', 'active')
                ORDER BY updated_at DESC LIMIT 1
                """, as: String.self, on: connection)
        }
    }

    public func lastInbound(customer: String, channel: ChannelID, receivedBy: String) async throws -> Date? {
        let at = try await read { connection in
            try await Self.first("""
                SELECT max(at) FROM herald_inbox_inbound WHERE customer_id = \(customer) AND channel = \(channel.rawValue) AND received_by = \(receivedBy)
                """, as: Double?.self, on: connection)
        }
        return (at ?? nil).map { Date(timeIntervalSince1970: $0) }
    }

    /// Read and written under a lock on the receipt's key: two callbacks for the same message
    /// racing each other (on two servers) still leave the later state.
    public func record(_ receipt: DeliveryReceipt) async throws -> Bool {
        let body = try StoredJSON.text(receipt)
        return try await transaction("record a delivery receipt in") { connection in
            let key = "\(receipt.channel.rawValue)\n\(receipt.externalID)\n\(receipt.recipient)"
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: Self.logger)
            let current = try await Self.first("""
                SELECT status FROM herald_inbox_receipt WHERE channel = \(receipt.channel.rawValue) AND external_id = \(receipt.externalID)
                  AND recipient = \(receipt.recipient)
                """, as: String.self, on: connection).flatMap(DeliveryReceipt.Status.init(rawValue:))
            guard receipt.supersedes(current) else { return false }
            try await connection.query("""
                INSERT INTO herald_inbox_receipt (channel, external_id, recipient, status, body)
                VALUES (\(receipt.channel.rawValue), \(receipt.externalID), \(receipt.recipient), \(receipt.status.rawValue), \(body))
                ON CONFLICT (channel, external_id, recipient) DO UPDATE SET status = excluded.status, body = excluded.body
                """, logger: Self.logger)
            return true
        }
    }

    public func receipts(channel: ChannelID, externalIDs: [String]) async throws -> [DeliveryReceipt] {
        guard !externalIDs.isEmpty else { return [] }
        return try await read { connection in
            try await Self.decodeAll(DeliveryReceipt.self, """
                SELECT body FROM herald_inbox_receipt WHERE channel = \(channel.rawValue) AND external_id = ANY(\(externalIDs)::text[])
                """, what: "a delivery receipt", on: connection)
        }
    }

    public func importCursor(source: String) async throws -> ImportCursor? {
        let row = try await read { connection in
            try await Self.first("SELECT validity, position FROM herald_inbox_import_cursor WHERE source = \(source)", as: (Int64, Int64).self, on: connection)
        }
        return row.map { ImportCursor(source: source, validity: $0.0, position: $0.1) }
    }

    public func save(_ cursor: ImportCursor) async throws {
        try await transaction("remember how far \(cursor.source) was imported in") { connection in
            try await connection.query("""
                INSERT INTO herald_inbox_import_cursor (source, validity, position) VALUES (\(cursor.source), \(cursor.validity), \(cursor.position))
                ON CONFLICT (source) DO UPDATE SET validity = excluded.validity, position = excluded.position
                """, logger: Self.logger)
        }
    }

    public func recordOutbox(entries: [Int64], message: String, interaction: String) async throws {
        // One field of the stored message, set by the server (as SQLite's json_set does).
        let list = "[" + entries.map(String.init).joined(separator: ",") + "]"
        try await transaction("record the outbox entries of a message in") { connection in
            let changed = try await Self.all("""
                UPDATE herald_inbox_message SET body = jsonb_set(body::jsonb, '{outboxEntries}', \(list)::jsonb)::text
                WHERE interaction_id = \(interaction) AND id = \(message) RETURNING id
                """, as: String.self, on: connection)
            guard changed.count == 1 else { throw InboxError(.notFound, "no message \(message) in interaction \(interaction)") }
        }
    }

    // MARK: The tabs

    private static let summaryColumns = "id, campaign_id, channel, customer_id, state, assignee_id, created_at, updated_at, first_to, subject"

    private typealias SummaryRow = (String, String, String, String, String, String?, Double, Double, String, String?)

    private static func summary(_ row: SummaryRow) -> Interaction.Summary {
        Interaction.Summary(id: row.0, campaign: row.1, channel: ChannelID(rawValue: row.2) ?? .email, customer: row.3,
                            state: Interaction.State(rawValue: row.4) ?? .pending, assignee: row.5, to: row.8, subject: row.9,
                            createdAt: Date(timeIntervalSince1970: row.6), updatedAt: Date(timeIntervalSince1970: row.7))
    }

    public func active(assignee: String, limit: Int) async throws -> [Interaction.Summary] {
        try await read { connection in
            try await Self.all(PostgresQuery(unsafeSQL: """
                SELECT \(Self.summaryColumns) FROM herald_inbox_interaction
                WHERE assignee_id = $1 AND state IN ('active', 'finished') ORDER BY updated_at DESC, id LIMIT $2
                """, binds: try Self.binds(assignee, limit)), as: SummaryRow.self, on: connection).map(Self.summary)
        }
    }

    public func interactions(ofCustomer customerID: String, limit: Int) async throws -> [Interaction.Summary] {
        try await read { connection in
            try await Self.all(PostgresQuery(unsafeSQL: """
                SELECT \(Self.summaryColumns) FROM herald_inbox_interaction WHERE customer_id = $1 ORDER BY updated_at DESC, id LIMIT $2
                """, binds: try Self.binds(customerID, limit)), as: SummaryRow.self, on: connection).map(Self.summary)
        }
    }

    public func pending(campaign: String, limit: Int) async throws -> [Interaction.Summary] {
        try await read { connection in
            try await Self.all(PostgresQuery(unsafeSQL: """
                SELECT \(Self.summaryColumns) FROM herald_inbox_interaction
                WHERE campaign_id = $1 AND state = 'pending' ORDER BY created_at, id LIMIT $2
                """, binds: try Self.binds(campaign, limit)), as: SummaryRow.self, on: connection).map(Self.summary)
        }
    }

    /// A text and a count, bound as $1 and $2.
    private static func binds(_ text: String, _ count: Int) throws -> PostgresBindings {
        var binds = PostgresBindings(capacity: 2)
        binds.append(text)
        binds.append(Int64(count))
        return binds
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [Interaction.Event] {
        try await read { connection in
            try await Self.all("SELECT sequence, body FROM herald_inbox_event WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(Int64(limit))",
                               as: (Int64, String).self, on: connection).map(Self.event)
        }
    }

    /// Every server's commits ring this process's bell (LISTEN/NOTIFY); `eventPoll` only
    /// covers a notification lost while the listening connection was down.
    public func waitForEvents(since mark: UInt64, polling: Duration) async -> UInt64 {
        await bell.wait(since: mark, upTo: eventPoll)
    }

    // MARK: API tokens

    public func save(_ token: APIToken) async throws {
        let body = try StoredJSON.text(token)
        try await transaction("store a token in") { connection in
            guard try await Self.exists("SELECT 1 FROM herald_inbox_agent WHERE id = \(token.agent)", on: connection) else {
                throw InboxError(.notFound, "no agent \(token.agent)", field: "agent")
            }
            let rows = try await Self.all("""
                INSERT INTO herald_inbox_api_token (id, agent_id, created_at, body) VALUES (\(token.id), \(token.agent), \(token.createdAt.timeIntervalSince1970), \(body))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, as: String.self, on: connection)
            guard !rows.isEmpty else { throw InboxError(.conflict, "a token \(token.id) exists already", field: "id") }
        }
    }

    public func token(_ id: String) async throws -> APIToken? {
        try await read { connection in
            try await Self.decodeAll(APIToken.self, "SELECT body FROM herald_inbox_api_token WHERE id = \(id)", what: "a token", on: connection).first
        }
    }

    public func tokenAndAgent(_ id: String) async throws -> (token: APIToken, agent: Agent)? {
        let row = try await read { connection in
            try await Self.first("""
                SELECT herald_inbox_api_token.body, herald_inbox_agent.body FROM herald_inbox_api_token
                JOIN herald_inbox_agent ON herald_inbox_agent.id = herald_inbox_api_token.agent_id WHERE herald_inbox_api_token.id = \(id)
                """, as: (String, String).self, on: connection)
        }
        guard let row else { return nil }
        return (try StoredJSON.decode(APIToken.self, row.0, what: "a token"), try StoredJSON.decode(Agent.self, row.1, what: "an agent"))
    }

    public func tokens(of agentID: String?) async throws -> [APIToken] {
        try await read { connection in
            try await Self.decodeAll(APIToken.self, """
                SELECT body FROM herald_inbox_api_token WHERE \(agentID)::text IS NULL OR agent_id = \(agentID)::text ORDER BY created_at, id
                """, what: "a token", on: connection)
        }
    }

    public func revokeToken(_ id: String, at: Date) async throws -> Bool {
        try await transaction("revoke a token in") { connection in
            guard let body = try await Self.first("SELECT body FROM herald_inbox_api_token WHERE id = \(id) FOR UPDATE", as: String.self, on: connection) else {
                return false
            }
            var token = try StoredJSON.decode(APIToken.self, body, what: "a token")
            guard token.revokedAt == nil else { return true }
            token.revokedAt = at
            try await connection.query("UPDATE herald_inbox_api_token SET body = \(try StoredJSON.text(token)) WHERE id = \(id)", logger: Self.logger)
            return true
        }
    }

    // MARK: Passwords and sign-in sessions

    public func setPassword(_ hash: String?, for agentID: String, at: Date) async throws {
        try await transaction("store a password in") { connection in
            guard try await Self.exists("SELECT 1 FROM herald_inbox_agent WHERE id = \(agentID) FOR UPDATE", on: connection) else {
                throw InboxError(.notFound, "no agent \(agentID)", field: "agent")
            }
            if let hash {
                try await connection.query("""
                    INSERT INTO herald_inbox_credential (agent_id, password_hash, updated_at) VALUES (\(agentID), \(hash), \(at.timeIntervalSince1970))
                    ON CONFLICT (agent_id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at
                    """, logger: Self.logger)
            } else {
                try await connection.query("DELETE FROM herald_inbox_credential WHERE agent_id = \(agentID)", logger: Self.logger)
            }
            for body in try await Self.all("SELECT body FROM herald_inbox_session WHERE agent_id = \(agentID) FOR UPDATE", as: String.self, on: connection) {
                var session = try StoredJSON.decode(Session.self, body, what: "a session")
                guard session.revokedAt == nil else { continue }
                session.revokedAt = at
                try await connection.query("UPDATE herald_inbox_session SET body = \(try StoredJSON.text(session)) WHERE id = \(session.id)", logger: Self.logger)
            }
        }
    }

    public func passwordHash(of agentID: String) async throws -> String? {
        try await read { connection in
            try await Self.first("SELECT password_hash FROM herald_inbox_credential WHERE agent_id = \(agentID)", as: String.self, on: connection)
        }
    }

    public func save(_ session: Session) async throws {
        let body = try StoredJSON.text(session)
        try await transaction("store a session in") { connection in
            guard try await Self.exists("SELECT 1 FROM herald_inbox_agent WHERE id = \(session.agent)", on: connection) else {
                throw InboxError(.notFound, "no agent \(session.agent)", field: "agent")
            }
            try await connection.query("DELETE FROM herald_inbox_session WHERE expires_at < \(session.createdAt.timeIntervalSince1970 - 86400)", logger: Self.logger)
            let rows = try await Self.all("""
                INSERT INTO herald_inbox_session (id, agent_id, expires_at, body) VALUES (\(session.id), \(session.agent), \(session.expiresAt.timeIntervalSince1970), \(body))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, as: String.self, on: connection)
            guard !rows.isEmpty else { throw InboxError(.conflict, "a session \(session.id) exists already", field: "id") }
        }
    }

    public func session(_ id: String) async throws -> Session? {
        try await read { connection in
            try await Self.decodeAll(Session.self, "SELECT body FROM herald_inbox_session WHERE id = \(id)", what: "a session", on: connection).first
        }
    }

    public func revokeSession(_ id: String, at: Date) async throws -> Bool {
        try await transaction("end a session in") { connection in
            guard let body = try await Self.first("SELECT body FROM herald_inbox_session WHERE id = \(id) FOR UPDATE", as: String.self, on: connection) else {
                return false
            }
            var session = try StoredJSON.decode(Session.self, body, what: "a session")
            guard session.revokedAt == nil else { return true }
            session.revokedAt = at
            try await connection.query("UPDATE herald_inbox_session SET body = \(try StoredJSON.text(session)) WHERE id = \(id)", logger: Self.logger)
            return true
        }
    }
}

extension PostgresInboxStore {
    /// `InboxFolder.databaseOpener` for `postgres://` URLs (the password from the URL,
    /// `PGPASSWORD` or `HERALD_DATABASE_PASSWORD_FILE`).
    public static let opener: InboxFolder.DatabaseOpener = { url, name in
        try await PostgresInboxStore.open(try PostgresLocation(url, name: name))
    }
}
