import ArgumentParser
import Foundation
import Herald

/// Where messages go and where the outbox lives: flags first, then environment variables, then
/// the embedded defaults (an outbox and a Maildir under .herald/). Secrets come only from the
/// environment or a file, and are never printed.
struct DeliveryOptions: ParsableArguments {
    @Option(help: "SMTP server URL, smtp://host:port or smtps://host:port (env HERALD_SMTP_URL). Without one, messages go to the Maildir.")
    var via: String?

    @Option(help: "STARTTLS on smtp:// URLs: none, opportunistic or required (env HERALD_SMTP_STARTTLS).")
    var starttls: String?

    @Option(name: .customLong("ca-file"), help: "A CA bundle to trust, e.g. a test certificate (env HERALD_SMTP_CA_FILE).")
    var caFile: String?

    @Option(help: "The outbox database (env HERALD_OUTBOX; default .herald/outbox.sqlite).")
    var outbox: String?

    @Option(help: "The Maildir used without an SMTP URL (env HERALD_MAILDIR; default .herald/maildir).")
    var maildir: String?

    @Option(name: .customLong("timeout"), help: "Seconds to wait for each SMTP reply.")
    var responseTimeout: Int = 60

    @Option(name: .customLong("lease-seconds"), help: "How long a claimed message stays reserved for its worker; a killed worker's messages are picked up again after it.")
    var leaseSeconds: Double = 120

    @Option(name: .customLong("retry-base"), help: "Seconds before the first retry of a temporary failure (env HERALD_RETRY_BASE; default 30).")
    var retryBase: Double?

    @Option(name: .customLong("retry-factor"), help: "Each next retry waits this many times longer (env HERALD_RETRY_FACTOR; default 2).")
    var retryFactor: Double?

    @Option(name: .customLong("retry-max"), help: "The longest wait between two attempts, in seconds (env HERALD_RETRY_MAX; default 3600).")
    var retryMaximum: Double?

    @Option(name: .customLong("max-attempts"), help: "Attempts before a temporary failure becomes permanent (env HERALD_MAX_ATTEMPTS; default 8).")
    var maximumAttempts: Int?

