import CCurl
import Foundation
import HeraldMIME

/// Where and how to reach an SMTP server.
public struct SMTPConfiguration: Equatable, Sendable {
    /// STARTTLS on an `smtp://` URL (`smtps://` is TLS from the first byte).
    public enum StartTLS: String, Equatable, Sendable {
        case none, opportunistic, required
    }

    /// `smtp://host:port` or `smtps://host:port`; a path names the EHLO host (`smtp://mx/herald.example`).
    public var url: String
    public var startTLS: StartTLS
    public var username: String?
    public var password: String?
    /// An OAuth 2 access token: AUTH XOAUTH2 with `username`.
    public var bearerToken: String?
    /// Seconds to open the connection, and to wait for any one reply.
    public var connectTimeout: Int
    public var responseTimeout: Int
    /// A CA bundle to trust (a test certificate); the system's by default.
    public var caFile: String?

    public init(url: String, startTLS: StartTLS = .opportunistic, username: String? = nil, password: String? = nil,
                bearerToken: String? = nil, connectTimeout: Int = 10, responseTimeout: Int = 60, caFile: String? = nil) {
        self.url = url
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.bearerToken = bearerToken
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.caFile = caFile
    }
}

/// SMTP through libcurl. One transport keeps one connection open between messages (libcurl
/// reuses it on the same easy handle); use several transports for parallel connections.
///
/// libcurl 7.88 says which command failed only in prose, and nothing about each recipient, so
/// the outcome is read from the protocol transcript (its debug callback): every command sent is
/// paired with the reply it got, in order (libcurl never pipelines). The i-th RCPT reply belongs
/// to the envelope's i-th recipient, and a failed attempt is classified by the reply to the
/// command that failed, never by the QUIT libcurl sends afterwards. Credentials never appear in
/// the transcript.
public final class SMTPTransport: Transport, @unchecked Sendable {
    public let configuration: SMTPConfiguration
    /// An easy handle belongs to one thread at a time.
    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer?
    /// What the server advertised in the last EHLO (or HELO) reply. libcurl keeps the connection
    /// between messages and does not say EHLO again, so the next message is checked against
    /// this. Guarded by `lock`.
    private var capabilities: SMTPCapabilities?

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init(configuration: SMTPConfiguration) {
        _ = Self.globalInit
        self.configuration = configuration
        handle = curl_easy_init()
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    public func deliver(_ outbound: Outbound) async -> DeliveryReport {
        guard let envelope = outbound.envelope else {
            return .refused(.permanent(code: nil, reason: "the stored envelope is not valid email addresses"))
        }
        return await Blocking.run { self.deliver(outbound.bytes, envelope: envelope, smtputf8: outbound.smtputf8) }
    }

    /// One SMTP transaction for `message`, on the calling thread (it blocks on the network).
    public func deliver(_ message: [UInt8], envelope: Envelope, smtputf8: Bool) -> DeliveryReport {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else {
            return DeliveryReport(recipients: [], failure: .temporary(code: nil, reason: "libcurl could not create a handle"), transcript: [])
        }
        let requirements = Requirements(message: message, smtputf8: smtputf8)
        // The server already said what it takes on the open connection: a message it cannot take
        // is refused without a word to it (and without breaking the connection off mid-DATA).
        if let capabilities, let refusal = requirements.refusal(by: capabilities) {
            return DeliveryReport(recipients: [], failure: .permanent(code: nil, reason: "\(refusal) (as its EHLO reply said); nothing was sent"),
                                  transcript: [])
        }
        let transcript = Transcript(capabilities: capabilities)
        let upload = Upload(bytes: message, requirements: requirements, transcript: transcript)
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for recipient in envelope.recipients {
            recipients = curl_slist_append(recipients, "<\(recipient.addrSpec)>")
        }
        defer { curl_slist_free_all(recipients) }

        let config = configuration
        herald_curl_set_string(handle, CURLOPT_URL, config.url)
        herald_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.mailFrom.addrSpec)>")
        herald_curl_set_pointer(handle, CURLOPT_MAIL_RCPT, recipients)
        herald_curl_set_long(handle, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
        herald_curl_set_long(handle, CURLOPT_UPLOAD, 1)
        // With the size known, libcurl declares it in MAIL FROM (SIZE=) when the server
        // advertised SIZE, so an oversized message is refused before its body is sent.
        herald_curl_set_long(handle, CURLOPT_INFILESIZE, message.count)
        herald_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        herald_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, config.connectTimeout)
        herald_curl_set_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, config.responseTimeout)
        // The response timeout covers replies only: a server that stops reading the body would
        // hold the upload (and the outbox lease) forever. Under 1 byte/s for as long is a stall.
        herald_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        herald_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, config.responseTimeout)
        let useSSL: curl_usessl = config.startTLS == .required ? CURLUSESSL_ALL : config.startTLS == .opportunistic ? CURLUSESSL_TRY : CURLUSESSL_NONE
        herald_curl_set_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue))
        herald_curl_set_string(handle, CURLOPT_USERNAME, config.username)
        herald_curl_set_string(handle, CURLOPT_PASSWORD, config.password)
        herald_curl_set_string(handle, CURLOPT_XOAUTH2_BEARER, config.bearerToken)
        herald_curl_set_string(handle, CURLOPT_CAINFO, config.caFile)
        herald_curl_set_read_function(handle, readCallback)
        herald_curl_set_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque())
        herald_curl_set_long(handle, CURLOPT_VERBOSE, 1)
        herald_curl_set_debug_function(handle, debugCallback)
        herald_curl_set_pointer(handle, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(transcript).toOpaque())

        let code = withExtendedLifetime((upload, transcript)) { curl_easy_perform(handle) }
        // Leave no pointer to this call's objects in the handle that outlives it.
        herald_curl_set_pointer(handle, CURLOPT_READDATA, nil)
        herald_curl_set_pointer(handle, CURLOPT_DEBUGDATA, nil)
        herald_curl_set_pointer(handle, CURLOPT_MAIL_RCPT, nil)
        transcript.endOfTransfer()
        capabilities = transcript.capabilities
        var connections = 0
        herald_curl_get_long(handle, CURLINFO_NUM_CONNECTS, &connections)

        // The i-th RCPT reply is the i-th recipient's: libcurl sends them in the list's order,
        // one at a time. A recipient libcurl never asked for has no result (the outbox keeps it
        // pending), so it is never reported accepted.
        var results = transcript.recipientReplies.compactMap { position, reply -> RecipientResult? in
            guard envelope.recipients.indices.contains(position) else { return nil }
            return RecipientResult(address: envelope.recipients[position].addrSpec, status: Self.status(of: reply.code), code: reply.code,
                                   reply: reply.text, enhancedStatus: reply.enhancedStatus)
        }
        let failure = Self.classify(code, upload: upload, transcript: transcript, results: results, configuration: config,
                                    connected: connections > 0)
        if failure != nil {
            // Nothing was delivered: a recipient the server accepted did not get the message.
            results = results.map { result in
                var result = result
                if result.status == .accepted { result.status = .deferred }
                return result
            }
        }
        return DeliveryReport(recipients: results, failure: failure, transcript: transcript.lines)
    }

    static func status(of code: Int) -> RecipientResult.Status {
        switch code / 100 {
        case 2: return .accepted
        case 5: return .rejected
        // 4xx, and codes no RCPT reply should have (libcurl treats them as refusals): later.
        default: return .deferred
        }
    }

    /// `connected`: this attempt opened a TCP connection (libcurl's count of new connections).
    static func classify(_ code: CURLcode, upload: Upload, transcript: Transcript, results: [RecipientResult],
                         configuration: SMTPConfiguration, connected: Bool) -> DeliveryFailure? {
        if let refusal = upload.refusal {
            return .permanent(code: nil, reason: "\(refusal); the body was not sent")
        }
        if code == CURLE_OK { return nil }
        let curlReason = String(cString: curl_easy_strerror(code))
        let timedOut = code == CURLE_OPERATION_TIMEDOUT
        let seconds = { (command: Transcript.Command) in
            // libcurl counts the greeting, EHLO/HELO, STARTTLS and AUTH as connecting: the
            // connect timeout runs too, and the shorter one ends the wait.
            let connecting = [.greeting, .ehlo, .helo, .startTLS, .auth].contains(command)
            let limit = connecting ? min(configuration.connectTimeout, configuration.responseTimeout) : configuration.responseTimeout
            return "within \(limit) second\(limit == 1 ? "" : "s")"
        }
        // The command that failed is the last one sent: libcurl stops at the first failure and
        // only says QUIT (or nothing) after it.
        guard let failed = transcript.exchanges.last(where: { $0.command != .quit }) else {
            if connected && timedOut {
                return .temporary(code: nil, reason: "the server sent no greeting \(seconds(.greeting))")
            }
            return classify(code, curlReason: curlReason)
        }
        let name = failed.command.name
        if let reply = failed.reply {
            if failed.command == .endOfData && reply.code / 100 == 2 {
                // libcurl insists on exactly 250 here; any 2xx means the server took the message.
                return nil
            }
            if reply.code >= 400 && reply.code < 600 {
                return refusal(failed, reply, upload: upload, transcript: transcript, results: results)
            }
            if !failed.command.expects(reply.code) {
                return .temporary(code: nil, reason: "\(name): unexpected reply \(reply.code) \(reply.text)")
            }
            // The command went through; what failed next is libcurl's own (TLS, authentication).
            return classify(code, curlReason: curlReason)
        }
        let within = seconds(failed.command)
        if failed.command == .endOfData {
            // The body goes between DATA's 354 and the final dot's reply.
            if upload.finished && code != CURLE_SEND_ERROR {
                // All of it, and the final dot (a failed write of the dot is a send error): the
                // server may have taken the message and lost only its reply.
                let lost = timedOut ? "the server did not answer the end of DATA \(within)"
                    : "the connection was lost after the message was sent, before the server replied (\(curlReason))"
                // What it said instead of a reply, if anything, is quoted as it is elsewhere.
                let said = failed.strays.isEmpty ? "" : "; it said only \"\(Transcript.bounded(failed.strays.joined(separator: " ")))\""
                return .ambiguous(reason: "\(lost)\(said); the server may have it")
            }
            // A timeout here is the low-speed limit: libcurl averages over a few seconds, so
            // it notices a stall some seconds after `responseTimeout`.
            let stalled = timedOut ? "the server stopped reading the message body (\(curlReason))"
                : "the connection was lost while the message body was sent (\(curlReason))"
            return .temporary(code: nil, reason: stalled)
        }
        let greeting = failed.command == .greeting
        guard !failed.strays.isEmpty else {
            if timedOut {
                return .temporary(code: nil, reason: "the server did not answer \(name) \(within)")
            }
            return .temporary(code: nil, reason: "the connection was closed before the server \(greeting ? "greeted" : "answered \(name)") (\(curlReason))")
        }
        // Lines without a code: libcurl skipped them and went on waiting for a reply.
        let said = Transcript.bounded(failed.strays.joined(separator: " "))
        return .temporary(code: nil, reason: "the server \(greeting ? "greeted" : "answered \(name)") with something that is not an SMTP reply: \"\(said)\", "
            + (timedOut ? "and no reply came \(within)" : "then closed the connection (\(curlReason))"))
    }

    /// A 4xx or 5xx reply to the command that failed.
    private static func refusal(_ failed: Transcript.Exchange, _ reply: Reply, upload: Upload, transcript: Transcript,
                                results: [RecipientResult]) -> DeliveryFailure {
        var code = reply.code
        var reason = failed.command == .greeting ? "the server refused the session in its greeting: \(reply.code) \(reply.text)"
            : "\(failed.command.name) refused: \(reply.code) \(reply.text)"
        if case .recipient = failed.command {
            guard !results.contains(where: { $0.status == .accepted }) else {
                // A refused recipient never fails the attempt while another was accepted: what
                // failed came after the RCPTs (libcurl could not even send DATA).
                return .temporary(code: nil, reason: "the connection failed after the recipients were accepted, before DATA")
            }
            // Every recipient was refused: temporary if one of them may take it later.
            if let first = results.first(where: { $0.status == .deferred }) ?? results.first {
                code = first.code
                reason = "RCPT TO refused for every recipient; \(first.address): \(first.code) \(first.reply)"
            }
        }
        if code >= 500 {
            // A refusal of what the server said it would not take anyway (SIZE=, a UTF-8
            // address) says why in Herald's words first.
            if let capabilities = transcript.capabilities, let requirement = upload.requirements.refusal(by: capabilities) {
                return .permanent(code: code, reason: "\(requirement) (\(reason))")
            }
            return .permanent(code: code, reason: reason)
        }
        return .temporary(code: code, reason: reason)
    }

    /// No reply explains the failure: libcurl's own error says whether retrying can help.
    private static func classify(_ code: CURLcode, curlReason reason: String) -> DeliveryFailure {
        switch code {
        case CURLE_LOGIN_DENIED:
            return .permanent(code: nil, reason: "authentication failed: \(reason)")
        case CURLE_USE_SSL_FAILED:
            return .permanent(code: nil, reason: "STARTTLS is required but the server does not offer it")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .permanent(code: nil, reason: reason)
        default:
            return .temporary(code: nil, reason: reason)
        }
    }
}

