import Foundation
import HeraldChannels
import HeraldMIME

/// Where messages go and where the outbox lives, from the caller's settings, then `HERALD_*`
/// environment variables, then the embedded defaults (an outbox and a Maildir under .herald/).
/// The CLI and the server both build one; transports are made here from URLs (`smtp://`,
/// `smtps://`, `maildir:`). Every value is checked when the configuration is made. Secrets come
/// only from the environment or a file, and are never printed.
///
/// Errors name a value by the name its caller gave it (`Setting.name`, e.g. a flag) or by its
/// environment variable: the library knows no CLI.
public struct DeliveryConfiguration: Sendable {
    /// Opens the outbox a database URL names, with the retry policy.
    public typealias OutboxOpener = @Sendable (_ url: String, _ policy: Outbox.Policy) async throws -> any OutboxStore

    /// A value a caller gives, with the name it knows it by ("--via"), for error messages.
    public struct Setting<Value: Sendable>: Sendable {
        public var value: Value
        public var name: String

        public init(_ value: Value, name: String) {
            self.value = value
            self.name = name
        }
    }

    /// What the caller sets; nil: the environment, then the default.
    public struct Settings: Sendable {
        public var smtpURL: Setting<String>?
        public var startTLS: Setting<String>?
        public var caFile: Setting<String>?
        public var outboxPath: Setting<String>?
        public var maildirPath: Setting<String>?
        public var responseTimeout: Int = 60
        public var leaseSeconds: Double = 120
        public var retryBase: Setting<Double>?
        public var retryFactor: Setting<Double>?
        public var retryMaximum: Setting<Double>?
        public var maximumAttempts: Setting<Int>?
        /// DKIM keys, `DOMAIN:SELECTOR:FILE` each (else HERALD_DKIM_KEYS, comma-separated).
        public var dkimKeys: Setting<[String]>?
        /// relaxed (default) or simple (else HERALD_DKIM_CANONICALIZATION).
        public var dkimCanonicalization: Setting<String>?
        /// Domains whose mail must be signed (else HERALD_DKIM_REQUIRE, comma-separated).
        public var dkimRequire: Setting<[String]>?
        /// A data folder (`herald serve --data`): its outbox.sqlite and maildir/ are the outbox
        /// and the Maildir when neither a setting nor the environment names them.
        public var folder: String?

        public init() {}
    }

    public static let defaultOutboxPath = ".herald/outbox.sqlite"
    public static let defaultMaildirPath = ".herald/maildir"
    public static let whatsappDefaultURL = "https://graph.facebook.com/v23.0"
    public static let smsDefaultURL = "https://api.twilio.com"

    /// The outbox: a SQLite file's path, or a database URL (`postgres://…`) that
    /// `outboxOpener` opens. May hold a password: show `outboxDescription` instead.
    public var outboxPath: String
    /// Opens an outbox named by a database URL. The library alone opens SQLite files; a program
    /// that links HeraldPostgres sets `PostgresOutboxStore.opener` here (the CLI does).
    public var outboxOpener: OutboxOpener?
    public var maildirPath: String
    /// The SMTP server, when email goes to one (else to the Maildir).
    public var smtp: SMTPConfiguration?
    public var policy: Outbox.Policy
    public var responseTimeout: Int
    /// The providers configured in the environment, by channel.
    public var whatsapp: WhatsAppCloudTransport?
    public var sms: SMSGatewayTransport?
    /// The keys mail is DKIM-signed with, by From domain (every file read and checked already).
    public var dkim: DKIMKeyring
    /// Problems with a provider's settings, reported when a message for it is sent (a wrong
    /// SMS variable must not stop email).
    private var providerProblems: [ChannelID: String] = [:]

