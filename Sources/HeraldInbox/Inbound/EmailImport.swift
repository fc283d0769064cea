import Crypto
import Foundation
import Herald

/// A received email into the inbox, whichever way it came (`herald inbound` from an MTA's pipe,
/// the IMAP poll): parsed with GMime (`InboundEmailParser`), then
///
/// - a bounce (a delivery status notification) marks each failed recipient of the message it
///   returns failed, with the reported status (`Inbox.record`) — never answered, so a bounce
///   never loops;
/// - anything else becomes an `IncomingMessage` for `Inbox.receive`: the new text and the quoted
///   history apart, the customer's HTML through Herald's sanitizing reader into the document
///   model and back out as plain editor HTML, the files kept by SHA-256 with libmagic's type.
public struct EmailImport: Sendable {
    /// What one message became.
    public struct Result: Sendable {
        /// What the parser understood (`herald inbound --dry-run --format json` prints it).
        public var email: InboundEmail
        /// Where it went (nil for a bounce).
        public var reception: Reception?
        /// A bounce's receipts: one per failed recipient.
        public var receipts: [DeliveryReceipt]
    }

    public var inbox: Inbox
    public var files: InboundFiles

    public init(inbox: Inbox, files: InboundFiles) {
        self.inbox = inbox
        self.files = files
    }

    /// Imports the message in `path`. `recipient`: the envelope recipient the MTA delivered it
    /// to (Postfix's `${recipient}`), which finds the campaign when the headers do not name it
    /// (a Bcc). `dryRun`: parse and route, storing nothing anywhere.
    public func importMessage(at path: String, recipient: String? = nil, dryRun: Bool = false) async throws -> Result {
        // Parsed attachment files are written inside the files folder, so keeping one is a rename.
        let work = (files.folder as NSString).appendingPathComponent(".incoming-\(UUID().uuidString)")
        if !dryRun {
            StaleWorkFiles.remove(in: files.folder, prefix: ".incoming-")
            do {
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            } catch {
                throw InboxError(.io, "cannot write the customer's files under \(files.folder): \(error.localizedDescription)")
            }
        }
        defer { if !dryRun { try? FileManager.default.removeItem(atPath: work) } }
        let email: InboundEmail
        do {
            email = try InboundEmailParser(attachmentDirectory: dryRun ? nil : work).parse(path: path)
        } catch let error as HeraldError {
            throw InboxError(error.category, error.description)
        }
        if let report = email.deliveryStatus {
            let receipts = Self.receipts(of: report, in: email, at: inbox.clock())
            if !dryRun { for receipt in receipts { try await inbox.record(receipt) } }
            return Result(email: email, reception: nil, receipts: receipts)
        }
        var incoming = try await message(from: email, path: path, recipient: recipient)
        // Routed before any file is kept: a message refused (no campaign answers there), received
        // before or not stored (an automatic reply with nowhere to go) leaves nothing behind.
        let planned = try await inbox.plan(incoming)
        guard !dryRun, planned.outcome == .added || planned.outcome == .opened else {
            return Result(email: email, reception: planned, receipts: [])
        }
        incoming.content.files = try keepFiles(of: email)
        return Result(email: email, reception: try await inbox.receive(incoming), receipts: [])
    }

    /// A bounce's failed recipients as receipts of the message it returns (delays are not
    /// failures: the sending server is still trying).
    static func receipts(of report: DeliveryStatusReport, in email: InboundEmail, at now: Date) -> [DeliveryReceipt] {
        guard let original = report.originalMessageID else { return [] }
        return report.failedRecipients.map { failed in
            // The server's words, with the status code before them unless they say it already
            // ("550 5.1.1 … User unknown" was shown as "5.1.1 550 5.1.1 …").
            let detail: String?
            switch (failed.status, failed.diagnosticCode) {
            case let (status?, diagnostic?): detail = diagnostic.contains(status) ? diagnostic : "\(status) \(diagnostic)"
            case let (status, diagnostic): detail = diagnostic ?? status
            }
            return DeliveryReceipt(channel: .email, externalID: original, recipient: failed.recipient, status: .failed, at: email.date ?? now,
                                   detail: detail)
        }
    }

    /// The parser's attachment files moved under `files` (by SHA-256, with libmagic's type of
    /// the whole file).
    private func keepFiles(of email: InboundEmail) throws -> [Interaction.Message.File] {
        try email.attachments.enumerated().map { index, attachment in
            guard let stored = attachment.storedPath else { return Self.file(attachment, index: index) }
            return try files.keep(fileAt: stored, sha256: attachment.sha256, size: attachment.size, name: Self.file(attachment, index: index).name,
                                  contentID: attachment.contentID)
        }
    }

    /// An attachment as the parser described it (what a dry run shows, and what routing needs).
    private static func file(_ attachment: InboundAttachment, index: Int) -> Interaction.Message.File {
        Interaction.Message.File(name: attachment.filename ?? "file-\(index + 1)", mediaType: attachment.sniffedType ?? attachment.declaredType,
                                 size: attachment.size, sha256: attachment.sha256, contentID: attachment.contentID)
    }

    private func message(from email: InboundEmail, path: String, recipient: String?) async throws -> IncomingMessage {
        guard let from = email.from ?? email.sender else {
            throw InboxError(.input, "the message in \(path) has no From address: nobody to answer", field: "from")
        }
        // A message without a Message-ID (rare: a broken program) is known by its bytes.
        let externalID = try email.messageID ?? "sha256:" + Self.sha256(ofFile: path)
        let split = email.quotedHistory
        var text = split.text?.new ?? email.text
        var html: String?
        var quotedHTML: String?
        if let source = split.html?.new ?? email.html {
            let document = HTMLReader().read(source).document
            html = EditorHTMLWriter().write(document)
            if text == nil || text?.isEmpty == true { text = EmailTextRenderer().render(document) }
            if let quoted = split.html?.quoted, !quoted.isEmpty {
                quotedHTML = EditorHTMLWriter().write(HTMLReader().read(quoted).document)
            }
        }
        let quoted = split.text?.quoted.isEmpty == false ? split.text?.quoted : nil
        let content = Interaction.Message.Inbound(
            externalID: externalID, from: from.address, fromName: from.name, replyTo: email.replyTo.map(\.address), to: email.to.map(\.address),
            cc: email.cc.map(\.address), references: email.references.filter { $0 != externalID } + [externalID],
            text: (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines), quoted: quoted, html: html, quotedHTML: quotedHTML, files: email.attachments.enumerated().map { Self.file($1, index: $0) },
            autoReply: email.autoReply?.reason, sentAt: email.date)
        let receivedBy = (recipient.map { [$0] } ?? []) + email.to.map(\.address) + email.cc.map(\.address)
        return IncomingMessage(channel: .email, receivedBy: receivedBy, subject: email.subject,
                               replyingTo: email.inReplyTo + email.references.reversed(), content: content)
    }

    static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InboxError(.io, "cannot read \(path)") }
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