    func validate() throws {
        // Bounded: a timeout or lease beyond a day is a typo, and huge values overflow libcurl's
        // longs and the clock arithmetic.
        guard (1...3600).contains(responseTimeout) else { throw ValidationError("--timeout takes 1 to 3600 seconds, not \(responseTimeout)") }
        guard leaseSeconds.isFinite, leaseSeconds > 0, leaseSeconds <= 86_400 else {
            throw ValidationError("--lease-seconds takes more than 0 and at most 86400 seconds, not \(leaseSeconds)")
        }
        _ = try policy()
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The retry policy: flags, then HERALD_RETRY_* / HERALD_MAX_ATTEMPTS, then the defaults.
    func policy() throws -> Outbox.Policy {
        var policy = Outbox.Policy()
        policy.leaseSeconds = leaseSeconds
        let month = 30.0 * 86_400
        func number(_ flag: Double?, _ variable: String, _ name: String, range: ClosedRange<Double>) throws -> Double? {
            guard let text = flag.map({ String($0) }) ?? environment[variable] else { return nil }
            // Decimal digits only: Double("0x8") and Double("inf") parse too.
            let plain = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "E" || $0 == "+") }
            guard plain, let value = Double(text), value.isFinite, range.contains(value) else {
                throw ValidationError("\(flag == nil ? variable : name) '\(text)' is not a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound))")
            }
            return value
        }
        if let base = try number(retryBase, "HERALD_RETRY_BASE", "--retry-base", range: 0...month) { policy.baseDelay = base }
        if let factor = try number(retryFactor, "HERALD_RETRY_FACTOR", "--retry-factor", range: 1...100) { policy.factor = factor }
        if let maximum = try number(retryMaximum, "HERALD_RETRY_MAX", "--retry-max", range: 0...month) { policy.maximumDelay = maximum }
        if let attempts = maximumAttempts {
            guard (1...1000).contains(attempts) else { throw ValidationError("--max-attempts takes a whole number from 1 to 1000, not \(attempts)") }
            policy.maximumAttempts = attempts
        } else if let text = environment["HERALD_MAX_ATTEMPTS"] {
            guard let attempts = Int(text), (1...1000).contains(attempts) else {
                throw ValidationError("HERALD_MAX_ATTEMPTS '\(text)' is not a whole number from 1 to 1000")
            }
            policy.maximumAttempts = attempts
        }
        return policy
    }

    private static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    var outboxPath: String { outbox ?? environment["HERALD_OUTBOX"] ?? ".herald/outbox.sqlite" }
    var maildirPath: String { maildir ?? environment["HERALD_MAILDIR"] ?? ".herald/maildir" }

    /// The outbox; `create: false` for commands that only look or act on what is stored
    /// (a typo in --outbox is an error, not a new empty outbox).
    func openOutbox(create: Bool = true) throws -> Outbox {
        let path = outboxPath
        if create {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw fail("cannot create the outbox's folder \(folder.path): \(error.localizedDescription)", status: ExitStatus.ioError)
            }
        }
        return try Outbox(path: path, policy: try policy(), create: create)
    }

    /// Where this command's email goes, stored with each message so that only a worker with
    /// the same destination delivers it: the SMTP URL, or `maildir:` and the Maildir's path.
    var route: String {
        if let url = via ?? environment["HERALD_SMTP_URL"] { return url }
        return "maildir:" + URL(fileURLWithPath: maildirPath).standardizedFileURL.path
    }

    /// SMTP when a URL is configured, the Maildir otherwise; every setting checked.
    func transport() throws -> (any Transport, String) {
        guard let url = via ?? environment["HERALD_SMTP_URL"] else {
            let directory = URL(fileURLWithPath: maildirPath)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), !isFolder.boolValue {
                throw fail("the Maildir \(directory.path) is a file, not a folder; give --maildir a folder (it is made if missing)", status: ExitStatus.ioError)
            }
            return (MaildirTransport(directory: directory), "the Maildir \(directory.path)")
        }
        let source = via == nil ? "HERALD_SMTP_URL" : "--via"
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://"), let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty,
              parts.user == nil, parts.password == nil, parts.query == nil, parts.fragment == nil else {
            throw fail("\(source) '\(url)' is not an SMTP URL; expected smtp://host:port or smtps://host:port (credentials go in HERALD_SMTP_USERNAME and HERALD_SMTP_PASSWORD)",
                       status: ExitStatus.usage)
        }
        if let port = parts.port, !(1...65535).contains(port) {
            throw fail("\(source) '\(url)': the port \(port) is not between 1 and 65535", status: ExitStatus.usage)
        }
        // The path is the name Herald gives itself in EHLO: a host name, nothing else.
        let ehlo = parts.percentEncodedPath.drop { $0 == "/" }
        guard ehlo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
            throw fail("\(source) '\(url)': the path names the EHLO host and must be a host name (letters, digits, '.', '-'), like smtp://mx.example.com/herald.example.com",
                       status: ExitStatus.usage)
        }
        let modeName = starttls ?? environment["HERALD_SMTP_STARTTLS"] ?? "opportunistic"
        guard let mode = SMTPConfiguration.StartTLS(rawValue: modeName) else {
            throw fail("--starttls '\(modeName)' is not one of none, opportunistic, required", status: ExitStatus.usage)
        }
        var password = environment["HERALD_SMTP_PASSWORD"]
        if password == nil, let file = environment["HERALD_SMTP_PASSWORD_FILE"] {
            do {
                password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw fail("cannot read HERALD_SMTP_PASSWORD_FILE (\(file)): \(error.localizedDescription)", status: ExitStatus.ioError)
            }
        }
        if let caFile = caFile ?? environment["HERALD_SMTP_CA_FILE"], !FileManager.default.isReadableFile(atPath: caFile) {
            throw fail("cannot read the CA bundle '\(caFile)' (--ca-file / HERALD_SMTP_CA_FILE)", status: ExitStatus.ioError)
        }
        let configuration = SMTPConfiguration(url: url, startTLS: mode, username: environment["HERALD_SMTP_USERNAME"], password: password,
                                              bearerToken: environment["HERALD_SMTP_OAUTH_TOKEN"], responseTimeout: responseTimeout,
                                              caFile: caFile ?? environment["HERALD_SMTP_CA_FILE"])
        return (SMTPTransport(configuration: configuration), url)
    }
}

extension DeliveryOptions {
    /// `count` workers on one outbox, each with its own transports (so its own connections).
    /// `ids`: only these messages (a bulk send's own).
    func workers(for outbox: Outbox, count: Int, ids: ClosedRange<Int64>? = nil) throws -> (workers: [OutboxWorker], destination: String) {
        var workers: [OutboxWorker] = []
        var destination = ""
        for _ in 0..<count {
            let (transport, name) = try transport()
            destination = name
            workers.append(OutboxWorker(outbox: outbox, transport: transport, messageTransports: messageTransports(), route: route, ids: ids))
        }
        return (workers, destination)
    }

