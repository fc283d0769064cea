import Foundation
import HeraldDelivery
import HeraldMIME
@testable import HeraldInbox
import Testing

/// A message on a stream (an MTA's pipe) is spooled into a file for the parser, up to a limit,
/// and nothing of it is left behind.
struct EmailImportStreamTests {
    @Test func aStreamIsSpooledWholeIntoTheFolder() throws {
        let folder = TemporaryFiles.path("spool", "d")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = TemporaryFiles.path("message", "eml")
        let bytes = Data("From: lucia@example.net\r\nSubject: Hi\r\n\r\nHello\r\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: source))
        defer { try? FileManager.default.removeItem(atPath: source) }
        let stream = try #require(FileHandle(forReadingAtPath: source))
        let spooled = try EmailImport.spool(stream, in: folder, limit: 1 << 20)
        #expect((spooled as NSString).deletingLastPathComponent == folder && spooled.hasSuffix(".eml"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: spooled)) == bytes)
    }

    @Test func aStreamPastTheLimitIsRefusedAndLeavesNoFile() throws {
        let folder = TemporaryFiles.path("spool", "d")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = TemporaryFiles.path("large", "eml")
        try Data(repeating: 0x61, count: (1 << 20) + 1).write(to: URL(fileURLWithPath: source))
        defer { try? FileManager.default.removeItem(atPath: source) }
        let stream = try #require(FileHandle(forReadingAtPath: source))
        #expect(throws: InboxError(.input, "the message on standard input is over 1 MB; no mail server sends one so large")) {
            try EmailImport.spool(stream, in: folder, limit: 1 << 20)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(EmailImport.streamLimit == 100 << 20)
    }

    @Test func aKilledRunsSpoolFileIsRemovedByTheNextButNotAFreshOne() throws {
        let folder = TemporaryFiles.path("spool", "d")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        // Left by a run killed two days ago, one spooling right now, and a file that is not a spool.
        let stale = folder + "/.inbound-killed.eml", fresh = folder + "/.inbound-running.eml", other = folder + "/notes.eml"
        for path in [stale, fresh, other] { #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-2 * 24 * 3600)], ofItemAtPath: stale)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-2 * 24 * 3600)], ofItemAtPath: other)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-3600)], ofItemAtPath: fresh)
        let stream = try #require(FileHandle(forReadingAtPath: "/dev/null"))
        let spooled = try EmailImport.spool(stream, in: folder, limit: 1 << 20, now: now)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(left == [".inbound-running.eml", "notes.eml", (spooled as NSString).lastPathComponent])
    }

    @Test func anImportRemovesTheStaleFilesFolderOfAKilledImportButNotAFreshOne() async throws {
        let fixture = try await InboxFixture()
        let folder = TemporaryFiles.path("files", "d")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        for (name, age) in [(".incoming-killed", 2 * 24 * 3600.0), (".incoming-running", 60.0)] {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-age)], ofItemAtPath: folder + "/" + name)
        }
        let message = TemporaryFiles.path("message", "eml")
        defer { try? FileManager.default.removeItem(atPath: message) }
        try Data("From: lucia@example.net\r\nTo: billing@example.com\r\nSubject: Hi\r\nMessage-ID: <s1@example.net>\r\n\r\nHello\r\n".utf8)
            .write(to: URL(fileURLWithPath: message))
        let result = try await EmailImport(inbox: fixture.inbox, files: InboundFiles(folder: folder)).importMessage(at: message)
        #expect(result.reception?.outcome == .opened)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".incoming-") }
        #expect(left == [".incoming-running"])
    }

    @Test func anUnwritableFolderIsAnIOError() throws {
        let stream = FileHandle(forReadingAtPath: "/dev/null")
        let handle = try #require(stream)
        let missing = TemporaryFiles.path("absent", "d")
        #expect { try EmailImport.spool(handle, in: missing, limit: 1 << 20) } throws: { error in
            (error as? InboxError)?.category == .io && "\(error)".hasPrefix("cannot write the message to \(missing)/.inbound-")
        }
    }
}

/// What an IMAP import says when it is done.
struct IMAPSummaryLinesTests {
    @Test func refusalsStayOnTheServerAndTheCountIsSaid() async throws {
        var summary = IMAPImport.Summary()
        summary.refused = [(uid: 7, reason: "no campaign answers at sales@example.com")]
        #expect(summary.refusalNotes == ["UID 7 stays on the server, not imported: no campaign answers at sales@example.com"])
        #expect(summary.importedLine(from: "imaps://mail.example.com/INBOX") == "0 messages imported from imaps://mail.example.com/INBOX")
        let fixture = try await InboxFixture()
        let reception = try await fixture.inbox.receive(InboundTests.email())
        summary.receptions = [reception]
        #expect(summary.importedLine(from: "imaps://mail.example.com/INBOX") == "1 message imported from imaps://mail.example.com/INBOX")
    }

    @Test func anImportKeepsItsWorkFilesUnderTheFilesFolder() async throws {
        let fixture = try await InboxFixture()
        let importer = EmailImport(inbox: fixture.inbox, files: InboundFiles(dataFolder: "/srv/herald"))
        let configuration = IMAPConfiguration(url: "imaps://mail.example.com/INBOX", username: "u", password: "p")
        #expect(importer.imap(configuration).workFolder == "/srv/herald/inbound-files/.imap")
    }
}

/// What a bounce's receipt says of each failed recipient: the server's words, with the status
/// code before them only when they do not say it.
struct BounceReceiptDetailTests {
    @Test func theStatusIsSaidOnce() {
        let report = DeliveryStatusReport(originalMessageID: "herald=i=m@example.com", recipients: [
            .init(recipient: "a@example.net", action: "failed", status: "5.1.1", diagnosticCode: "550 5.1.1 <a@example.net>: User unknown"),
            .init(recipient: "b@example.net", action: "failed", status: "5.2.2", diagnosticCode: "mailbox full"),
            .init(recipient: "c@example.net", action: "failed", status: "5.0.0"),
            .init(recipient: "d@example.net", action: "failed"),
            .init(recipient: "e@example.net", action: "delayed", status: "4.4.1"),
        ])
        let receipts = EmailImport.receipts(of: report, in: InboundEmail(), at: Date(timeIntervalSince1970: 0))
        #expect(receipts.map(\.recipient) == ["a@example.net", "b@example.net", "c@example.net", "d@example.net"])
        #expect(receipts.map(\.detail) == ["550 5.1.1 <a@example.net>: User unknown", "5.2.2 mailbox full", "5.0.0", nil])
        #expect(receipts.allSatisfy { $0.status == .failed && $0.externalID == "herald=i=m@example.com" })
    }
}