/// What a server advertised in its EHLO reply, as far as sending a message depends on it.
struct SMTPCapabilities: Equatable, Sendable {
    /// Extension keywords, upper-cased ("8BITMIME", "SMTPUTF8", "SIZE", ...).
    var keywords: Set<String> = []
    /// SIZE's limit in bytes; nil when none was given (or "SIZE 0": no fixed limit, RFC 1870).
    var sizeLimit: Int?

    /// After HELO: no extensions at all.
    init() {}

    /// From an EHLO reply's lines (their text after the code); the first names the server.
    init(ehlo lines: [String]) {
        for line in lines.dropFirst() {
            let words = line.split(separator: " ")
            guard let keyword = words.first?.uppercased() else { continue }
            keywords.insert(keyword)
            if keyword == "SIZE", let limit = words.dropFirst().first.flatMap({ Int($0) }), limit > 0 {
                sizeLimit = limit
            }
        }
    }
}

/// What a message needs from the server beyond plain SMTP.
struct Requirements: Equatable, Sendable {
    var size: Int
    /// Any byte over 127: the body is 8-bit (RFC 6152), which Herald's MIME writer never makes
    /// but raw bytes may be.
    var eightBit: Bool
    var smtputf8: Bool

    init(message: [UInt8], smtputf8: Bool) {
        size = message.count
        eightBit = message.contains { $0 >= 0x80 }
        self.smtputf8 = smtputf8
    }

