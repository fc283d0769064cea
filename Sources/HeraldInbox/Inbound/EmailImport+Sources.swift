import Foundation
import HeraldDelivery

// Where `herald inbound` takes customers' email from besides a file: a pipe, an IMAP folder.

extension EmailImport {
    /// The largest message read from a stream (100 MB): above any mail server's limit.
    public static let streamLimit = 100 << 20

    /// Imports the message on `stream` (an MTA's pipe into `herald inbound -`): spooled into a
    /// file in `folder` first (the parser reads files), up to `limit` bytes, and removed after.
    public func importMessage(from stream: FileHandle, spoolingIn folder: String, limit: Int = streamLimit,
                              recipient: String? = nil, dryRun: Bool = false) async throws -> Result {
        let path = try Self.spool(stream, in: folder, limit: limit)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await importMessage(at: path, recipient: recipient, dryRun: dryRun)
    }

    /// `stream` into a new file in `folder`, read by chunks; past `limit` the file is removed and
    /// the message refused. Spool files left by killed runs are removed first.
    static func spool(_ stream: FileHandle, in folder: String, limit: Int, now: Date = Date()) throws -> String {
        StaleWorkFiles.remove(in: folder, prefix: ".inbound-", suffix: ".eml", now: now)
        let path = URL(fileURLWithPath: folder).appendingPathComponent(".inbound-\(UUID().uuidString).eml").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let output = FileHandle(forWritingAtPath: path) else {
            throw InboxError(.io, "cannot write the message to \(path)")
        }
        defer { try? output.close() }
        var total = 0
        while let chunk = try stream.read(upToCount: 1 << 20), !chunk.isEmpty {
            total += chunk.count
            guard total <= limit else {
                try? FileManager.default.removeItem(atPath: path)
                throw InboxError(.input, "the message on standard input is over \(limit >> 20) MB; no mail server sends one so large")
            }
            try output.write(contentsOf: chunk)
        }
        return path
    }
}

extension EmailImport {
    /// The import of an IMAP folder's new mail through this importer (`herald inbound --imap`,
    /// `herald serve --imap`): its cursor in the inbox, its work files under the files folder.
    public func imap(_ configuration: IMAPConfiguration) -> IMAPImport {
        IMAPImport(configuration: configuration, store: inbox.store, workFolder: files.folder + "/.imap")
    }
}

extension IMAPImport.Summary {
    /// One warning per message refused for good: it stays on the server.
    public var refusalNotes: [String] { refused.map { "UID \($0.uid) stays on the server, not imported: \($0.reason)" } }

    /// "3 messages imported from imaps://…".
    public func importedLine(from url: String) -> String {
        "\(receptions.count) message\(receptions.count == 1 ? "" : "s") imported from \(url)"
    }
}
