import CCurl
import Foundation
import HeraldMIME

/// Where customers' mail is fetched from: an IMAP folder, as a URL — `imaps://host/INBOX`
/// (TLS from the first byte) or `imap://host:143/INBOX` (STARTTLS, required unless the host is
/// the loopback) — and the account's credentials (from the environment or a file, never the
/// URL: `IMAPConfiguration.fromEnvironment`).
public struct IMAPConfiguration: Sendable, Equatable {
    /// The folder's URL, `imap[s]://host[:port]/FOLDER`.
    public var url: String
    public var username: String
    public var password: String
    /// A CA bundle for a server whose certificate the system does not trust (tests, a private CA).
    public var caFile: String?
    /// Where imported messages go (`Archive`); nil flags them `\Seen` and leaves them.
    public var moveTo: String?
    public var timeout: Int

    public init(url: String, username: String, password: String, caFile: String? = nil, moveTo: String? = nil, timeout: Int = 60) {
        self.url = url
        self.username = username
        self.password = password
        self.caFile = caFile
        self.moveTo = moveTo
        self.timeout = timeout
    }

    /// The folder's URL without a trailing slash, and its name (`INBOX`).
    var folder: (url: String, name: String)? {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let components = URLComponents(string: trimmed), components.host?.isEmpty == false,
              components.user == nil, components.password == nil, components.query == nil else { return nil }
        let name = components.path.split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? nil : (trimmed, name.removingPercentEncoding ?? name)
    }

    var isImplicitTLS: Bool { url.lowercased().hasPrefix("imaps://") }

    var isLoopback: Bool {
        let host = URLComponents(string: url)?.host ?? ""
        return host == "127.0.0.1" || host == "::1" || host == "[::1]" || host == "localhost"
    }

    /// Checks the URL before anything connects.
    public func validate() throws {
        let scheme = url.lowercased()
        guard scheme.hasPrefix("imap://") || scheme.hasPrefix("imaps://"), folder != nil else {
            throw HeraldError(.usage, "'\(url)' is not an IMAP folder URL; expected imaps://host/INBOX or imap://host:143/INBOX (credentials go in HERALD_IMAP_USERNAME and HERALD_IMAP_PASSWORD)")
        }
        if let moveTo, moveTo.isEmpty || moveTo.contains(where: { $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\\" }) {
            throw HeraldError(.usage, "the folder to move imported mail to, '\(moveTo)', is not a folder name")
        }
    }

    /// The account from `HERALD_IMAP_USERNAME` and `HERALD_IMAP_PASSWORD` (or
    /// `HERALD_IMAP_PASSWORD_FILE`), the CA bundle from `HERALD_IMAP_CA_FILE`.
    public static func fromEnvironment(url: String, moveTo: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> IMAPConfiguration {
        guard let username = environment["HERALD_IMAP_USERNAME"], !username.isEmpty else {
            throw HeraldError(.usage, "fetching from \(url) needs the account: set HERALD_IMAP_USERNAME and HERALD_IMAP_PASSWORD (or HERALD_IMAP_PASSWORD_FILE)")
        }
        var password = environment["HERALD_IMAP_PASSWORD"]
        if password == nil, let file = environment["HERALD_IMAP_PASSWORD_FILE"] {
            do {
                password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw HeraldError(.io, "cannot read HERALD_IMAP_PASSWORD_FILE (\(file)): \(error.localizedDescription)")
            }
        }
        guard let password else {
            throw HeraldError(.usage, "fetching from \(url) needs the password: set HERALD_IMAP_PASSWORD or HERALD_IMAP_PASSWORD_FILE")
        }
        let configuration = IMAPConfiguration(url: url, username: username, password: password, caFile: environment["HERALD_IMAP_CA_FILE"], moveTo: moveTo)
        try configuration.validate()
        return configuration
    }
}

/// One connection to an IMAP folder through libcurl (kept open between commands: one easy
/// handle), for one import run. Messages are addressed by UID, which stays the message's for
/// as long as the folder's UIDVALIDITY does; each is written to a file as it arrives, never
/// held whole in memory. One task uses it at a time (an import run); it is Sendable to cross into
/// the blocking pool where libcurl runs.
public final class IMAPMailbox: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible, CategorizedError, Equatable {
        public var description: String
        public var category: HeraldError.Category { .delivery }
    }

    public let configuration: IMAPConfiguration
    private let handle: UnsafeMutableRawPointer?
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init(_ configuration: IMAPConfiguration) throws {
        try configuration.validate()
        _ = Self.globalInit
        self.configuration = configuration
        handle = curl_easy_init()
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    /// The folder's UIDVALIDITY: while it stays the same, a UID names the same message.
    public func uidValidity() throws -> UInt32 {
        // STATUS, not EXAMINE: EXAMINE would leave the folder selected read-only on the
        // connection libcurl keeps, and marking messages imported would then do nothing.
        let lines = try command("STATUS \(quoted(try folder().name)) (UIDVALIDITY)")
        for line in lines {
            guard let range = line.range(of: "UIDVALIDITY ") else { continue }
            if let value = UInt32(line[range.upperBound...].prefix { $0.isNumber }) { return value }
        }
        throw Failure(description: "\(configuration.url) did not say its UIDVALIDITY")
    }

    /// The UIDs above `after`, ascending. (`UID SEARCH UID n:*` names the last message even
    /// when it is below n: IMAP's `*` is the largest UID, so the range is read both ways.)
    public func uids(after: UInt32) throws -> [UInt32] {
        let lines = try command("UID SEARCH UID \(UInt64(after) + 1):*")
        let found = lines.filter { $0.hasPrefix("* SEARCH") }.flatMap { $0.dropFirst(8).split(separator: " ").compactMap { UInt32($0) } }
        return Array(Set(found.filter { $0 > after })).sorted()
    }

    /// Fetches the message with this UID into `path` (created; removed again on failure);
    /// returns its size. A connection lost halfway is a failure, never a short message.
    public func fetch(uid: UInt32, to path: String) throws -> Int {
        guard let handle else { throw Failure(description: "libcurl could not create a handle") }
        guard let file = fopen(path, "wx") else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        let sink = FileSink(file: file)
        configure(handle, url: "\(try folder().url);UID=\(uid)")
        herald_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, nil)
        herald_curl_set_write_function(handle, fileWriteCallback)
        herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, nil)
        let closed = fclose(file) == 0
        guard code == CURLE_OK, closed, !sink.failed else {
            unlink(path)
            let reason = sink.failed ? "writing \(path) failed" : String(cString: curl_easy_strerror(code))
            throw Failure(description: "cannot fetch message UID \(uid) from \(configuration.url): \(reason)")
        }
        return sink.count
    }

