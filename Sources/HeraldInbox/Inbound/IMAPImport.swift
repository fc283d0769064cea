import Foundation
import HeraldDelivery

/// How far a mailbox was imported: for an IMAP folder, its UIDVALIDITY and the last UID
/// imported. Saved after each message, so a run that stops anywhere — the server gone, the
/// process killed — starts the next one at the first message not yet stored.
public struct ImportCursor: Sendable, Equatable {
    /// The mailbox, `user@imaps://host/INBOX`.
    public var source: String
    public var validity: Int64
    public var position: Int64

    public init(source: String, validity: Int64, position: Int64) {
        self.source = source
        self.validity = validity
        self.position = position
    }
}

/// One import run from an IMAP folder: each message above the cursor is fetched to a file,
/// handed to `receive` (parse and store: `EmailImport`), marked imported on the server, and the
/// cursor moved past it — in that order, so nothing is imported twice and nothing skipped: a
/// message stored but not yet marked is stored once more as a duplicate (its Message-ID), never
/// as a second message.
public struct IMAPImport: Sendable {
    public struct Summary: Sendable, Equatable {
        /// Messages fetched and handed over, and what each became.
        public var receptions: [Reception] = []
        /// Messages refused for good (no campaign answers there, an unreadable sender),
        /// with the reason; they stay on the server, unmarked, for a person to look at.
        public var refused: [(uid: UInt32, reason: String)] = []
        /// The folder's UIDVALIDITY changed since the last run: every message was looked at
        /// again (those stored before are duplicates).
        public var restarted = false

        public static func == (lhs: Summary, rhs: Summary) -> Bool {
            lhs.receptions == rhs.receptions && lhs.restarted == rhs.restarted
                && lhs.refused.map(\.uid) == rhs.refused.map(\.uid) && lhs.refused.map(\.reason) == rhs.refused.map(\.reason)
        }
    }

    public var configuration: IMAPConfiguration
    public var store: any InboxStore
    /// Where fetched messages are written while they are imported (inside the data folder, so
    /// their attachments move into `InboundFiles` by rename).
    public var workFolder: String

    public init(configuration: IMAPConfiguration, store: any InboxStore, workFolder: String) {
        self.configuration = configuration
        self.store = store
        self.workFolder = workFolder
    }

    /// The cursor's key: the account and the folder.
    public var source: String { "\(configuration.username)@\(configuration.url)" }

    /// Imports what is new. A failure to reach or read the server ends the run (thrown, after
    /// everything before it is kept); a message `receive` refuses as bad input is reported in
    /// `refused` and passed over; any other error of `receive` ends the run before the message
    /// is counted, so the next run tries it again.
    public func run(_ receive: @escaping @Sendable (String) async throws -> Reception) async throws -> Summary {
        let mailbox = try IMAPMailbox(configuration)
        let validity = Int64(try await Blocking.run { try mailbox.uidValidity() })
        var summary = Summary()
        var cursor = try await store.importCursor(source: source) ?? ImportCursor(source: source, validity: validity, position: 0)
        if cursor.validity != validity {
            cursor = ImportCursor(source: source, validity: validity, position: 0)
            summary.restarted = true
        }
        let after = UInt32(clamping: cursor.position)
        let uids = try await Blocking.run { try mailbox.uids(after: after) }
        try FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: true)
        StaleWorkFiles.remove(in: workFolder, prefix: "imap-", suffix: ".eml")
        for uid in uids {
            let path = (workFolder as NSString).appendingPathComponent("imap-\(UUID().uuidString).eml")
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try await Blocking.run { try mailbox.fetch(uid: uid, to: path) }
            do {
                summary.receptions.append(try await receive(path))
                try await Blocking.run { try mailbox.markImported(uid: uid) }
            } catch let error as InboxError where error.category == .input || error.category == .notFound {
                summary.refused.append((uid, error.description))
            }
            cursor.position = Int64(uid)
            try await store.save(cursor)
        }
        return summary
    }

    /// A run whose messages go through `importer` (parsed, then received or, for a bounce,
    /// recorded); `each` sees every result as it is stored.
    public func run(with importer: EmailImport, each: @escaping @Sendable (EmailImport.Result) -> Void = { _ in }) async throws -> Summary {
        try await run { path in
            let result = try await importer.importMessage(at: path)
            each(result)
            return result.reception ?? Reception(outcome: .added, reason: "a bounce: \(result.receipts.count) failed recipient(s) recorded")
        }
    }
}
