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

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    var outboxPath: String { outbox ?? environment["HERALD_OUTBOX"] ?? ".herald/outbox.sqlite" }
    var maildirPath: String { maildir ?? environment["HERALD_MAILDIR"] ?? ".herald/maildir" }

    func openOutbox() throws -> Outbox {
        let url = URL(fileURLWithPath: outboxPath)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var policy = Outbox.Policy()
            policy.leaseSeconds = leaseSeconds
            return try Outbox(path: url.path, policy: policy)
        } catch {
            throw fail("cannot open the outbox at \(url.path): \(error)", status: ExitStatus.ioError)
        }
    }

    /// SMTP when a URL is configured, the Maildir otherwise.
    func transport() throws -> (any Transport, String) {
        guard let url = via ?? environment["HERALD_SMTP_URL"] else {
            let directory = URL(fileURLWithPath: maildirPath)
            return (MaildirTransport(directory: directory), "the Maildir \(directory.path)")
        }
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw fail("--via '\(url)' is not an SMTP URL; expected smtp://host:port or smtps://host:port", status: ExitStatus.usage)
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
            transports["whatsapp"] = WhatsAppCloudTransport(baseURL: environment["HERALD_WHATSAPP_URL"] ?? "https://graph.facebook.com/v23.0",
                                                            phoneNumberID: phoneID, token: token, timeout: responseTimeout)
        }
        if let account = environment["HERALD_SMS_ACCOUNT"], let token = environment["HERALD_SMS_TOKEN"], let from = environment["HERALD_SMS_FROM"] {
            transports["sms"] = SMSGatewayTransport(baseURL: environment["HERALD_SMS_URL"] ?? "https://api.twilio.com", account: account,
                                                    token: token, from: from, timeout: responseTimeout)
        }
        return transports
    }

    /// Refuses to enqueue for a channel with no provider configured, saying what to set.
    func requireProvider(for channel: String) throws {
        guard channel == "email" || messageTransports()[channel] != nil else {
            let variables = channel == "sms" ? "HERALD_SMS_ACCOUNT, HERALD_SMS_TOKEN and HERALD_SMS_FROM"
                                             : "HERALD_WHATSAPP_PHONE_NUMBER_ID and HERALD_WHATSAPP_TOKEN"
            throw fail("no \(channel) provider is configured; set \(variables) (and the _URL variable for a non-default endpoint)", status: ExitStatus.usage)
        }
    }
}

/// One line per recipient: "accepted  ana@example.com  250 2.0.0 Ok".
func describe(_ report: DeliveryReport) -> String {
    var lines = report.recipients.map { "\($0.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.address)  \($0.code) \($0.reply)" }
    if let failure = report.failure { lines.append(failure.description) }
    return lines.joined(separator: "\n")
}