    /// Reads and checks every setting; throws a usage error (or an I/O error for an unreadable
    /// file) naming the value and what would be accepted.
    public init(_ settings: Settings = Settings(), environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func setting(_ given: Setting<String>?, _ variable: String) -> Setting<String>? {
            given ?? environment[variable].map { Setting($0, name: variable) }
        }
        let folder = settings.folder.map { URL(fileURLWithPath: $0) }
        outboxPath = setting(settings.outboxPath, "HERALD_OUTBOX")?.value ?? environment["HERALD_DATABASE_URL"]
            ?? folder?.appendingPathComponent("outbox.sqlite").relativePath ?? Self.defaultOutboxPath
        maildirPath = setting(settings.maildirPath, "HERALD_MAILDIR")?.value ?? folder?.appendingPathComponent("maildir").relativePath ?? Self.defaultMaildirPath
        responseTimeout = settings.responseTimeout
        policy = try Self.policy(settings, environment: environment)
        dkim = try Self.dkim(settings, environment: environment)
        if let url = setting(settings.smtpURL, "HERALD_SMTP_URL") {
            smtp = try Self.smtp(url: url, startTLS: setting(settings.startTLS, "HERALD_SMTP_STARTTLS"),
                                 caFile: setting(settings.caFile, "HERALD_SMTP_CA_FILE"), timeout: settings.responseTimeout, environment: environment)
        }
        if let phoneID = environment["HERALD_WHATSAPP_PHONE_NUMBER_ID"], let token = environment["HERALD_WHATSAPP_TOKEN"] {
            whatsapp = WhatsAppCloudTransport(baseURL: environment["HERALD_WHATSAPP_URL"] ?? Self.whatsappDefaultURL, phoneNumberID: phoneID,
                                              token: token, timeout: settings.responseTimeout)
        }
        if let account = environment["HERALD_SMS_ACCOUNT"], let token = environment["HERALD_SMS_TOKEN"], let from = environment["HERALD_SMS_FROM"] {
            sms = SMSGatewayTransport(baseURL: environment["HERALD_SMS_URL"] ?? Self.smsDefaultURL, account: account, token: token, from: from,
                                      timeout: settings.responseTimeout)
        }
        for channel in [ChannelID.sms, .whatsapp] {
            if let problem = Self.providerProblem(channel, environment: environment) { providerProblems[channel] = problem }
        }
    }

    // MARK: Email

    /// Where this configuration's email goes, stored with each message so that only a worker
    /// with the same destination delivers it: the SMTP URL, or `maildir:` and the Maildir's path.
    public var route: String {
        if let smtp { return smtp.url }
        return "maildir:" + URL(fileURLWithPath: maildirPath).standardizedFileURL.path
    }

    /// "smtp://mx:25", "the Maildir .herald/maildir": for what a command prints.
    public var emailDestination: String {
        smtp?.url ?? "the Maildir \(URL(fileURLWithPath: maildirPath).path)"
    }

    /// Where a channel's messages go, for what a command prints.
    public func destination(for channel: ChannelID) -> String {
        channel == .email ? emailDestination : "the \(channel) provider"
    }

