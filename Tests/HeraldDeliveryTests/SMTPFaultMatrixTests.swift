import Foundation
@testable import HeraldDelivery
import HeraldMIME
import HeraldTestSupport
import Testing

/// Every way an SMTP server can answer, played by the scripted fault server
/// (Tests/HeraldTestSupport/Scripts/smtp-fault-server.py) to real libcurl on loopback: each attempt must be
/// classified by what the server said to the command that failed, with per-recipient results
/// in envelope order. docs/smtp-faults.md is the table these tests check.
@Suite struct SMTPFaultMatrixTests {
    enum Kind: String, Sendable { case temporary, permanent, ambiguous }

    /// A message written by Herald's MIME writer (7-bit), and its envelope.
    static func message(to recipients: String = "ana@example.com, bo@example.com", text: String = "Hello.\n",
                        messageID: String = "<fault@example.com>") throws -> (envelope: Envelope, bytes: [UInt8]) {
        let message = EmailMessage(headers: MessageHeaders(
            from: try EmailAddress(validating: "Support <support@example.com>"),
            to: try AddressParser.parseList(recipients),
            subject: try HeaderText("Fault test", field: "subject")), text: text)
        let identity = MessageIdentity(date: .deterministic, messageID: try MessageID(validating: messageID), boundarySeed: "0011223344556677")
        return (message.envelope, try MIMEWriter().bytes(of: message, identity: identity))
    }