    /// Marks the message imported: moved to `configuration.moveTo`, or flagged `\Seen`.
    public func markImported(uid: UInt32) throws {
        if let target = configuration.moveTo {
            _ = try command("UID MOVE \(uid) \(quoted(target))")
        } else {
            _ = try command("UID STORE \(uid) +FLAGS.SILENT (\\Seen)")
        }
    }

    private func folder() throws -> (url: String, name: String) {
        guard let folder = configuration.folder else { throw Failure(description: "'\(configuration.url)' names no folder") }
        return folder
    }

    private func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// A command in the selected folder (libcurl selects it first); the server's untagged
    /// answers, one per line.
    private func command(_ request: String) throws -> [String] {
        guard let handle else { throw Failure(description: "libcurl could not create a handle") }
        let body = ResponseBody()
        configure(handle, url: try folder().url)
        herald_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request)
        herald_curl_set_write_function(handle, writeCallback)
        herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(body).toOpaque())
        let code = withExtendedLifetime(body) { curl_easy_perform(handle) }
        herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, nil)
        herald_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, nil)
        guard code == CURLE_OK else {
            let verb = request.split(separator: " ").prefix(2).joined(separator: " ")
            throw Failure(description: "\(configuration.url): \(verb) failed: \(String(cString: curl_easy_strerror(code)))")
        }
        return String(decoding: body.bytes, as: UTF8.self).split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }).map(String.init)
    }

    private func configure(_ handle: UnsafeMutableRawPointer, url: String) {
        let config = configuration
        herald_curl_set_string(handle, CURLOPT_URL, url)
        herald_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        herald_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, 15)
        herald_curl_set_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, config.timeout)
        // A server that stops sending mid-message is a failure, not a message cut short.
        herald_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        herald_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, config.timeout)
        // imap:// must upgrade with STARTTLS — a password never crosses the network in clear —
        // except to the loopback (a local Dovecot, tests).
        let useSSL: curl_usessl = config.isImplicitTLS ? CURLUSESSL_ALL : config.isLoopback ? CURLUSESSL_TRY : CURLUSESSL_ALL
        herald_curl_set_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue))
        herald_curl_set_string(handle, CURLOPT_USERNAME, config.username)
        herald_curl_set_string(handle, CURLOPT_PASSWORD, config.password)
        herald_curl_set_string(handle, CURLOPT_CAINFO, config.caFile)
    }
}

private final class FileSink {
    let file: UnsafeMutablePointer<FILE>
    var count = 0
    var failed = false

    init(file: UnsafeMutablePointer<FILE>) { self.file = file }
}

private let fileWriteCallback: herald_curl_write_function = { data, size, count, user in
    guard let data, let user else { return 0 }
    let sink = Unmanaged<FileSink>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    let written = fwrite(data, 1, length, sink.file)
    sink.count += written
    if written != length { sink.failed = true }
    return written
}
