import Foundation
import HeraldDelivery

/// The inbox of a data folder (DIR/inbox.sqlite, beside the outbox and the Maildir) — or, with
/// a database URL, the inbox in PostgreSQL that several servers share (the folder still holds
/// uploads and customers' files) — administered from the machine it is on: whoever can write
/// its file or database is its administrator, so no agent signs in (the server's routes go
/// through `Inbox`'s administration instead). What `herald inbox` does; each change returns the
/// sentence that says what was done.
public struct InboxFolder: Sendable {
    public var folder: String
    /// How the caller names the folder in its messages (the CLI passes `--data`).
    public var folderName: String
    /// A database URL (postgres://…) the inbox lives in instead of the folder's file, and how
    /// the caller names it (`--database`, `HERALD_DATABASE_URL`). May hold a password: shown
    /// only through `inboxPath`.
    public var database: (url: String, name: String)?
    /// Opens `database`: set by a program that links a database store (HeraldPostgres's
    /// `PostgresInboxStore.opener`), as `DeliveryConfiguration.outboxOpener` is for the outbox.
    public var databaseOpener: DatabaseOpener?
    public typealias DatabaseOpener = @Sendable (_ url: String, _ name: String) async throws -> any InboxStore

    public init(_ folder: String, named folderName: String = "the data folder", database: (url: String, name: String)? = nil,
                databaseOpener: DatabaseOpener? = nil) {
        self.folder = folder
        self.folderName = folderName
        self.database = database
        self.databaseOpener = databaseOpener
    }

    /// Where the inbox is, for messages: the file, or the database URL without its password.
    public var inboxPath: String {
        database.map { DeliveryConfiguration.withoutPassword($0.url) } ?? SQLiteInboxStore.path(inFolder: folder)
    }

    /// The inbox: made, with the folder, when `create` (serving, loading, adding); otherwise
    /// the folder's file must exist — a typo in the folder is an error, not a new empty inbox.
    /// A database is connected to (and its schema brought up to date) either way.
    public func open(create: Bool = true) async throws -> any InboxStore {
        if let database {
            guard let databaseOpener else {
                throw InboxError(.usage, "the inbox \(inboxPath) is a database URL, which this program cannot open; the herald command can (or link HeraldPostgres and set InboxFolder.databaseOpener)")
            }
            return try await databaseOpener(database.url, database.name)
        }
        guard create || FileManager.default.fileExists(atPath: inboxPath) else {
            throw InboxError(.io, "there is no inbox at \(inboxPath) (herald inbox load FILE.yml or herald inbox agent add makes one; check \(folderName))")
        }
        return try SQLiteInboxStore(folder: folder, create: create)
    }

    /// The importer of customers' email into the existing inbox, with the files folder
    /// (DIR/inbound-files) and an outbox whose messages bounces mark: `outbox`, or the folder's
    /// (DIR/outbox.sqlite).
    public func emailImport(outbox: (any OutboxStore)? = nil) async throws -> EmailImport {
        // The inbox first: no inbox there is refused before an outbox file is made.
        let store = try await open(create: false)
        let outbox = try outbox ?? SQLiteOutboxStore(path: URL(fileURLWithPath: folder).appendingPathComponent("outbox.sqlite").path)
        return EmailImport(inbox: Inbox(store: store, outbox: outbox), files: InboundFiles(dataFolder: folder))
    }

    /// Adds or replaces the seed's agents and campaigns.
    public func load(_ seed: InboxSeed) async throws -> String {
        try await seed.apply(to: await open())
        return "loaded \(seed.contents) into \(inboxPath)"
    }

    /// Adds an agent, or replaces the one with this ID; `role` is a `Agent.Role` by name
    /// (`roleName`: what the caller calls it, for the refusal of any other).
    public func saveAgent(id: String, name: String, email: String, role: String, roleName: String = "the role") async throws -> String {
        guard let role = Agent.Role(rawValue: role) else {
            throw InboxError(.usage, "\(roleName) takes agent, supervisor or administrator, not '\(role)'")
        }
        try await open().save(Agent(id: id, name: name, email: email, role: role))
        return "agent \(id) (\(role.rawValue)) saved in \(inboxPath)"
    }

    /// Adds a campaign, or makes `edit` to the one with this ID (the rest of it is kept).
    public func saveCampaign(id: String, _ edit: CampaignEdit) async throws -> String {
        let store = try await open()
        try await store.save(edit.applied(to: store.campaign(id) ?? Campaign(id: id, name: edit.name)))
        return "campaign \(id) saved in \(inboxPath)"
    }

    /// Makes an agent a member of a campaign (already one: nothing changes).
    public func addMember(_ agent: String, to campaign: String) async throws -> String {
        try await changeCampaign(campaign) { $0.addMember(agent) }
        return "\(agent) is a member of \(campaign)"
    }

    /// Ends an agent's membership of a campaign; not a member is refused, naming the members.
    public func removeMember(_ agent: String, from campaign: String) async throws -> String {
        try await changeCampaign(campaign) { try $0.removeMember(agent) }
        return "\(agent) is not a member of \(campaign)"
    }

    /// A new API token for an agent: the token (shown once: only its hash is kept) and the note
    /// that says so.
    public func issueToken(for agent: String, label: String?, at now: Date) async throws -> (token: String, note: String) {
        let store = try await open(create: false)
        let (token, record) = APIToken.issue(for: agent, label: label, at: now)
        try await store.save(record)
        return (token, record.issuedNote)
    }

    /// Revokes a token given by its ID or as the token itself.
    public func revokeToken(_ token: String, at now: Date) async throws -> String {
        let id = APIToken.parse(token)?.id ?? token
        guard try await open(create: false).revokeToken(id, at: now) else {
            throw InboxError(.notFound, "no token \(id) in \(inboxPath) (herald inbox token list)")
        }
        return "token \(id) revoked"
    }

    /// Sets an agent's sign-in password to the first line of `file`, or of `standardInput`
    /// without one (never an argument: it would stay in the shell's history); their sessions end.
    public func setPassword(readingFirstLineOf file: String?, standardInput: FileHandle = .standardInput, for agent: String) async throws -> String {
        let handle = try file.map { path in
            guard let handle = FileHandle(forReadingAtPath: path) else { throw InboxError(.io, "cannot read the password file \(path)") }
            return handle
        } ?? standardInput
        let password = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return try await setPassword(password, for: agent)
    }

    /// Sets an agent's sign-in password; their sessions end.
    public func setPassword(_ password: String, for agent: String) async throws -> String {
        try await SignIn(store: open(create: false)).setPassword(password, for: agent)
        return "agent \(agent) signs in with the new password; their sessions have ended"
    }

    /// The campaign `id` of an existing inbox changed by `change`, and saved.
    private func changeCampaign(_ id: String, _ change: (inout Campaign) throws -> Void) async throws {
        let store = try await open(create: false)
        guard var campaign = try await store.campaign(id) else {
            throw InboxError(.notFound, "no campaign \(id) in \(inboxPath) (herald inbox campaign list)")
        }
        try change(&campaign)
        try await store.save(campaign)
    }
}
