import Foundation
@testable import HeraldDelivery
import HeraldMIME
import HeraldTestSupport
import Testing

@Suite(.serialized) struct SMTPTransportTests {
    func message(text: String = "Hello.\n.\n..two dots\nBye.\n", bcc: String = "audit@example.com") throws -> (EmailMessage, [UInt8]) {
        let message = EmailMessage(headers: MessageHeaders(
            from: try EmailAddress(validating: "Support <support@example.com>"),
            to: try AddressParser.parseList("Ana <ana@example.com>, bo@example.com"),
            cc: try AddressParser.parseList("ops@example.com"),
            bcc: try AddressParser.parseMailboxes(bcc),
            subject: try HeaderText("Delivery test", field: "subject")), text: text)
        let identity = MessageIdentity(date: .deterministic, messageID: try MessageID(validating: "<t@example.com>"), boundarySeed: "0011223344556677")
        return (message, try MIMEWriter().bytes(of: message, identity: identity))
    }

    @Test func deliversToEveryRecipientAndTheServerGetsTheExactBytes() throws {
        let server = try TestServer()
        let (message, bytes) = try message()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.recipients.map(\.address) == ["ana@example.com", "bo@example.com", "ops@example.com", "audit@example.com"])
        #expect(report.recipients.allSatisfy { $0.status == .accepted && $0.code == 250 })
        let received = try server.received()
        #expect(received.count == 1)
        #expect(received.first.map(\.mailFrom) == "support@example.com")
        #expect(received.first?.recipients == ["ana@example.com", "bo@example.com", "ops@example.com", "audit@example.com"])
        // Byte-identical, lines starting with "." included: libcurl dot-stuffs, the server unstuffs.
        #expect(received.first?.bytes == bytes)
        let receivedText = String(decoding: received.first.map(\.bytes) ?? [], as: UTF8.self)
        #expect(!receivedText.contains("audit@example.com"))
    }

    @Test func oneRefusedRecipientDoesNotSinkTheOthers() throws {
        let server = try TestServer(["--refuse", "bo@example.com"])
        let (message, bytes) = try message()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        #expect(report.failure == nil)
        let refused = try #require(report.recipients.first { $0.address == "bo@example.com" })
        #expect(refused.status == .rejected && refused.code == 550)
        #expect(refused.reply.contains("User unknown"))
        #expect(report.accepted.map(\.address) == ["ana@example.com", "ops@example.com", "audit@example.com"])
        #expect(try server.received().first?.recipients == ["ana@example.com", "ops@example.com", "audit@example.com"])
    }

    @Test func greylistedRecipientIsDeferredThenAcceptedOnRetry() throws {
        let server = try TestServer(["--greylist", "ops@example.com"])
        let (message, bytes) = try message()
        let transport = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none))
        let first = transport.deliver(bytes, envelope: message.envelope, smtputf8: false)
        let deferred = try #require(first.recipients.first { $0.address == "ops@example.com" })
        #expect(deferred.status == .deferred && deferred.code == 451)
        // The retry goes only to the recipient that failed temporarily.
        var retry = message.envelope
        retry.recipients = retry.recipients.filter { $0.addrSpec == "ops@example.com" }
        let second = transport.deliver(bytes, envelope: retry, smtputf8: false)
        #expect(second.failure == nil)
        #expect(second.recipients.map(\.status) == [.accepted])
        #expect(try server.received().map(\.recipients) == [["ana@example.com", "bo@example.com", "audit@example.com"], ["ops@example.com"]])
    }

    @Test func everyRecipientRefusedIsAPermanentFailure() throws {
        let server = try TestServer(["--refuse", "only@example.com"])
        let (message, bytes) = try message()
        var envelope = message.envelope
        envelope.recipients = try AddressParser.parseMailboxes("only@example.com")
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none)).deliver(bytes, envelope: envelope, smtputf8: false)
        guard case .permanent(let code, _)? = report.failure else {
            Issue.record("expected a permanent failure, got \(String(describing: report.failure))")
            return
        }
        #expect(code == 550)
        #expect(try server.received().isEmpty)
    }

    @Test func greeting421IsTemporary() throws {
        let server = try TestServer(["--greeting-421"])
        let (message, bytes) = try message()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        guard case .temporary(let code, _)? = report.failure else {
            Issue.record("expected a temporary failure, got \(String(describing: report.failure)) \(report.transcript)")
            return
        }
        #expect(code == 421)
    }

    @Test func connectionLostAfterTheBodyIsAmbiguous() throws {
        let server = try TestServer(["--drop-after-data"])
        let (message, bytes) = try message()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none, responseTimeout: 5)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        guard case .ambiguous? = report.failure else {
            Issue.record("expected an ambiguous failure, got \(String(describing: report.failure)) \(report.transcript)")
            return
        }
        #expect(report.accepted.isEmpty)
    }

    @Test func aServerSlowerThanTheTimeoutIsTemporary() throws {
        let server = try TestServer(["--slow", "4"])
        let (message, bytes) = try message()
        let started = Date()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none, responseTimeout: 1)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        guard case .temporary? = report.failure else {
            Issue.record("expected a temporary failure, got \(String(describing: report.failure))")
            return
        }
        #expect(Date().timeIntervalSince(started) < 4)
    }

    @Test func refusedConnectionIsTemporary() throws {
        let port = try TestServer().port  // started and stopped: nothing listens there now
        let (message, bytes) = try message()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: "smtp://127.0.0.1:\(port)", startTLS: .none, connectTimeout: 2)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        guard case .temporary(nil, _)? = report.failure else {
            Issue.record("expected a temporary failure, got \(String(describing: report.failure))")
            return
        }
    }

    @Test func startTLSWithATestCertificate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try TestServer.makeCertificate(in: directory)
        let server = try TestServer(["--tls", cert, key, "--require-tls"])
        let (message, bytes) = try message()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .required, caFile: cert)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.transcript.contains("> STARTTLS"))
        #expect(try server.received().first?.bytes == bytes)

        let plain = try TestServer()
        let refused = SMTPTransport(configuration: SMTPConfiguration(url: plain.url, startTLS: .required)).deliver(bytes, envelope: message.envelope, smtputf8: false)
        #expect(refused.failure == .permanent(code: nil, reason: "STARTTLS is required but the server does not offer it"))
        #expect(try plain.received().isEmpty)
    }

    @Test func implicitTLSOnSMTPS() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try TestServer.makeCertificate(in: directory)
        let server = try TestServer(["--implicit-tls", cert, key])
        let (message, bytes) = try message()
        let report = SMTPTransport(configuration: SMTPConfiguration(url: "smtps://127.0.0.1:\(server.port)", startTLS: .none, caFile: cert))
            .deliver(bytes, envelope: message.envelope, smtputf8: false)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(!report.transcript.contains("> STARTTLS"))
        #expect(try server.received().first.map(\.bytes) == bytes)
        // Without trusting the test certificate, the handshake is refused for good.
        let untrusted = SMTPTransport(configuration: SMTPConfiguration(url: "smtps://127.0.0.1:\(server.port)", startTLS: .none))
            .deliver(bytes, envelope: message.envelope, smtputf8: false)
        guard case .permanent? = untrusted.failure else {
            Issue.record("expected a permanent failure, got \(String(describing: untrusted.failure))")
            return
        }
    }

    @Test func nonASCIIRecipientsTravelWithSMTPUTF8() throws {
        let server = try TestServer()
        let (message, bytes) = try message(bcc: "josé@example.com")
        let report = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none)).deliver(bytes, envelope: message.envelope, smtputf8: true)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.transcript.contains { $0.hasPrefix("> MAIL FROM:<support@example.com>") && $0.contains("SMTPUTF8") })
        #expect(try server.received().first?.recipients.contains("josé@example.com") == true)
    }

    @Test func authenticationWithoutCredentialsInTheTranscript() throws {
        let server = try TestServer(["--auth", "herald:s3cret-Pa55"])
        let (message, bytes) = try message()
        let good = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none, username: "herald", password: "s3cret-Pa55"))
            .deliver(bytes, envelope: message.envelope, smtputf8: false)
        #expect(good.failure == nil, "\(good.transcript)")
        let transcript = good.transcript.joined(separator: "\n")
        #expect(transcript.contains("> AUTH PLAIN <credentials hidden>") || transcript.contains("> AUTH LOGIN <credentials hidden>"))
        for secret in ["s3cret-Pa55", Data("s3cret-Pa55".utf8).base64EncodedString(), Data("\u{0}herald\u{0}s3cret-Pa55".utf8).base64EncodedString()] {
            #expect(!transcript.contains(secret))
        }
        let bad = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none, username: "herald", password: "wrong"))
            .deliver(bytes, envelope: message.envelope, smtputf8: false)
        guard case .permanent? = bad.failure else {
            Issue.record("expected a permanent failure, got \(String(describing: bad.failure))")
            return
        }
        #expect(try server.received().count == 1)
    }

    /// libcurl 7.88 hands the debug callback whole lines, but nothing promises it: lines split
    /// across callbacks, several in one, bare LF, multi-line and garbage replies, and lines over
    /// 512 bytes all pair with the right command.
    @Test func theTranscriptPairsEveryReplyWithItsCommandHoweverItArrives() throws {
        let transcript = Transcript(capabilities: nil)
        func feed(_ text: String, sent: Bool = false) {
            Array(text.utf8).withUnsafeBytes { sent ? transcript.sent($0) : transcript.received($0) }
        }
        let filler = String(repeating: "é", count: 400)
        feed("220 mx.example.com ESMTP\r\n")
        feed("EHLO herald\r\n", sent: true)
        feed("250-mx.example.com\r\n250-SI")
        feed("ZE 1000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n")
        feed("MAIL FROM:<a@example.com> SIZE=10\r\n", sent: true)
        feed("25")
        feed("0 2.1.0 Ok\n")
        feed("RCPT TO:<\"a>b\"@example.com>\r\n", sent: true)
        feed("hello?\r\n")
        feed("550-5.1.1 No such\r\n550 5.1.1 user here\r\n")
        feed("RCPT TO:<c@exa", sent: true)
        feed("mple.com>\r\n", sent: true)
        feed("451 4.2.1 \(filler)\r\n")
        feed("RCPT TO:<d@example.com>\r\n", sent: true)
        feed("250 2.1.5 Ok\r\n")
        transcript.endOfTransfer()

        #expect(transcript.capabilities?.keywords == ["SIZE", "8BITMIME", "ENHANCEDSTATUSCODES"])
        #expect(transcript.capabilities?.sizeLimit == 1000)
        let replies = transcript.recipientReplies
        #expect(replies.map(\.position) == [0, 1, 2])
        #expect(replies.map(\.reply.code) == [550, 451, 250])
        #expect(replies.map(\.reply.enhancedStatus) == ["5.1.1", "4.2.1", "2.1.5"])
        #expect(replies.first?.reply.text == "5.1.1 No such user here")
        let long = try #require(replies.dropFirst().first?.reply.text)
        #expect(long.hasPrefix("4.2.1 éé") && long.hasSuffix("… [806 bytes]") && long.utf8.count <= 530, "\(long)")
        #expect(transcript.exchanges.map(\.command) == [.greeting, .ehlo, .mail, .recipient(0), .recipient(1), .recipient(2)])
        #expect(transcript.exchanges[3].strays == ["hello?"])
        #expect(transcript.lines.contains("> RCPT TO:<c@example.com>"))
        #expect(transcript.lines.allSatisfy { $0.utf8.count <= 540 && !$0.contains("\r") && !$0.contains("\n") }, "\(transcript.lines)")
    }

    @Test func theConnectionStaysOpenBetweenMessages() throws {
        let server = try TestServer()
        let (message, bytes) = try message()
        let transport = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none))
        let first = transport.deliver(bytes, envelope: message.envelope, smtputf8: false)
        let second = transport.deliver(bytes, envelope: message.envelope, smtputf8: false)
        #expect(first.failure == nil && second.failure == nil)
        #expect(first.transcript.contains { $0.hasPrefix("> EHLO") })
        #expect(!second.transcript.contains { $0.hasPrefix("> EHLO") }, "a second EHLO means a new connection: \(second.transcript)")
        #expect(try server.received().count == 2)
    }
}
