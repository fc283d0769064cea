import Foundation
import Herald
import HeraldDelivery
@testable import HeraldInbox
import HeraldTestSupport
import Testing

/// Fetching from a real IMAP server (Dovecot on loopback, `DovecotServer`): by UID, once, marked
/// on the server, over STARTTLS and IMAPS with the certificate checked, and nothing lost when
/// the server goes away in the middle of a run.
@Suite(.serialized)
struct IMAPImportTests {
    /// Hands each fetched file's bytes to `received`, as `EmailImport` would hand it to the inbox.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var files: [[UInt8]] = []
        var onReceive: (@Sendable (Int) -> Void)?

        var received: [[UInt8]] { lock.withLock { files } }

        func receive(_ path: String) throws -> Reception {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let count = lock.withLock { () -> Int in
                files.append(bytes)
                return files.count
            }
            onReceive?(count)
            return Reception(outcome: .added, reason: "test")
        }
    }

    static func message(_ number: Int) -> [UInt8] {
        Array("From: lucia@example.net\r\nTo: billing@example.com\r\nSubject: Question \(number)\r\nMessage-ID: <q\(number)@example.net>\r\n\r\nQuestion number \(number).\r\n".utf8)
    }

    func importer(_ server: DovecotServer, store: any InboxStore, tls: Bool = false, moveTo: String? = nil, caFile: String? = "") -> IMAPImport {
        let configuration = IMAPConfiguration(url: server.url(tls: tls), username: server.username, password: server.password,
                                              caFile: caFile == "" ? server.certificate : caFile, moveTo: moveTo, timeout: 10)
        return IMAPImport(configuration: configuration, store: store, workFolder: TemporaryFiles.path("imap-work", "d"))
    }

    @Test func importsEachMessageOnceByUID_marksItSeen_andLaterMessagesOnTheNextRun() async throws {
        let server = try DovecotServer()
        let store = try SQLiteInboxStore(path: TemporaryFiles.path("inbox", "sqlite"))
        try server.deliver(Self.message(1))
        try server.deliver(Self.message(2))
        let collector = Collector()
        let first = try await importer(server, store: store).run { try collector.receive($0) }
        // Byte for byte what was delivered (STARTTLS on the plain port). In either order: Dovecot
        // numbers the messages it finds in new/ in directory order, not delivery order.
        #expect(Set(collector.received) == [Self.message(1), Self.message(2)] && collector.received.count == 2)
        #expect(first.receptions.count == 2 && !first.restarted)
        let files = try server.files()
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(",S") }, "\(files)")
        // Again: nothing new.
        let second = try await importer(server, store: store).run { try collector.receive($0) }
        #expect(second.receptions.isEmpty && collector.received.count == 2)
        // One more arrives: only it is fetched.
        try server.deliver(Self.message(3))
        let third = try await importer(server, store: store).run { try collector.receive($0) }
        #expect(third.receptions.count == 1 && collector.received.last == Self.message(3))
        let cursor = try #require(try await store.importCursor(source: importer(server, store: store).source))
        #expect(cursor.position == 3)
    }

    @Test func overIMAPSItMovesWhatItImported_andRefusesAnUntrustedCertificate() async throws {
        let server = try DovecotServer()
        let store = try SQLiteInboxStore(path: TemporaryFiles.path("inbox", "sqlite"))
        try server.deliver(Self.message(1))
        let collector = Collector()
        // Without the test's CA the certificate is not trusted: nothing is fetched.
        let untrusted = await refusal { _ = try await importer(server, store: store, tls: true, caFile: nil).run { try collector.receive($0) } }
        #expect(untrusted?.description.contains("imaps://127.0.0.1:\(server.tlsPort)/INBOX") == true && collector.received.isEmpty)
        let summary = try await importer(server, store: store, tls: true, moveTo: "Archive").run { try collector.receive($0) }
        #expect(summary.receptions.count == 1 && collector.received == [Self.message(1)])
        #expect(try server.files().isEmpty && server.files(folder: ".Archive").count == 1)
        // A wrong password is said, and nothing is fetched.
        var wrong = importer(server, store: store)
        wrong.configuration.password = "nope"
        try server.deliver(Self.message(2))
        let refused = await refusal { _ = try await wrong.run { try collector.receive($0) } }
        #expect(refused?.description.contains("Login denied") == true, "\(String(describing: refused))")
        #expect(collector.received.count == 1)
    }

    @Test func theServerGoingAwayMidRunLosesNothing() async throws {
        let server = try DovecotServer()
        let store = try SQLiteInboxStore(path: TemporaryFiles.path("inbox", "sqlite"))
        for number in 1...3 { try server.deliver(Self.message(number)) }
        let collector = Collector()
        // The server stops while the second message is being stored: marking it fails, the run
        // ends, and the cursor stays after the first.
        collector.onReceive = { count in if count == 2 { server.stop() } }
        let interrupted = await refusal { _ = try await importer(server, store: store).run { try collector.receive($0) } }
        #expect(interrupted != nil && collector.received.count == 2)
        #expect(try await store.importCursor(source: importer(server, store: store).source)?.position == 1)
        // Back: the second is handed over again (the inbox knows it by its Message-ID), then the
        // third; the first never again. (Which message is which UID is Dovecot's directory
        // order, so the check is on positions, not on message numbers.)
        collector.onReceive = nil
        try server.start()
        let resumed = try await importer(server, store: store).run { try collector.receive($0) }
        let seen = collector.received
        #expect(resumed.receptions.count == 2 && seen.count == 4 && seen[2] == seen[1])
        #expect(Set(seen) == Set((1...3).map(Self.message)) && !seen[2...].contains(seen[0]))
        #expect(try server.files().allSatisfy { $0.hasSuffix(",S") })
    }

    @Test func configurationIsCheckedBeforeConnecting() throws {
        #expect(throws: HeraldError.self) { try IMAPConfiguration(url: "http://mail.example.com/INBOX", username: "a", password: "b").validate() }
        #expect(throws: HeraldError.self) { try IMAPConfiguration(url: "imaps://user:pw@mail.example.com/INBOX", username: "a", password: "b").validate() }
        #expect(throws: HeraldError.self) { try IMAPConfiguration(url: "imaps://mail.example.com/", username: "a", password: "b").validate() }
        let missing = #expect(throws: HeraldError.self) { try IMAPConfiguration.fromEnvironment(url: "imaps://mail.example.com/INBOX", environment: [:]) }
        #expect(missing?.description.contains("HERALD_IMAP_USERNAME") == true)
        let configured = try IMAPConfiguration.fromEnvironment(url: "imaps://mail.example.com/INBOX",
                                                               environment: ["HERALD_IMAP_USERNAME": "help", "HERALD_IMAP_PASSWORD": "pw"])
        #expect(configured.username == "help" && configured.password == "pw")
    }
}
