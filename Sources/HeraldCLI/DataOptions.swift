import ArgumentParser
import Foundation
import Herald
import HeraldInbox
import HeraldPostgres

/// Where the inbox lives: a data folder (its inbox.sqlite, outbox.sqlite, Maildir, uploads) or,
/// with a database URL, PostgreSQL — `herald serve`, `herald inbox` and `herald inbound`.
struct DataOptions: ParsableArguments {
    @Option(help: "The folder of the inbox (inbox.sqlite), the outbox (outbox.sqlite), the Maildir (maildir/) and uploaded files.") var data: String = ".herald"
    @Option(help: "The inbox, and the outbox unless --outbox names one, in PostgreSQL: postgres://USER@HOST/DB, shared by several servers (env HERALD_DATABASE_URL; password from PGPASSWORD or HERALD_DATABASE_PASSWORD_FILE).")
    var database: String?

    /// The database URL and what names it: the flag, else HERALD_DATABASE_URL.
    func databaseSetting(environment: [String: String] = ProcessInfo.processInfo.environment) -> (url: String, name: String)? {
        if let database { return (database, "--database") }
        if let url = environment["HERALD_DATABASE_URL"], !url.isEmpty { return (url, "HERALD_DATABASE_URL") }
        return nil
    }

    var folder: InboxFolder {
        InboxFolder(data, named: "--data", database: databaseSetting(), databaseOpener: PostgresInboxStore.opener)
    }

    /// The outbox bounces mark in `herald inbound`: the database's when there is one, else
    /// the folder's (nil).
    func databaseOutbox() async throws -> (any OutboxStore)? {
        guard let database = databaseSetting() else { return nil }
        return try await PostgresOutboxStore.open(PostgresLocation(database.url, name: database.name))
    }
}
