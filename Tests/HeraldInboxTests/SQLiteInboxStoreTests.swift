import Foundation
import GRDB
import Herald
@testable import HeraldInbox
import Testing

/// What only the SQLite store has: its file, its migrations, its indexes.
@Suite struct SQLiteInboxStoreTests {
    @Test func theInboxFileSitsBesideTheOutbox() {
        #expect(SQLiteInboxStore.path(besideOutbox: ".herald/outbox.sqlite") == ".herald/inbox.sqlite")
        #expect(SQLiteInboxStore.path(besideOutbox: "/var/lib/herald/outbox.sqlite") == "/var/lib/herald/inbox.sqlite")
        #expect(SQLiteInboxStore.defaultPath == ".herald/inbox.sqlite")
    }

    @Test func whatIsStoredIsThereWhenTheFileIsOpenedAgain() async throws {
        let path = TemporaryFiles.path("inbox", "sqlite")
        do {
            let store = try SQLiteInboxStore(path: path)
            try await store.saveTeam()
        }
        let reopened = try SQLiteInboxStore(path: path, create: false)
        #expect(try await reopened.campaign("billing") == Team.billing)
        let migrations = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations == ["v1", "v2", "v3", "v4", "v5", "v6", "v7"])
        // v5: a customer's interactions are found by an index (the customer information panel).
        let plan = try await DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM interaction WHERE customerId = 'c' ORDER BY updatedAt DESC").map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains("USING INDEX interaction_customer"), "\(plan)")
    }

    @Test func aPathThatIsNoInboxIsRefusedInOneLineAndLeftAlone() throws {
        let missing = TemporaryFiles.path("inbox", "sqlite")
        #expect(throws: InboxError(.io, "there is no inbox at \(missing) (check the inbox path)")) { try SQLiteInboxStore(path: missing, create: false) }
        #expect(throws: InboxError(.io, "':memory:' is not an inbox path; give a file, like .herald/inbox.sqlite")) { try SQLiteInboxStore(path: ":memory:") }
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: InboxError(.io, "the inbox \(folder) is a folder; the inbox path names the database file, like \(folder)/inbox.sqlite")) {
            try SQLiteInboxStore(path: folder)
        }
        // The outbox is a SQLite database, but not an inbox: refused, and not switched or migrated.
        let outbox = TemporaryFiles.path("outbox", "sqlite")
        _ = try SQLiteOutboxStore(path: outbox)
        #expect { try SQLiteInboxStore(path: outbox) } throws: { error in
            "\(error)".hasPrefix("\(outbox) is a SQLite database but not a Herald inbox (its tables: body, grdb_migrations, message, recipient)")
        }
        let text = TemporaryFiles.path("notes", "txt")
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: text))
        #expect { try SQLiteInboxStore(path: text) } throws: { error in
            (error as? InboxError)?.category == .io && "\(error)".hasPrefix("cannot open the inbox \(text): the file is not a SQLite database")
        }
    }

    @Test func theTabsAreReadThroughTheirIndexes() throws {
        let path = TemporaryFiles.path("inbox", "sqlite")
        _ = try SQLiteInboxStore(path: path)
        let plans = try DatabaseQueue(path: path).read { db in
            try ["SELECT id FROM interaction WHERE assigneeId = 'ana' AND state IN ('active', 'finished') ORDER BY updatedAt DESC",
                 "SELECT id FROM interaction WHERE campaignId = 'sales' AND state = 'pending' ORDER BY createdAt",
                 "SELECT campaignId FROM member WHERE agentId = 'ana'"].map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        #expect(plans[0].contains("USING INDEX interaction_active"), "\(plans[0])")
        #expect(plans[1].contains("USING INDEX interaction_pending"), "\(plans[1])")
        #expect(plans[2].contains("member_agent"), "\(plans[2])")
    }

    @Test func theDatabaseItselfRefusesAPendingInteractionWithAnAssignee() async throws {
        let path = TemporaryFiles.path("inbox", "sqlite")
        let store = try SQLiteInboxStore(path: path)
        try await store.saveTeam()
        try await store.save(Customer(id: "cus-1"))
        let database = try DatabaseQueue(path: path)
        await #expect(throws: DatabaseError.self) {
            try await database.write { db in
                try db.execute(sql: "INSERT INTO interaction (id, campaignId, channel, customerId, state, assigneeId, version, createdAt, updatedAt, body) VALUES ('x', 'billing', 'sms', 'cus-1', 'pending', 'ana', 1, 0, 0, '{}')")
            }
        }
    }

    /// Migration v4 made a tab's shown fields columns: an inbox written before it gets them filled
    /// from the bodies when opened.
    @Test func anInboxFromBeforeTheSummaryColumnsGetsThemFilled() async throws {
        let path = TemporaryFiles.path("inbox", "sqlite")
        do {
            let store = try SQLiteInboxStore(path: path)
            try await store.saveTeam()
            let rules = InteractionRules(directory: Team.directory)
            let message = Interaction.Message(id: "msg-1", author: nil, at: Team.now, subject: nil, template: nil, attachments: [], voiceNote: false,
                                              outboxKey: "inbox:int-1:msg-1")
            let start = InteractionCommand.Start(id: "int-1", campaign: "billing", channel: .email, customer: "cus-1", to: ["lucia@example.com"],
                                                 subject: "Your refund", message: message)
            var transition = try rules.apply(.start(start), to: nil, by: Team.ana, at: Team.now)
            transition.newCustomer = Customer(id: "cus-1", name: "Lucía", emailAddresses: ["lucia@example.com"])
            _ = try await store.apply(transition)
        }
        // As an inbox stored by a Herald before v4 is.
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "ALTER TABLE interaction DROP COLUMN firstTo; ALTER TABLE interaction DROP COLUMN subject; DELETE FROM grdb_migrations WHERE identifier = 'v4'")
        }
        let reopened = try SQLiteInboxStore(path: path, create: false)
        let tab = try await reopened.active(assignee: "ana", limit: 10)
        #expect(tab.map(\.to) == ["lucia@example.com"] && tab.map(\.subject) == ["Your refund"])
    }
}
