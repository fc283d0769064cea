import ArgumentParser
import Foundation
import Herald
import HeraldPostgres

/// Where messages go and where the outbox lives: these flags, then the environment, then the
/// embedded defaults (an outbox and a Maildir under .herald/) — see `DeliveryConfiguration`.
struct DeliveryOptions: ParsableArguments {
    @Option(help: "SMTP server URL, smtp://host:port or smtps://host:port (env HERALD_SMTP_URL). Without one, messages go to the Maildir.") var via: String?
    @Option(help: "STARTTLS on smtp:// URLs: none, opportunistic or required (env HERALD_SMTP_STARTTLS).") var starttls: String?
    @Option(name: .customLong("ca-file"), help: "A CA bundle to trust, e.g. a test certificate (env HERALD_SMTP_CA_FILE).") var caFile: String?
    @Option(help: "The outbox: a SQLite file, or a PostgreSQL URL postgres://USER@HOST/DB (env HERALD_OUTBOX, HERALD_DATABASE_URL; default .herald/outbox.sqlite).") var outbox: String?
    @Option(help: "The Maildir used without an SMTP URL (env HERALD_MAILDIR; default .herald/maildir).") var maildir: String?
    @Option(name: .customLong("timeout"), help: "Seconds to wait for each SMTP reply.") var responseTimeout: Int = 60
    @Option(name: .customLong("lease-seconds"), help: "How long a claimed message stays reserved for its worker; a killed worker's messages are picked up again after it.") var leaseSeconds: Double = 120
    @Option(name: .customLong("retry-base"), help: "Seconds before the first retry of a temporary failure (env HERALD_RETRY_BASE; default 30).") var retryBase: Double?
    @Option(name: .customLong("retry-factor"), help: "Each next retry waits this many times longer (env HERALD_RETRY_FACTOR; default 2).") var retryFactor: Double?
    @Option(name: .customLong("retry-max"), help: "The longest wait between two attempts, in seconds (env HERALD_RETRY_MAX; default 3600).") var retryMaximum: Double?
    @Option(name: .customLong("max-attempts"), help: "Attempts before a temporary failure becomes permanent (env HERALD_MAX_ATTEMPTS; default 8).") var maximumAttempts: Int?

    @OptionGroup var dkim: DKIMOptions

    func validate() throws {
        // Bounded: a timeout or lease beyond a day is a typo, and huge values overflow libcurl's
        // longs and the clock arithmetic.
        guard (1...3600).contains(responseTimeout) else { throw ValidationError("--timeout takes 1 to 3600 seconds, not \(responseTimeout)") }
        guard leaseSeconds.isFinite, leaseSeconds > 0, leaseSeconds <= 86_400 else {
            throw ValidationError("--lease-seconds takes more than 0 and at most 86400 seconds, not \(leaseSeconds)")
        }
    }

    /// The configuration these flags and the environment make, every value checked. `data`: the
    /// folder (`--data`) whose outbox.sqlite and maildir/ are the defaults when neither a flag nor
    /// the environment names them; `database` (`--database`): the outbox's place unless --outbox
    /// names another.
    func configuration(data: String? = nil, database: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DeliveryConfiguration {
        typealias Setting = DeliveryConfiguration.Setting
        var settings = DeliveryConfiguration.Settings()
        settings.smtpURL = via.map { Setting($0, name: "--via") }
        settings.startTLS = starttls.map { Setting($0, name: "--starttls") }
        settings.caFile = caFile.map { Setting($0, name: "--ca-file") }
        settings.outboxPath = outbox.map { Setting($0, name: "--outbox") } ?? database.map { Setting($0, name: "--database") }
        settings.maildirPath = maildir.map { Setting($0, name: "--maildir") }
        settings.responseTimeout = responseTimeout
        settings.leaseSeconds = leaseSeconds
        settings.retryBase = retryBase.map { Setting($0, name: "--retry-base") }
        settings.retryFactor = retryFactor.map { Setting($0, name: "--retry-factor") }
        settings.retryMaximum = retryMaximum.map { Setting($0, name: "--retry-max") }
        settings.maximumAttempts = maximumAttempts.map { Setting($0, name: "--max-attempts") }
        dkim.apply(to: &settings)
        settings.folder = data
        var configuration = try DeliveryConfiguration(settings, environment: environment)
        configuration.outboxOpener = PostgresOutboxStore.opener
        return configuration
    }
}