    /// Why a server with these capabilities cannot take the message, or nil.
    func refusal(by capabilities: SMTPCapabilities) -> String? {
        if smtputf8 && !capabilities.keywords.contains("SMTPUTF8") {
            return "the message needs SMTPUTF8 but the server does not offer it"
        }
        if eightBit && !capabilities.keywords.contains("8BITMIME") {
            return "the message has 8-bit bytes but the server does not offer 8BITMIME"
        }
        if let limit = capabilities.sizeLimit, size > limit {
            return "the message is \(size) bytes; the server accepts at most \(limit)"
        }
        return nil
    }
}

/// The message being uploaded.
final class Upload: @unchecked Sendable {
    let bytes: [UInt8]
    var offset = 0
    /// libcurl has read all of it. (With the size set, libcurl stops once it has that many
    /// bytes and may never ask for the end, so this is counted, not told.)
    var finished: Bool { offset >= bytes.count }
    let requirements: Requirements
    /// Read for the capabilities of the connection when libcurl first asks for body bytes.
    let transcript: Transcript
    var checked = false
    /// Why Herald stopped the transfer before handing libcurl the first body byte.
    var refusal: String?

    init(bytes: [UInt8], requirements: Requirements, transcript: Transcript) {
        self.bytes = bytes
        self.requirements = requirements
        self.transcript = transcript
    }
}

