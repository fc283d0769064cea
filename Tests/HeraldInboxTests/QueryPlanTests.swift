import Foundation
import GRDB
import Herald
@testable import HeraldInbox
import Testing

/// Every statement the SQLite inbox runs, in a day's work through the `Inbox` and every call of
/// the `InboxStore` protocol, is asked of SQLite with EXPLAIN QUERY PLAN: none may read a whole
/// table that grows with the inbox (interactions, messages, customers, their contacts, events,
/// tokens, sessions, inbound messages, receipts). A contact DELETE without an index once cost a
/// fifth of every email start with 10,000 customers; this finds the next one before a profile
/// does.
struct QueryPlanTests {
    /// The directory (a handful of agents and campaigns) and the API tokens (one per agent or
    /// integration): listed whole on purpose, by administrators.
    static let smallTables: Set<String> = ["agent", "campaign", "member", "api_token"]

    @Test func noStatementReadsAGrowingTableWhole() async throws {
        let log = StatementLog()
        let path = TemporaryFiles.path("inbox", "sqlite")
        let store = try SQLiteInboxStore(path: path, create: true, statements: { log.add($0) })
        // The migrations ran once, at opening: what is checked is the day's work after it.
        log.removeAll()
        try await store.saveTeam()
        let outbox = try SQLiteOutboxStore(path: TemporaryFiles.path("outbox", "sqlite"))
        let composer = Composer(clock: { Team.now }, timeZone: TimeZone(identifier: "UTC") ?? .current)
        let inbox = Inbox(store: store, outbox: outbox, composer: composer, clock: { Team.now }, ids: .sequential())

        // The inbox's commands: a start to a new customer and to a known one, a customer's email
        // that opens a conversation, taking it, answering, transferring, ending it.
        let started = try await inbox.start(StartInteraction(channel: .email, campaign: "billing", to: ["Lucía <lucia@example.com>"], subject: "Your invoice",
                                                             message: try .text("Hola.")), by: "ana")
        _ = try await inbox.start(StartInteraction(channel: .email, campaign: "billing", to: ["lucia@example.com"], subject: "Again",
                                                   message: try .text("Hola otra vez.")), by: "ana")
        let received = try await inbox.receive(InboundTests.email())
        let pending = try #require(received.interaction)
        _ = try await inbox.receive(InboundTests.email())
        _ = try await inbox.take(pending, by: "ana")
        _ = try await inbox.send(try .text("We are on it."), in: pending, by: "ana")
        _ = try await inbox.interaction(pending, for: "ana")
        _ = try await inbox.transfer(started.id, to: .agent("bruno"), by: "ana")
        _ = try await inbox.finish(pending, by: "ana")
        _ = try await inbox.categorize(pending, as: "Resolved", by: "ana")
        _ = try await inbox.activeTab(of: "ana")
        _ = try await inbox.pendingTab(of: "billing", for: "ana")
        _ = try await inbox.customerCard(of: pending, for: "ana")
        _ = try await inbox.addressSuggestions(for: "lucia@example.net", agent: "ana")
        _ = try await inbox.startOptions(for: "ana")
        _ = try await inbox.record(DeliveryReceipt(channel: .email, externalID: "x", recipient: "lucia@example.com", status: .delivered, at: Team.now))

        // The rest of the store's calls, directly.
        _ = try await store.agent(email: "ana@example.com")
        _ = try await store.agents()
        _ = try await store.campaigns()
        _ = try await store.customer("cus-2")
        try await store.save(Customer(id: "cus-9", name: "Nine", emailAddresses: ["nine@example.com"]))
        _ = try await store.interactions(ofCustomer: "cus-2", limit: 10)
        _ = try await store.events(after: 0, limit: 10)
        _ = try await store.inboundMessage(channel: .email, externalID: "m1@mail.example.net")
        _ = try await store.openInteraction(customer: "cus-2", campaign: "billing", channel: .email)
        _ = try await store.lastInbound(customer: "cus-2", channel: .whatsapp, receivedBy: "1")
        _ = try await store.receipts(channel: .email, externalIDs: ["x", "y"])
        try await store.save(ImportCursor(source: "imap", validity: 1, position: 2))
        _ = try await store.importCursor(source: "imap")
        let (_, token) = APIToken.issue(for: "ana", at: Team.now)
        try await store.save(token)
        _ = try await store.tokenAndAgent(token.id)
        _ = try await store.token(token.id)
        _ = try await store.tokens(of: "ana")
        _ = try await store.tokens(of: nil)
        _ = try await store.revokeToken(token.id, at: Team.now)
        try await store.setPassword("hash", for: "ana", at: Team.now)
        _ = try await store.passwordHash(of: "ana")
        let session = Session(id: "s1", agent: "ana", secretHash: "h", csrfToken: "c", createdAt: Team.now, expiresAt: Team.now + 60)
        try await store.save(session)
        _ = try await store.session("s1")
        _ = try await store.revokeSession("s1", at: Team.now)

        let statements = log.all.filter { sql in
            let head = sql.trimmingCharacters(in: .whitespacesAndNewlines).prefix(6).uppercased()
            return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH  "].contains { head.hasPrefix($0.trimmingCharacters(in: .whitespaces)) }
                && !sql.contains("grdb_migrations") && !sql.contains("sqlite_master")
        }
        // The scenario reached the statements this test exists for.
        #expect(statements.contains { $0.contains("DELETE FROM customer_contact") })
        #expect(statements.count > 40)

        let reader = try DatabaseQueue(path: path)
        var wholeReads: [String] = []
        for sql in statements.sorted() {
            // Each `?` bound to NULL: the plan is the same for any value. (The store's SQL has no
            // question mark but its placeholders.)
            let nulls = StatementArguments(Array(repeating: nil as String?, count: sql.filter { $0 == "?" }.count))
            let details = try await reader.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: nulls).map { $0["detail"] as String }
            }
            for detail in details {
                // "SCAN interaction" reads every row; "SCAN t USING INDEX i" walks an index in
                // order (a LIMIT stops it), and a table-valued function is a VIRTUAL TABLE.
                guard detail.hasPrefix("SCAN "), !detail.contains(" USING "), !detail.contains("VIRTUAL TABLE") else { continue }
                let table = String(detail.dropFirst("SCAN ".count).prefix { $0 != " " })
                if !Self.smallTables.contains(table) { wholeReads.append("\(detail): \(sql)") }
            }
        }
        #expect(wholeReads.isEmpty, "statements reading a whole table:\n\(wholeReads.joined(separator: "\n"))")
    }
}

/// The SQL heard from the store, each statement once.
final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: Set<String> = []

    func add(_ sql: String) {
        lock.lock()
        statements.insert(sql)
        lock.unlock()
    }

    func removeAll() {
        lock.lock()
        statements.removeAll()
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return Array(statements)
    }
}