    /// A new email transport (each has its own connection).
    public func emailTransport() throws -> any Transport {
        if let smtp { return SMTPTransport(configuration: smtp) }
        let directory = URL(fileURLWithPath: maildirPath)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw HeraldError(.io, "the Maildir \(directory.path) is a file, not a folder; give a folder (it is made if missing)")
        }
        return MaildirTransport(directory: directory)
    }

    /// A transport from a URL: `smtp://host:port`, `smtps://host:port` (STARTTLS and
    /// credentials from the environment, as above) or `maildir:PATH`.
    public static func transport(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any Transport {
        if url.hasPrefix("maildir:") {
            let path = String(url.dropFirst("maildir:".count))
            guard !path.isEmpty else { throw HeraldError(.usage, "'\(url)' names no folder; expected maildir:PATH") }
            var settings = Settings()
            settings.maildirPath = Setting(path, name: "the Maildir")
            return try DeliveryConfiguration(settings, environment: environment.filter { $0.key != "HERALD_SMTP_URL" }).emailTransport()
        }
        var settings = Settings()
        settings.smtpURL = Setting(url, name: "the transport URL")
        return try DeliveryConfiguration(settings, environment: environment).emailTransport()
    }

    // MARK: All channels

    /// A new transport for every channel that has one: email always, SMS and WhatsApp when
    /// their providers are configured.
    public func transports() throws -> [ChannelID: any Transport] {
        var transports: [ChannelID: any Transport] = [.email: try emailTransport()]
        if let whatsapp { transports[.whatsapp] = whatsapp }
        if let sms { transports[.sms] = sms }
        return transports
    }

    /// Refuses to store messages for a channel that cannot be delivered: a provider missing or
    /// wrongly set, saying which variables to set.
    public func requireTransport(for channel: ChannelID) throws {
        switch channel {
        case .email:
            _ = try emailTransport()
        case .sms, .whatsapp:
            guard (channel == .sms ? sms as (any Transport)? : whatsapp) != nil else {
                let variables = channel == .sms ? "HERALD_SMS_ACCOUNT, HERALD_SMS_TOKEN and HERALD_SMS_FROM"
                                                : "HERALD_WHATSAPP_PHONE_NUMBER_ID and HERALD_WHATSAPP_TOKEN"
                throw HeraldError(.usage, "no \(channel) provider is configured; set \(variables) (and the _URL variable for a non-default endpoint)")
            }
            if let problem = providerProblems[channel] { throw HeraldError(.usage, problem) }
        case .phone:
            throw HeraldError(.usage, "a phone interaction is a call; nothing is delivered through the outbox")
        }
    }

    /// Ready to store: each email gets this configuration's route, and each WhatsApp media
    /// plan is uploaded (a refused file stops everything before anything is stored).
    public func prepare(_ outbounds: [Outbound]) async throws -> [Outbound] {
        var prepared: [Outbound] = []
        for var outbound in outbounds {
            if outbound.channel == .email { outbound.route = route }
            if case .media = outbound.payload {
                guard let whatsapp else { throw HeraldError(.usage, "no whatsapp provider is configured to upload the media to") }
                do {
                    outbound = try await outbound.uploadingMedia(with: whatsapp)
                } catch let error as WhatsAppMediaMessageError {
                    throw HeraldError(.input, "\(error)")
                } catch {
                    throw HeraldError(.delivery, "\(error)")
                }
            }
            prepared.append(outbound)
        }
        return prepared
    }

    /// Whether the outbox is a database server's (a URL) rather than a SQLite file.
    public var outboxIsDatabaseURL: Bool { outboxPath.contains("://") }

    /// The outbox for messages and logs: the path, or the URL without its password.
    public var outboxDescription: String {
        outboxIsDatabaseURL ? Self.withoutPassword(outboxPath) : outboxPath
    }

    /// A URL with the password of its `user:password@` part left out, for messages and logs.
    public static func withoutPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.lastIndex(of: "@"), scheme.upperBound < at,
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + String(url[at...])
    }

    /// The outbox; `create: false` for what only looks or acts on what is stored (a typo in the
    /// path is an error, not a new empty outbox). A database URL is opened by `outboxOpener`.
    public func openOutbox(create: Bool = true) async throws -> any OutboxStore {
        if outboxIsDatabaseURL {
            guard let outboxOpener else {
                throw HeraldError(.usage, "the outbox \(outboxDescription) is a database URL, which this program cannot open; the herald command can (or link HeraldPostgres and set DeliveryConfiguration.outboxOpener)")
            }
            return try await outboxOpener(outboxPath, policy)
        }
        return try openSQLiteOutbox(create: create)
    }

    /// The outbox as a SQLite file (the embedded default).
    public func openSQLiteOutbox(create: Bool = true) throws -> SQLiteOutboxStore {
        if create {
            let folder = URL(fileURLWithPath: outboxPath).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw HeraldError(.io, "cannot create the outbox's folder \(folder.path): \(error.localizedDescription)")
            }
        }
        return try SQLiteOutboxStore(path: outboxPath, policy: policy, create: create)
    }

    /// `count` workers on one outbox, each with its own transports (so its own connections).
    /// `ids`: only these messages (one send's own).
    /// `metrics`: where each attempt is reported (`MeteredTransport`); nil reports nothing.
    public func workers(for store: any OutboxStore, count: Int, ids: ClosedRange<Int64>? = nil, metrics: DeliveryMetrics? = nil) throws -> [OutboxWorker] {
        try (0..<count).map { _ in
            var transports = try transports()
            if let metrics { transports = transports.mapValues { MeteredTransport($0, metrics: metrics) } }
            return OutboxWorker(store: store, transports: transports, route: route, ids: ids)
        }
    }

    // MARK: Checks

    private static func smtp(url setting: Setting<String>, startTLS: Setting<String>?, caFile: Setting<String>?, timeout: Int,
                             environment: [String: String]) throws -> SMTPConfiguration {
        let url = setting.value
        let source = setting.name
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://"), let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty,
              parts.user == nil, parts.password == nil, parts.query == nil, parts.fragment == nil else {
            throw HeraldError(.usage, "\(source) '\(url)' is not an SMTP URL; expected smtp://host:port or smtps://host:port (credentials go in HERALD_SMTP_USERNAME and HERALD_SMTP_PASSWORD)")
        }
        if let port = parts.port, !(1...65535).contains(port) {
            throw HeraldError(.usage, "\(source) '\(url)': the port \(port) is not between 1 and 65535")
        }
        // The path is the name Herald gives itself in EHLO: a host name, nothing else.
        let ehlo = parts.percentEncodedPath.drop { $0 == "/" }
        guard ehlo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
            throw HeraldError(.usage, "\(source) '\(url)': the path names the EHLO host and must be a host name (letters, digits, '.', '-'), like smtp://mx.example.com/herald.example.com")
        }
        let modeName = startTLS?.value ?? "opportunistic"
        guard let mode = SMTPConfiguration.StartTLS(rawValue: modeName) else {
            throw HeraldError(.usage, "\(startTLS?.name ?? "STARTTLS") '\(modeName)' is not one of none, opportunistic, required")
        }
        var password = environment["HERALD_SMTP_PASSWORD"]
        if password == nil, let file = environment["HERALD_SMTP_PASSWORD_FILE"] {
            do {
                password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw HeraldError(.io, "cannot read HERALD_SMTP_PASSWORD_FILE (\(file)): \(error.localizedDescription)")
            }
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile.value) {
            throw HeraldError(.io, "cannot read the CA bundle '\(caFile.value)' (\(caFile.name))")
        }
        return SMTPConfiguration(url: url, startTLS: mode, username: environment["HERALD_SMTP_USERNAME"], password: password,
                                 bearerToken: environment["HERALD_SMTP_OAUTH_TOKEN"], responseTimeout: timeout, caFile: caFile?.value)
    }

    /// The DKIM keys: settings, then HERALD_DKIM_KEYS; plus one `DOMAIN:SELECTOR:PEM` in each
    /// HERALD_DKIM_KEY_<NAME> variable; a key that cannot be read is an error now, and so is a
    /// domain of HERALD_DKIM_REQUIRE (or the setting) without a key. Only the `dkim…` settings
    /// are read: `herald render --format eml` signs what `send` would, without an outbox.
    public static func dkim(_ settings: Settings, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DKIMKeyring {
        let entries = settings.dkimKeys ?? environment["HERALD_DKIM_KEYS"].map { Setting([$0], name: "HERALD_DKIM_KEYS") }
        let name = entries?.name ?? "HERALD_DKIM_KEYS"
        let listed = (entries?.value ?? []).flatMap { $0.split(separator: ",") }.map { (String($0), name) }
        let pems = environment.keys.filter { $0.hasPrefix("HERALD_DKIM_KEY_") }.sorted().map { (environment[$0] ?? "", $0) }
        var keyring = try DKIMKeyring.load(listed + pems)
        if let required = settings.dkimRequire ?? environment["HERALD_DKIM_REQUIRE"].map({ Setting([$0], name: "HERALD_DKIM_REQUIRE") }) {
            try keyring.require(required.value, name: required.name)
        }
        let method = settings.dkimCanonicalization ?? environment["HERALD_DKIM_CANONICALIZATION"].map { Setting($0, name: "HERALD_DKIM_CANONICALIZATION") }
        if let method {
            guard let canonicalization = DKIMCanonicalization(rawValue: method.value) else {
                throw HeraldError(.usage, "\(method.name) '\(method.value)' is not relaxed or simple")
            }
            keyring.canonicalization = canonicalization
        }
        return keyring
    }

    /// The retry policy: settings, then HERALD_RETRY_* / HERALD_MAX_ATTEMPTS, then the defaults.
    private static func policy(_ settings: Settings, environment: [String: String]) throws -> Outbox.Policy {
        var policy = Outbox.Policy()
        policy.leaseSeconds = settings.leaseSeconds
        let month = 30.0 * 86_400
        func number(_ given: Setting<Double>?, _ variable: String, range: ClosedRange<Double>) throws -> Double? {
            let text: String
            let name: String
            if let given {
                (text, name) = (plain(given.value), given.name)
            } else if let value = environment[variable] {
                (text, name) = (value, variable)
            } else {
                return nil
            }
            // Decimal digits only: Double("0x8") and Double("inf") parse too.
            let decimal = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "E" || $0 == "+") }
            guard decimal, let value = Double(text), value.isFinite, range.contains(value) else {
                throw HeraldError(.usage, "\(name) '\(text)' is not a number from \(plain(range.lowerBound)) to \(plain(range.upperBound))")
            }
            return value
        }
        if let base = try number(settings.retryBase, "HERALD_RETRY_BASE", range: 0...month) { policy.baseDelay = base }
        if let factor = try number(settings.retryFactor, "HERALD_RETRY_FACTOR", range: 1...100) { policy.factor = factor }
        if let maximum = try number(settings.retryMaximum, "HERALD_RETRY_MAX", range: 0...month) { policy.maximumDelay = maximum }
        if let attempts = settings.maximumAttempts {
            guard (1...1000).contains(attempts.value) else {
                throw HeraldError(.usage, "\(attempts.name) takes a whole number from 1 to 1000, not \(attempts.value)")
            }
            policy.maximumAttempts = attempts.value
        } else if let text = environment["HERALD_MAX_ATTEMPTS"] {
            guard let attempts = Int(text), (1...1000).contains(attempts) else {
                throw HeraldError(.usage, "HERALD_MAX_ATTEMPTS '\(text)' is not a whole number from 1 to 1000")
            }
            policy.maximumAttempts = attempts
        }
        return policy
    }

    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// What is wrong with a provider's variables, if anything: an endpoint that is not an
    /// http(s) URL, IDs that could climb out of a request's path, a sender that is no sender.
    private static func providerProblem(_ channel: ChannelID, environment: [String: String]) -> String? {
        let variable = channel == .sms ? "HERALD_SMS_URL" : "HERALD_WHATSAPP_URL"
        if let url = environment[variable] {
            let parts = URLComponents(string: url)
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), let parts, let host = parts.host, !host.isEmpty,
                  parts.query == nil, parts.fragment == nil, parts.user == nil, parts.port.map({ (1...65535).contains($0) }) ?? true else {
                return "\(variable) '\(url)' is not an http(s) URL without query or credentials, like https://api.example.com/v23.0"
            }
        }
        func identifier(_ variable: String, _ allowed: (Character) -> Bool, _ example: String) -> String? {
            guard let value = environment[variable] else { return nil }
            guard !value.isEmpty, value.count <= 64, value.allSatisfy({ $0.isASCII && allowed($0) }) else {
                return "\(variable) '\(value)' is not an ID like \(example)"
            }
            return nil
        }
        if channel == .sms {
            if let problem = identifier("HERALD_SMS_ACCOUNT", { $0.isLetter || $0.isNumber }, "AC0123456789abcdef") { return problem }
            if let from = environment["HERALD_SMS_FROM"] {
                // A number (E.164), or an alphanumeric sender ID of at most 11 characters.
                let alphanumeric = (1...11).contains(from.count) && from.contains(where: \.isLetter)
                    && from.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }
                guard alphanumeric || (try? PhoneNumber(from, defaultCountryCode: nil)) != nil else {
                    return "HERALD_SMS_FROM '\(from)' is neither a phone number like +15005550006 nor a sender ID of 1 to 11 letters and digits"
                }
            }
            return nil
        }
        return identifier("HERALD_WHATSAPP_PHONE_NUMBER_ID", { $0.isNumber }, "106540352242922")
    }
}