/// One SMTP reply: its code, and its text after the code.
struct Reply: Equatable, Sendable {
    var code: Int
    /// The text of each line, after "NNN " or "NNN-".
    var lines: [String]

    /// RFC 3463's class.subject.detail at the start of the text, when its class is the code's.
    var enhancedStatus: String? {
        guard let first = lines.first?.split(separator: " ", maxSplits: 1).first else { return nil }
        let parts = first.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "\(code / 100)", ["2", "4", "5"].contains(parts[0]),
              parts.dropFirst().allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return String(first)
    }

    /// The lines as one, bounded; an enhanced status repeated on every line is said once.
    var text: String {
        let status = enhancedStatus
        let parts = lines.enumerated().map { index, line -> String in
            guard index > 0, let status, line.hasPrefix(status + " ") else { return line }
            return String(line.dropFirst(status.count + 1))
        }
        return Transcript.bounded(parts.joined(separator: " "), to: 2 * Transcript.maximumLineBytes)
    }
}

/// The SMTP conversation as libcurl's debug callback reports it: commands out, replies in, each
/// reply paired with the command it answers.
final class Transcript: @unchecked Sendable {
    enum Command: Equatable, Sendable {
        case greeting, ehlo, helo, startTLS, auth, mail, data, quit
        /// The n-th RCPT since MAIL FROM (0-based): the envelope's n-th recipient.
        case recipient(Int)
        /// The final dot after the body: its reply says whether the server took the message.
        case endOfData
        case other(String)