    static func deliver(_ bytes: [UInt8], _ envelope: Envelope, to server: TestServer, startTLS: SMTPConfiguration.StartTLS = .none,
                        username: String? = nil, responseTimeout: Int = 10, smtputf8: Bool = false) -> DeliveryReport {
        SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: startTLS, username: username, password: username.map { _ in "secret" },
                                                       responseTimeout: responseTimeout))
            .deliver(bytes, envelope: envelope, smtputf8: smtputf8)
    }

    /// The failure's class, code and reason, for one #expect.
    static func describe(_ failure: DeliveryFailure?) -> (kind: Kind, code: Int?, reason: String)? {
        switch failure {
        case .temporary(let code, let reason)?: return (.temporary, code, reason)
        case .permanent(let code, let reason)?: return (.permanent, code, reason)
        case .ambiguous(let reason)?: return (.ambiguous, nil, reason)
        case nil: return nil
        }
    }

    // MARK: Failures of the whole attempt

    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var options: [String]
        var startTLS: SMTPConfiguration.StartTLS = .none
        /// Log in as this user (password "secret").
        var username: String?
        var responseTimeout = 10
        var kind: Kind
        var code: Int?
        /// What the reason must say: the command and the server's code and text.
        var reason: String
        var testDescription: String { name }
    }

    static let wholeAttemptFailures: [Scenario] = [
        Scenario(name: "greeting 421", options: ["--greeting", "421 4.3.2 Service not available"],
                 kind: .temporary, code: 421, reason: "greeting: 421 4.3.2 Service not available"),
        Scenario(name: "no greeting within the timeout", options: ["--delay", "GREETING=4"], responseTimeout: 1,
                 kind: .temporary, code: nil, reason: "the server sent no greeting within 1 second"),
        Scenario(name: "garbage greeting", options: ["--greeting", "Welcome!"], responseTimeout: 1,
                 kind: .temporary, code: nil, reason: "the server greeted with something that is not an SMTP reply: \"Welcome!\", and no reply came within 1 second"),
        Scenario(name: "greeting 554", options: ["--greeting", "554 5.3.2 No SMTP service here"],
                 kind: .permanent, code: 554, reason: "greeting: 554 5.3.2 No SMTP service here"),
        Scenario(name: "EHLO refused with STARTTLS required: no HELO fallback", options: ["--reply", "EHLO=502 5.5.2 Error: command not recognized"],
                 startTLS: .required, kind: .permanent, code: 502, reason: "EHLO refused: 502 5.5.2 Error: command not recognized"),
        Scenario(name: "MAIL FROM 452", options: ["--reply", "MAIL=452 4.3.1 Insufficient system storage"],
                 kind: .temporary, code: 452, reason: "MAIL FROM refused: 452 4.3.1 Insufficient system storage"),
        Scenario(name: "MAIL FROM 530", options: ["--reply", "MAIL=530 5.7.57 Client not authenticated to send mail"],
                 kind: .permanent, code: 530, reason: "MAIL FROM refused: 530 5.7.57 Client not authenticated to send mail"),
        Scenario(name: "MAIL FROM 550", options: ["--reply", "MAIL=550 5.7.1 Sender address rejected: Access denied"],
                 kind: .permanent, code: 550, reason: "MAIL FROM refused: 550 5.7.1 Sender address rejected: Access denied"),
        Scenario(name: "MAIL FROM 550, multi-line", options: ["--reply", "MAIL=550-5.7.1 Sender rejected:\n550 5.7.1 see https://example.com/policy"],
                 kind: .permanent, code: 550, reason: "MAIL FROM refused: 550 5.7.1 Sender rejected: see https://example.com/policy"),
        Scenario(name: "DATA 554", options: ["--reply", "DATA=554 5.5.1 Error: no valid recipients"],
                 kind: .permanent, code: 554, reason: "DATA refused: 554 5.5.1 Error: no valid recipients"),
        Scenario(name: "DATA 554, bare-LF replies", options: ["--bare-lf", "--reply", "DATA=554 5.5.1 Error: no valid recipients"],
                 kind: .permanent, code: 554, reason: "DATA refused: 554 5.5.1 Error: no valid recipients"),
        Scenario(name: "552 after the final dot", options: ["--reply", "DOT=552 5.3.4 Message too big for system"],
                 kind: .permanent, code: 552, reason: "end of DATA refused: 552 5.3.4 Message too big for system"),
        Scenario(name: "421 after the final dot, then closed", options: ["--reply", "DOT=421 4.3.2 Shutting down", "--close-after-reply", "DOT"],
                 kind: .temporary, code: 421, reason: "end of DATA refused: 421 4.3.2 Shutting down"),
        Scenario(name: "452 after the final dot, bare-LF replies", options: ["--bare-lf", "--reply", "DOT=452 4.2.2 Mailbox full"],
                 kind: .temporary, code: 452, reason: "end of DATA refused: 452 4.2.2 Mailbox full"),
        Scenario(name: "STARTTLS required, not offered", options: ["--require-starttls"],
                 kind: .permanent, code: 530, reason: "MAIL FROM refused: 530 5.7.0 Must issue a STARTTLS command first"),
        Scenario(name: "STARTTLS required and offered, client configured without it", options: ["--offer-starttls", "--require-starttls"],
                 kind: .permanent, code: 530, reason: "MAIL FROM refused: 530 5.7.0 Must issue a STARTTLS command first"),
        Scenario(name: "STARTTLS required and offered but refused, client opportunistic", options: ["--offer-starttls", "--require-starttls"],
                 startTLS: .opportunistic, kind: .permanent, code: 530, reason: "MAIL FROM refused: 530 5.7.0 Must issue a STARTTLS command first"),
        Scenario(name: "AUTH required, no credentials", options: ["--require-auth"],
                 kind: .permanent, code: 530, reason: "MAIL FROM refused: 530 5.7.0 Authentication required"),
        Scenario(name: "AUTH refused 535", options: ["--require-auth"], username: "herald",
                 kind: .permanent, code: 535, reason: "AUTH refused: 535 5.7.8 Authentication credentials invalid"),
        Scenario(name: "AUTH refused 454", options: ["--require-auth", "--reply", "AUTH=454 4.7.0 Temporary authentication failure"], username: "herald",
                 kind: .temporary, code: 454, reason: "AUTH refused: 454 4.7.0 Temporary authentication failure"),
        Scenario(name: "no reply to AUTH within the timeout", options: ["--require-auth", "--delay", "AUTH=4"], username: "herald", responseTimeout: 1,
                 kind: .temporary, code: nil, reason: "the server did not answer AUTH within 1 second"),
        Scenario(name: "connection closed after MAIL FROM, no reply", options: ["--close-after", "MAIL"],
                 kind: .temporary, code: nil, reason: "the connection was closed before the server answered MAIL FROM"),
        Scenario(name: "garbage reply to MAIL FROM, then closed", options: ["--reply", "MAIL=hello, this is not SMTP", "--close-after-reply", "MAIL"],
                 kind: .temporary, code: nil, reason: "MAIL FROM with something that is not an SMTP reply: \"hello, this is not SMTP\""),
        Scenario(name: "connection closed after the final dot, no reply", options: ["--close-after", "DOT"],
                 kind: .ambiguous, code: nil, reason: "the connection was lost after the message was sent, before the server replied"),
        Scenario(name: "garbage reply to the final dot, then closed", options: ["--reply", "DOT=hello", "--close-after-reply", "DOT"],
                 kind: .ambiguous, code: nil, reason: "; it said only \"hello\"; the server may have it"),
    ]

    @Test(arguments: wholeAttemptFailures)
    func wholeAttemptFailure(_ scenario: Scenario) throws {
        let server = try TestServer(script: "smtp-fault-server.py", scenario.options)
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server, startTLS: scenario.startTLS, username: scenario.username,
                                  responseTimeout: scenario.responseTimeout)
        let failure = try #require(Self.describe(report.failure), "delivered: \(report.transcript)")
        #expect(failure.kind == scenario.kind, "\(failure.reason)\n\(report.transcript)")
        #expect(failure.code == scenario.code, "\(failure.reason)")
        #expect(failure.reason.contains(scenario.reason), "\(failure.reason)")
        // Nothing was delivered: no recipient is reported accepted, and those reported are the
        // envelope's, in its order.
        #expect(report.accepted.isEmpty)
        #expect(report.recipients.map(\.address) == Array(envelope.recipients.map(\.addrSpec).prefix(report.recipients.count)))
        #expect(try server.received().isEmpty)
    }

    /// libcurl 7.88 wants exactly 250 after the final dot and calls anything else a weird
    /// reply; any 2xx there means the server took responsibility for the message.
    @Test func any2xxAfterTheFinalDotIsDelivery() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--reply", "DOT=251 2.0.0 Queued for later relay"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.recipients.map(\.status) == [.accepted, .accepted])
        #expect(report.transcript.last == "< 251 2.0.0 Queued for later relay")
    }

    @Test(arguments: [SMTPConfiguration.StartTLS.none, .opportunistic])
    func ehloRefusedFallsBackToHELO(_ startTLS: SMTPConfiguration.StartTLS) throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--reply", "EHLO=502 5.5.2 Error: command not recognized"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server, startTLS: startTLS)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.recipients.map(\.status) == [.accepted, .accepted])
        #expect(report.transcript.contains { $0.hasPrefix("> HELO") }, "\(report.transcript)")
        #expect(try server.received().map(\.bytes) == [bytes])
    }

    // MARK: Recipients

    @Test(arguments: [[String](), ["--bare-lf"]])
    func recipientsAreAnsweredOneByOneInEnvelopeOrder(_ lineEndings: [String]) throws {
        let server = try TestServer(script: "smtp-fault-server.py", lineEndings + [
            "--rcpt", "bo@example.com=451 4.2.1 Mailbox busy, try later",
            "--rcpt", "cy@example.com=550 5.1.1 <cy@example.com>: Recipient address rejected: User unknown",
        ])
        let (envelope, bytes) = try Self.message(to: "ana@example.com, bo@example.com, cy@example.com, dee@example.com")
        let report = Self.deliver(bytes, envelope, to: server)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.recipients.map(\.address) == ["ana@example.com", "bo@example.com", "cy@example.com", "dee@example.com"])
        #expect(report.recipients.map(\.status) == [.accepted, .deferred, .rejected, .accepted])
        #expect(report.recipients.map(\.code) == [250, 451, 550, 250])
        #expect(report.recipients.map(\.enhancedStatus) == ["2.1.5", "4.2.1", "5.1.1", "2.1.5"])
        #expect(report.recipients.map(\.reply) == ["2.1.5 Ok", "4.2.1 Mailbox busy, try later",
                                                   "5.1.1 <cy@example.com>: Recipient address rejected: User unknown", "2.1.5 Ok"])
        #expect(try server.received().map(\.recipients) == [["ana@example.com", "dee@example.com"]])
    }

    @Test func everyRecipientRefusedIsClassifiedByTheirReplies() throws {
        let server = try TestServer(script: "smtp-fault-server.py", [
            "--rcpt", "ana@example.com=550 5.1.1 User unknown", "--rcpt", "bo@example.com=451 4.2.1 Mailbox busy",
        ])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server)
        // One recipient may take it later: the attempt is temporary, and only bo is deferred.
        let failure = try #require(Self.describe(report.failure))
        #expect(failure.kind == .temporary && failure.code == 451)
        #expect(failure.reason.contains("RCPT TO refused for every recipient"), "\(failure.reason)")
        #expect(failure.reason.contains("bo@example.com: 451 4.2.1 Mailbox busy"), "\(failure.reason)")
        #expect(report.recipients.map(\.status) == [.rejected, .deferred])
        #expect(!server.commands().contains("DATA"))
    }

    /// A quoted local part may hold ">": the result carries the envelope's address exactly, so
    /// the outbox (which matches results by address) records the recipient as delivered.
    @Test func aQuotedLocalPartWithAnAngleBracketIsAcceptedWithItsExactAddress() throws {
        let server = try TestServer(script: "smtp-fault-server.py", [])
        let (envelope, bytes) = try Self.message(to: "\"a>b\"@example.com, bo@example.com")
        #expect(envelope.recipients.map(\.addrSpec) == ["\"a>b\"@example.com", "bo@example.com"])
        let report = Self.deliver(bytes, envelope, to: server)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.recipients.map(\.address) == ["\"a>b\"@example.com", "bo@example.com"])
        #expect(report.recipients.map(\.status) == [.accepted, .accepted])
        #expect(try server.received().map(\.recipients) == [["\"a>b\"@example.com", "bo@example.com"]])
    }

    @Test func theOutboxDeliversAQuotedLocalPartOnce() async throws {
        let server = try TestServer(script: "smtp-fault-server.py", [])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fault-outbox-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let outbox = try SQLiteOutboxStore(path: path)
        let (envelope, bytes) = try Self.message(to: "\"a>b\"@example.com")
        let id = try await outbox.enqueueEmail(bytes, envelope: envelope, smtputf8: false, now: Date().timeIntervalSince1970)
        let worker = OutboxWorker(store: outbox, transports: [.email: SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none))])
        #expect(try await worker.runOnce() == 1)
        let entry = try #require(try await outbox.entry(id))
        #expect(entry.state == .sent, "\(entry)")
        #expect(entry.recipients.map(\.status) == [.accepted])
        // Nothing left to deliver, however long the worker waits.
        #expect(try await outbox.claiming(owner: "later", now: Date().timeIntervalSince1970 + 86_400).isEmpty)
        #expect(try server.received().count == 1)
    }

    // MARK: Timeouts, garbage, long lines

    @Test func aReplySlowerThanTheTimeoutIsTemporary() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--delay", "MAIL=4"])
        let (envelope, bytes) = try Self.message()
        let started = Date()
        let report = Self.deliver(bytes, envelope, to: server, responseTimeout: 1)
        let failure = try #require(Self.describe(report.failure))
        #expect(failure.kind == .temporary)
        #expect(failure.reason.contains("the server did not answer MAIL FROM within 1 second"), "\(failure.reason)")
        #expect(Date().timeIntervalSince(started) < 4)
        #expect(try server.received().isEmpty)
    }

    @Test func aSlowReplyToTheFinalDotIsAmbiguous() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--delay", "DOT=4"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server, responseTimeout: 1)
        let failure = try #require(Self.describe(report.failure))
        #expect(failure.kind == .ambiguous)
        #expect(failure.reason.contains("the server did not answer the end of DATA within 1 second"), "\(failure.reason)")
        #expect(report.accepted.isEmpty)
    }

    /// A server that stops reading the body: nothing is answered late, the upload just stops.
    /// The message is larger than what both sockets' buffers hold on loopback.
    @Test func aServerThatStopsReadingTheBodyIsTemporary() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--delay", "BODY=30"])
        let envelope = Envelope(mailFrom: try EmailAddress(validating: "support@example.com"), recipients: [try EmailAddress(validating: "ana@example.com")])
        let bytes = Array(("Subject: big\r\n\r\n" + String(repeating: String(repeating: "x", count: 1022) + "\r\n", count: 8 * 1024)).utf8)
        let started = Date()
        let report = Self.deliver(bytes, envelope, to: server, responseTimeout: 1)
        let failure = try #require(Self.describe(report.failure))
        #expect(failure.kind == .temporary)
        #expect(failure.reason.contains("the server stopped reading the message body"), "\(failure.reason)")
        // libcurl's low-speed check averages over about five seconds, then waits the 1 s.
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(report.accepted.isEmpty)
        #expect(try server.received().isEmpty)
    }

    @Test func aGarbageReplyThenSilenceIsTemporary() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--reply", "MAIL=hello, this is not SMTP"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server, responseTimeout: 1)
        let failure = try #require(Self.describe(report.failure))
        #expect(failure.kind == .temporary && failure.code == nil)
        #expect(failure.reason.contains("MAIL FROM with something that is not an SMTP reply: \"hello, this is not SMTP\""), "\(failure.reason)")
        #expect(failure.reason.contains("and no reply came within 1 second"), "\(failure.reason)")
    }

    @Test func replyLinesOver512BytesAreClassifiedAndKeptBounded() throws {
        let filler = String(repeating: "x", count: 600)
        let server = try TestServer(script: "smtp-fault-server.py", ["--rcpt", "bo@example.com=550 5.1.1 \(filler) END"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.recipients.map(\.status) == [.accepted, .rejected])
        let refused = try #require(report.recipients.last)
        #expect(refused.code == 550)
        #expect(refused.reply.hasPrefix("5.1.1 xxxxxxxx"))
        #expect(refused.reply.utf8.count <= 600, "\(refused.reply.utf8.count) bytes kept")
        #expect(report.transcript.allSatisfy { $0.utf8.count <= 600 }, "\(report.transcript.map(\.utf8.count))")
        #expect(try server.received().map(\.recipients) == [["ana@example.com"]])

        let temporary = try TestServer(script: "smtp-fault-server.py", ["--reply", "MAIL=452 4.3.1 \(filler) END"])
        let failure = try #require(Self.describe(Self.deliver(bytes, envelope, to: temporary).failure))
        #expect(failure.kind == .temporary && failure.code == 452)
        #expect(failure.reason.hasPrefix("MAIL FROM refused: 452 4.3.1 xxxx"), "\(failure.reason)")
        #expect(failure.reason.utf8.count <= 700)
    }

    @Test func bareLFRepliesDeliver() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--bare-lf", "--size", "100000"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(report.recipients.map(\.reply) == ["2.1.5 Ok", "2.1.5 Ok"])
        #expect(!report.transcript.contains { $0.contains("\n") || $0.contains("\r") })
        #expect(try server.received().map(\.bytes) == [bytes])
    }

    // MARK: What the server advertised

    @Test func aMessageOverTheAdvertisedSizeIsRefusedBeforeItsBody() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--size", "200"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server)
        let failure = try #require(Self.describe(report.failure))
        #expect(failure.kind == .permanent)
        #expect(failure.reason.contains("the message is \(bytes.count) bytes; the server accepts at most 200"), "\(failure.reason)")
        // libcurl declared the size, and the server refused it at MAIL FROM: no body byte went out.
        #expect(server.commands().contains { $0.hasPrefix("MAIL FROM:") && $0.hasSuffix("SIZE=\(bytes.count)") }, "\(server.commands())")
        #expect(failure.reason.contains("552 5.3.4"), "\(failure.reason)")
        #expect(server.bodyBytesReceived() == 0 && !server.commands().contains("DATA"), "\(server.commands())")
    }

    @Test func aMessageOverTheSizeOfALaxServerIsStoppedBeforeItsBody() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--size", "200", "--lenient"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server)
        let failure = try #require(Self.describe(report.failure))
        #expect(failure.kind == .permanent)
        #expect(failure.reason.contains("the message is \(bytes.count) bytes; the server accepts at most 200"), "\(failure.reason)")
        #expect(report.accepted.isEmpty)
        #expect(server.bodyBytesReceived() == 0, "\(server.commands())")
        #expect(try server.received().isEmpty)
    }

    @Test func aMessageWithinTheAdvertisedSizeDeclaresItsSize() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--size", "100000"])
        let (envelope, bytes) = try Self.message()
        let report = Self.deliver(bytes, envelope, to: server)
        #expect(report.failure == nil, "\(report.transcript)")
        #expect(server.commands().contains { $0.hasSuffix("SIZE=\(bytes.count)") }, "\(server.commands())")
        #expect(try server.received().map(\.bytes) == [bytes])
    }

    static func eightBitMessage() throws -> (envelope: Envelope, bytes: [UInt8]) {
        let text = "From: support@example.com\r\nTo: ana@example.com\r\nSubject: raw\r\nMessage-ID: <raw@example.com>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCafé crème\r\n"
        let envelope = Envelope(mailFrom: try EmailAddress(validating: "support@example.com"), recipients: [try EmailAddress(validating: "ana@example.com")])
        return (envelope, Array(text.utf8))
    }

    @Test func anEightBitBodyNeeds8BITMIME() throws {
        let (envelope, bytes) = try Self.eightBitMessage()
        let server = try TestServer(script: "smtp-fault-server.py", ["--no-8bitmime"])
        let report = Self.deliver(bytes, envelope, to: server)
        let failure = try #require(Self.describe(report.failure), "delivered: \(report.transcript)")
        #expect(failure.kind == .permanent)
        #expect(failure.reason.contains("the server does not offer 8BITMIME"), "\(failure.reason)")
        #expect(report.accepted.isEmpty)
        #expect(server.bodyBytesReceived() == 0, "\(server.commands())")
        #expect(try server.received().isEmpty)

        // The same bytes go to a server that offers it.
        let offering = try TestServer(script: "smtp-fault-server.py", [])
        #expect(Self.deliver(bytes, envelope, to: offering).failure == nil)
        #expect(try offering.received().map(\.bytes) == [bytes])
    }

    /// On an open connection the server has already said what it takes: a message it cannot
    /// take is refused without a word to it, and the connection stays usable.
    @Test func theOpenConnectionsCapabilitiesRefuseWithoutAWord() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--no-8bitmime"])
        let transport = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none))
        let (envelope, bytes) = try Self.message()
        #expect(transport.deliver(bytes, envelope: envelope, smtputf8: false).failure == nil)
        let before = server.commands()

        let (rawEnvelope, raw) = try Self.eightBitMessage()
        let refused = transport.deliver(raw, envelope: rawEnvelope, smtputf8: false)
        let failure = try #require(Self.describe(refused.failure))
        #expect(failure.kind == .permanent)
        #expect(failure.reason.contains("the message has 8-bit bytes but the server does not offer 8BITMIME"), "\(failure.reason)")
        #expect(server.commands() == before)

        let again = transport.deliver(bytes, envelope: envelope, smtputf8: false)
        #expect(again.failure == nil)
        #expect(!again.transcript.contains { $0.hasPrefix("> EHLO") }, "a new connection: \(again.transcript)")
        #expect(try server.received().count == 2)
    }

    struct UTF8Case: Sendable, CustomTestStringConvertible {
        var name: String
        var recipients: String
        var options: [String]
        /// The server's refusal the reason must carry, if it refused before the body.
        var serverReply: String?
        var testDescription: String { name }
    }

    static let utf8Cases: [UTF8Case] = [
        UTF8Case(name: "the server refuses the non-ASCII address", recipients: "josé@example.com", options: ["--no-smtputf8"],
                 serverReply: "553 5.6.7 Non-ASCII address requires SMTPUTF8"),
        UTF8Case(name: "a lax server takes the non-ASCII address", recipients: "josé@example.com", options: ["--no-smtputf8", "--lenient"]),
        UTF8Case(name: "ASCII envelope, UTF-8 headers", recipients: "ana@example.com", options: ["--no-smtputf8"]),
    ]

    @Test(arguments: utf8Cases)
    func aMessageThatNeedsSMTPUTF8IsRefusedByAServerWithoutIt(_ utf8Case: UTF8Case) throws {
        let (envelope, bytes) = try Self.message(to: utf8Case.recipients)
        let server = try TestServer(script: "smtp-fault-server.py", utf8Case.options)
        let report = Self.deliver(bytes, envelope, to: server, smtputf8: true)
        let failure = try #require(Self.describe(report.failure), "delivered: \(report.transcript)")
        #expect(failure.kind == .permanent)
        #expect(failure.reason.contains("the message needs SMTPUTF8 but the server does not offer it"), "\(failure.reason)")
        if let reply = utf8Case.serverReply {
            #expect(failure.reason.contains(reply), "\(failure.reason)")
        }
        #expect(report.accepted.isEmpty)
        #expect(server.bodyBytesReceived() == 0, "\(server.commands())")
        #expect(try server.received().isEmpty)
    }

    // MARK: Retries

    @Test func refusedOnceAfterTheDotThenAccepted() throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--defer-first-attempt-every", "1"])
        let (envelope, bytes) = try Self.message()
        let transport = SMTPTransport(configuration: SMTPConfiguration(url: server.url, startTLS: .none))
        let first = transport.deliver(bytes, envelope: envelope, smtputf8: false)
        let failure = try #require(Self.describe(first.failure))
        #expect(failure.kind == .temporary && failure.code == 451)
        #expect(failure.reason.contains("end of DATA refused: 451 4.7.1 try again later"), "\(failure.reason)")
        #expect(first.accepted.isEmpty)
        #expect(try server.received().isEmpty)

        let second = transport.deliver(bytes, envelope: envelope, smtputf8: false)
        #expect(second.failure == nil, "\(second.transcript)")
        #expect(second.recipients.map(\.status) == [.accepted, .accepted])
        #expect(server.receivedMessageIDs() == ["<fault@example.com>"])
    }

    /// The durability mode: four connections at once, every 10th distinct Message-ID refused
    /// on its first attempt and accepted on the next.
    @Test func deferFirstAttemptEveryNthMessageAcrossConnections() async throws {
        let server = try TestServer(script: "smtp-fault-server.py", ["--defer-first-attempt-every", "10"])
        let url = server.url
        let outcomes = try await withThrowingTaskGroup(of: [(Int, Bool)].self) { group in
            for connection in 0..<4 {
                group.addTask {
                    let transport = SMTPTransport(configuration: SMTPConfiguration(url: url, startTLS: .none))
                    var outcomes: [(Int, Bool)] = []
                    for index in stride(from: connection, to: 200, by: 4) {
                        let (envelope, bytes) = try Self.message(to: "ana@example.com", messageID: "<m\(index)@example.com>")
                        var report = transport.deliver(bytes, envelope: envelope, smtputf8: false)
                        let deferred = report.failure != nil
                        if deferred { report = transport.deliver(bytes, envelope: envelope, smtputf8: false) }
                        #expect(report.failure == nil, "\(report.transcript)")
                        outcomes.append((index, deferred))
                    }
                    return outcomes
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(outcomes.filter(\.1).count == 20)
        #expect(Set(server.receivedMessageIDs()) == Set((0..<200).map { "<m\($0)@example.com>" }))
        #expect(server.receivedMessageIDs().count == 200)
    }
}
