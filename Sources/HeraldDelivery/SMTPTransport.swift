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
/// reuses it on the same easy handle); use several transports for parallel connections. Each
/// recipient's RCPT reply is read from the protocol transcript (libcurl 7.88 has no API for it),
/// so one refused recipient never sinks the others. Credentials never appear in the transcript.
public final class SMTPTransport: Transport, @unchecked Sendable {
    public let configuration: SMTPConfiguration
    /// An easy handle belongs to one thread at a time.
    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer?

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init(configuration: SMTPConfiguration) {
        _ = Self.globalInit
        self.configuration = configuration
        handle = curl_easy_init()
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    public func deliver(_ message: [UInt8], envelope: Envelope, smtputf8: Bool) -> DeliveryReport {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else {
            return DeliveryReport(recipients: [], failure: .temporary(code: nil, reason: "libcurl could not create a handle"), transcript: [])
        }
        let upload = Upload(bytes: message)
        let transcript = Transcript()
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
        herald_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        herald_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, config.connectTimeout)
        herald_curl_set_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, config.responseTimeout)
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

        var results = transcript.recipientReplies.map { reply in
            RecipientResult(address: reply.address, status: reply.code < 300 ? .accepted : reply.code < 500 ? .deferred : .rejected,
                            code: reply.code, reply: reply.text)
        }
        let failure = Self.classify(code, upload: upload, transcript: transcript, results: results)
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

    static func classify(_ code: CURLcode, upload: Upload, transcript: Transcript, results: [RecipientResult]) -> DeliveryFailure? {
        if code == CURLE_OK { return nil }
        let reason = String(cString: curl_easy_strerror(code))
        if upload.finished && transcript.dataReply == nil {
            return .ambiguous(reason: "the connection was lost after the message was sent (\(reason)); the server may have it")
        }
        if !upload.finished && !results.isEmpty && !results.contains(where: { $0.status == .accepted }) {
            // Every recipient was refused: temporary if any may succeed later.
            let deferred = results.first { $0.status == .deferred }
            let first = deferred ?? results[0]
            let message = "every recipient was refused; \(first.address): \(first.code) \(first.reply)"
            return deferred != nil ? .temporary(code: first.code, reason: message) : .permanent(code: first.code, reason: message)
        }
        if let reply = transcript.lastReply, reply.code >= 400 {
            let message = "\(transcript.lastCommand.map { "\($0.split(separator: " ").first ?? "") refused: " } ?? "")\(reply.code) \(reply.text)"
            return reply.code >= 500 ? .permanent(code: reply.code, reason: message) : .temporary(code: reply.code, reason: message)
        }
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

/// The message being uploaded; `finished` once libcurl has read all of it.
final class Upload: @unchecked Sendable {
    let bytes: [UInt8]
    var offset = 0
    var finished = false

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}

/// The SMTP conversation as libcurl's debug callback reports it: commands out, replies in.
final class Transcript: @unchecked Sendable {
    struct Reply {
        var code: Int
        var text: String
    }

    private(set) var lines: [String] = []
    private(set) var lastCommand: String?
    private(set) var lastReply: Reply?
    private(set) var recipientReplies: [(address: String, code: Int, text: String)] = []
    /// The reply to the end of the message body, once received.
    private(set) var dataReply: Reply?
    private var replyLines: [String] = []
    private var inAuthentication = false
    private var awaitingDataReply = false

    func sent(_ chunk: String) {
        for line in chunk.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init) {
            if line.uppercased().hasPrefix("AUTH ") {
                let mechanism = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
                lines.append("> AUTH \(mechanism) <credentials hidden>")
                inAuthentication = true
                lastCommand = "AUTH"
            } else if inAuthentication {
                lines.append("> <credentials hidden>")
            } else {
                lines.append("> " + line)
                lastCommand = line
                if line.uppercased() == "DATA" { awaitingDataReply = false }
            }
        }
    }

    func received(_ chunk: String) {
        for line in chunk.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init) {
            lines.append("< " + line)
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(line.prefix(3))) else { continue }
            replyLines.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
            // A final line is "NNN text" (a continuation is "NNN-text").
            guard bytes.count == 3 || bytes[3] == UInt8(ascii: " ") else { continue }
            let reply = Reply(code: code, text: replyLines.joined(separator: " "))
            replyLines = []
            finish(reply)
        }
    }

    private func finish(_ reply: Reply) {
        lastReply = reply
        if inAuthentication && reply.code != 334 { inAuthentication = false }
        guard let command = lastCommand else { return }
        let upper = command.uppercased()
        if upper.hasPrefix("RCPT TO:") {
            var address = String(command.dropFirst(8))
            if address.hasPrefix("<"), let close = address.firstIndex(of: ">") {
                address = String(address[address.index(after: address.startIndex)..<close])
            }
            recipientReplies.append((address, reply.code, reply.text))
            lastCommand = "RCPT (answered)"
        } else if upper == "DATA" {
            if reply.code == 354 {
                awaitingDataReply = true
            }
            lastCommand = reply.code == 354 ? "DATA (body)" : command
        } else if upper == "DATA (BODY)" && awaitingDataReply {
            dataReply = reply
            awaitingDataReply = false
            lastCommand = "DATA (answered)"
        }
    }
}

private let readCallback: herald_curl_read_function = { buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    let upload = Unmanaged<Upload>.fromOpaque(user).takeUnretainedValue()
    let length = min(size * count, upload.bytes.count - upload.offset)
    if length <= 0 {
        upload.finished = true
        return 0
    }
    upload.bytes.withUnsafeBytes { source in
        if let base = source.baseAddress { memcpy(buffer, base + upload.offset, length) }
    }
    upload.offset += length
    return length
}

private let debugCallback: herald_curl_debug_function = { _, type, data, size, user in
    guard let data, let user else { return 0 }
    let transcript = Unmanaged<Transcript>.fromOpaque(user).takeUnretainedValue()
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    switch type {
    case CURLINFO_HEADER_OUT: transcript.sent(text)
    case CURLINFO_HEADER_IN: transcript.received(text)
    default: break
    }
    return 0
}