        var name: String {
            switch self {
            case .greeting: return "the greeting"
            case .ehlo: return "EHLO"
            case .helo: return "HELO"
            case .startTLS: return "STARTTLS"
            case .auth: return "AUTH"
            case .mail: return "MAIL FROM"
            case .data: return "DATA"
            case .quit: return "QUIT"
            case .recipient: return "RCPT TO"
            case .endOfData: return "end of DATA"
            case .other(let verb): return verb
            }
        }

        /// Whether `code` is the reply that lets the conversation go on.
        func expects(_ code: Int) -> Bool {
            switch self {
            case .data: return code == 354
            case .auth: return code == 334 || code / 100 == 2
            default: return code / 100 == 2
            }
        }
    }

    struct Exchange: Sendable {
        var command: Command
        var reply: Reply?
        /// Lines received while waiting that are no SMTP reply (no code): libcurl skips them.
        var strays: [String] = []
    }

    /// A transcript line, or a line of a reply, keeps at most this many bytes (a reply's joined
    /// text twice as many): a server may send lines of any length, and the transcript and the
    /// replies are stored with every attempt. The code is read before the cut.
    static let maximumLineBytes = 512

    private(set) var lines: [String] = []
    private(set) var exchanges: [Exchange] = []
    /// What the server on this connection advertised; nil until it says (or after STARTTLS).
    private(set) var capabilities: SMTPCapabilities?
    /// The exchange waiting for its reply: at most one (see `sent(line:)`).
    private var awaiting: Int?
    /// The text of the "NNN-" lines of the reply being read.
    private var continuation: [String] = []
    /// Bytes of a line not ended yet, each way: a line may come in several callbacks.
    private var incoming: [UInt8] = []
    private var outgoing: [UInt8] = []
    private var inAuthentication = false
    private var nextRecipient = 0

    init(capabilities: SMTPCapabilities?) {
        self.capabilities = capabilities
    }

    /// The replies to the RCPTs of the last MAIL FROM, with the recipient's position.
    var recipientReplies: [(position: Int, reply: Reply)] {
        guard let mail = exchanges.lastIndex(where: { $0.command == .mail }) else { return [] }
        return exchanges[mail...].compactMap { exchange in
            guard case .recipient(let position) = exchange.command, let reply = exchange.reply else { return nil }
            return (position, reply)
        }
    }

