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
        guard responseTimeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        guard leaseSeconds > 0 else { throw ValidationError("--lease-seconds must be more than 0") }
        _ = try policy()
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The retry policy: flags, then HERALD_RETRY_* / HERALD_MAX_ATTEMPTS, then the defaults.
    func policy() throws -> Outbox.Policy {
        var policy = Outbox.Policy()
        policy.leaseSeconds = leaseSeconds
        func number(_ flag: Double?, _ variable: String, _ name: String, minimum: Double) throws -> Double? {
            let text = flag.map { String($0) } ?? environment[variable]
            guard let text else { return nil }
            guard let value = Double(text), value.isFinite, value >= minimum else {
                throw ValidationError("\(flag == nil ? variable : name) '\(text)' is not a number of at least \(minimum == 1 ? "1" : "0")")
            }
            return value
        }
        if let base = try number(retryBase, "HERALD_RETRY_BASE", "--retry-base", minimum: 0) { policy.baseDelay = base }
        if let factor = try number(retryFactor, "HERALD_RETRY_FACTOR", "--retry-factor", minimum: 1) { policy.factor = factor }
        if let maximum = try number(retryMaximum, "HERALD_RETRY_MAX", "--retry-max", minimum: 0) { policy.maximumDelay = maximum }
        if let attempts = try number(maximumAttempts.map(Double.init), "HERALD_MAX_ATTEMPTS", "--max-attempts", minimum: 1) {
            guard attempts == attempts.rounded() else { throw ValidationError("--max-attempts takes a whole number, like 8") }
            policy.maximumAttempts = Int(attempts)
        }
        return policy
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

    /// SMTP when a URL is configured, the Maildir otherwise.
    func transport() throws -> (any Transport, String) {
        guard let url = via ?? environment["HERALD_SMTP_URL"] else {
            let directory = URL(fileURLWithPath: maildirPath)
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
        let configuration = SMTPConfiguration(url: url, startTLS: mode, username: environment["HERALD_SMTP_USERNAME"], password: password,
                                              bearerToken: environment["HERALD_SMTP_OAUTH_TOKEN"], responseTimeout: responseTimeout,
                                              caFile: caFile ?? environment["HERALD_SMTP_CA_FILE"])
        return (SMTPTransport(configuration: configuration), url)
    }
}

extension DeliveryOptions {
    /// `count` workers on one outbox, each with its own transports (so its own connections).
    func workers(for outbox: Outbox, count: Int) throws -> (workers: [OutboxWorker], destination: String) {
        var workers: [OutboxWorker] = []
        var destination = ""
        for _ in 0..<count {
            let (transport, name) = try transport()
            destination = name
            workers.append(OutboxWorker(outbox: outbox, transport: transport, messageTransports: messageTransports()))
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
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), let host = URLComponents(string: url)?.host, !host.isEmpty else {
                throw fail("\(variable) '\(url)' is not an http(s) URL, like https://api.example.com", status: ExitStatus.usage)
            }
        }
    }
}

/// One line per recipient: "accepted  ana@example.com  250 2.0.0 Ok".
func describe(_ report: DeliveryReport) -> String {
    var lines = report.recipients.map { "\($0.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.address)  \($0.code) \($0.reply)" }
    if let failure = report.failure { lines.append(failure.description) }
    return lines.joined(separator: "\n")
}