    /// The SMS and WhatsApp providers configured in the environment (none when unset):
    /// HERALD_WHATSAPP_PHONE_NUMBER_ID + HERALD_WHATSAPP_TOKEN (+ HERALD_WHATSAPP_URL), and
    /// HERALD_SMS_ACCOUNT + HERALD_SMS_TOKEN + HERALD_SMS_FROM (+ HERALD_SMS_URL).
    func messageTransports() -> [String: any MessageTransport] {
        let environment = ProcessInfo.processInfo.environment
        var transports: [String: any MessageTransport] = [:]
        if let phoneID = environment["HERALD_WHATSAPP_PHONE_NUMBER_ID"], let token = environment["HERALD_WHATSAPP_TOKEN"] {
            transports["whatsapp"] = WhatsAppCloudTransport(baseURL: environment["HERALD_WHATSAPP_URL"] ?? Self.whatsappDefaultURL,
                                                            phoneNumberID: phoneID, token: token, timeout: responseTimeout)
        }
        if let account = environment["HERALD_SMS_ACCOUNT"], let token = environment["HERALD_SMS_TOKEN"], let from = environment["HERALD_SMS_FROM"] {
            transports["sms"] = SMSGatewayTransport(baseURL: environment["HERALD_SMS_URL"] ?? Self.smsDefaultURL, account: account,
                                                    token: token, from: from, timeout: responseTimeout)
        }
        return transports
    }

    static let whatsappDefaultURL = "https://graph.facebook.com/v23.0"
    static let smsDefaultURL = "https://api.twilio.com"

    /// Refuses to enqueue for a channel whose provider is not configured, or configured with an
    /// endpoint that is not an http(s) URL, saying what to set.
    func requireProvider(for channel: String) throws {
        guard channel == "email" || messageTransports()[channel] != nil else {
            let variables = channel == "sms" ? "HERALD_SMS_ACCOUNT, HERALD_SMS_TOKEN and HERALD_SMS_FROM"
                                             : "HERALD_WHATSAPP_PHONE_NUMBER_ID and HERALD_WHATSAPP_TOKEN"
            throw fail("no \(channel) provider is configured; set \(variables) (and the _URL variable for a non-default endpoint)", status: ExitStatus.usage)
        }
        let variable = channel == "sms" ? "HERALD_SMS_URL" : "HERALD_WHATSAPP_URL"
        if let url = environment[variable] {
            let parts = URLComponents(string: url)
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), let parts, let host = parts.host, !host.isEmpty,
                  parts.query == nil, parts.fragment == nil, parts.user == nil, parts.port.map({ (1...65535).contains($0) }) ?? true else {
                throw fail("\(variable) '\(url)' is not an http(s) URL without query or credentials, like https://api.example.com/v23.0", status: ExitStatus.usage)
            }
        }
        // The IDs become parts of the request's path: nothing that could climb out of it.
        func identifier(_ variable: String, _ allowed: (Character) -> Bool, _ example: String) throws {
            guard let value = environment[variable] else { return }
            guard !value.isEmpty, value.count <= 64, value.allSatisfy({ $0.isASCII && allowed($0) }) else {
                throw fail("\(variable) '\(value)' is not an ID like \(example)", status: ExitStatus.usage)
            }
        }
        if channel == "sms" {
            try identifier("HERALD_SMS_ACCOUNT", { $0.isLetter || $0.isNumber }, "AC0123456789abcdef")
            if let from = environment["HERALD_SMS_FROM"] {
                // A number (E.164), or an alphanumeric sender ID of at most 11 characters.
                let alphanumeric = (1...11).contains(from.count) && from.contains(where: \.isLetter)
                    && from.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }
                guard alphanumeric || (try? PhoneNumber(from, defaultCountryCode: nil)) != nil else {
                    throw fail("HERALD_SMS_FROM '\(from)' is neither a phone number like +15005550006 nor a sender ID of 1 to 11 letters and digits",
                               status: ExitStatus.usage)
                }
            }
        } else {
            try identifier("HERALD_WHATSAPP_PHONE_NUMBER_ID", { $0.isNumber }, "106540352242922")
        }
    }
}

/// One line per recipient: "accepted  ana@example.com  250 2.0.0 Ok".
func describe(_ report: DeliveryReport) -> String {
    var lines = report.recipients.map { "\($0.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.address)  \($0.code) \($0.reply)" }
    if let failure = report.failure { lines.append(failure.description) }
    return lines.joined(separator: "\n")
}