    func sent(_ bytes: UnsafeRawBufferPointer) {
        outgoing.append(contentsOf: bytes)
        while let end = outgoing.firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(outgoing[...end])
            outgoing.removeSubrange(...end)
            sent(line: line)
        }
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        incoming.append(contentsOf: bytes)
        // libcurl ends a reply line at LF, with or without CR: so does this.
        while let end = incoming.firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(incoming[...end])
            incoming.removeSubrange(...end)
            received(line: line)
        }
    }

    /// The transfer is over: a line never ended is kept for the record (libcurl did not act on it).
    func endOfTransfer() {
        if !incoming.isEmpty {
            let text = Self.text(incoming)
            lines.append(Self.bounded("< " + text))
            if let awaiting { exchanges[awaiting].strays.append(Self.bounded(text)) }
            incoming = []
        }
        if !outgoing.isEmpty {
            sent(line: outgoing)
            outgoing = []
        }
    }

    private func sent(line raw: [UInt8]) {
        let line = Self.text(raw)
        let upper = line.uppercased()
        let command: Command
        if inAuthentication {
            lines.append("> <credentials hidden>")
            command = .auth
        } else if upper == "AUTH" || upper.hasPrefix("AUTH ") {
            let mechanism = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            lines.append(Self.bounded("> AUTH \(mechanism) <credentials hidden>"))
            inAuthentication = true
            command = .auth
        } else {
            lines.append(Self.bounded("> " + line))
            let verb = upper.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            switch verb {
            case "EHLO": command = .ehlo
            case "HELO": command = .helo
            case "STARTTLS": command = .startTLS
            case "DATA": command = .data
            case "QUIT": command = .quit
            default:
                if upper.hasPrefix("MAIL FROM:") {
                    command = .mail
                    nextRecipient = 0
                } else if upper.hasPrefix("RCPT TO:") {
                    command = .recipient(nextRecipient)
                    nextRecipient += 1
                } else {
                    command = .other(verb)
                }
            }
        }
        exchanges.append(Exchange(command: command))
        // libcurl never pipelines: it sends a command only once the last one was answered, or
        // once it gave up waiting (a QUIT after a timeout). A late reply is the new command's.
        awaiting = exchanges.count - 1
    }

    private func received(line raw: [UInt8]) {
        let text = Self.text(raw)
        lines.append(Self.bounded("< " + text))
        let index: Int
        if let awaiting {
            index = awaiting
        } else {
            // Nothing was asked: on a new connection the server speaks first.
            exchanges.append(Exchange(command: .greeting))
            index = exchanges.count - 1
            awaiting = index
            capabilities = nil
        }
        // libcurl's rule (smtp_endofresp), on the line with its ending: three digits then a
        // space end a reply, a hyphen continues it, and exactly "NNN\r\n" ends one too. Its
        // rule is followed to the letter, so that replies pair with commands as they did for it.
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard raw.count >= 4, raw[0..<3].allSatisfy(isDigit) else {
            exchanges[index].strays.append(Self.bounded(text))
            return
        }
        let rest = Self.bounded(String(text.dropFirst(4)))
        if raw[3] == UInt8(ascii: " ") || raw.count == 5 {
            let code = Int(raw[0] - UInt8(ascii: "0")) * 100 + Int(raw[1] - UInt8(ascii: "0")) * 10 + Int(raw[2] - UInt8(ascii: "0"))
            let reply = Reply(code: code, lines: continuation + [rest])
            continuation = []
            answer(index, with: reply)
        } else if raw[3] == UInt8(ascii: "-") {
            continuation.append(rest)
        } else {
            exchanges[index].strays.append(Self.bounded(text))
        }
    }

    private func answer(_ index: Int, with reply: Reply) {
        awaiting = nil
        exchanges[index].reply = reply
        switch exchanges[index].command {
        case .greeting:
            capabilities = nil
        case .ehlo where reply.code / 100 == 2:
            capabilities = SMTPCapabilities(ehlo: reply.lines)
        case .helo where reply.code / 100 == 2:
            capabilities = SMTPCapabilities()
        case .startTLS where reply.code == 220:
            // RFC 3207: what was said before TLS is forgotten; the EHLO after it counts.
            capabilities = nil
        case .data where reply.code == 354:
            // The body follows (not in the transcript); the next reply answers its final dot.
            exchanges.append(Exchange(command: .endOfData))
            awaiting = exchanges.count - 1
        case .auth where reply.code != 334:
            inAuthentication = false
        default:
            break
        }
    }

    /// A line's text without its line ending.
    private static func text(_ raw: [UInt8]) -> String {
        var end = raw.endIndex
        while end > raw.startIndex && (raw[end - 1] == UInt8(ascii: "\n") || raw[end - 1] == UInt8(ascii: "\r")) { end -= 1 }
        return String(decoding: raw[..<end], as: UTF8.self)
    }

    /// `text` cut to `limit` bytes at a character boundary, saying how long it was.
    static func bounded(_ text: String, to limit: Int = maximumLineBytes) -> String {
        let length = text.utf8.count
        guard length > limit else { return text }
        var kept = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if kept + size > limit { break }
            kept += size
            end = text.index(after: index)
        }
        return "\(text[..<end])… [\(length) bytes]"
    }
}

private let readCallback: herald_curl_read_function = { buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    let upload = Unmanaged<Upload>.fromOpaque(user).takeUnretainedValue()
    if !upload.checked {
        upload.checked = true
        // libcurl first asks for body bytes after DATA's 354, once the EHLO reply has been read:
        // the last moment a body the server cannot take can be kept from it. libcurl 7.88 offers
        // no earlier one (the debug callback's answer is ignored; CONNECT_ONLY would take a
        // second connection). Aborting here costs MAIL, RCPT and DATA and the connection (libcurl
        // drops it without a QUIT that the server would read as body), never a body byte.
        if let capabilities = upload.transcript.capabilities, let refusal = upload.requirements.refusal(by: capabilities) {
            upload.refusal = refusal
            return Int(CURL_READFUNC_ABORT)
        }
    }
    let length = min(size * count, upload.bytes.count - upload.offset)
    if length <= 0 { return 0 }
    upload.bytes.withUnsafeBytes { source in
        if let base = source.baseAddress { memcpy(buffer, base + upload.offset, length) }
    }
    upload.offset += length
    return length
}

private let debugCallback: herald_curl_debug_function = { _, type, data, size, user in
    guard let data, let user else { return 0 }
    let transcript = Unmanaged<Transcript>.fromOpaque(user).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    switch type {
    case CURLINFO_HEADER_OUT: transcript.sent(bytes)
    case CURLINFO_HEADER_IN: transcript.received(bytes)
    default: break
    }
    return 0
}
