import ArgumentParser
import Foundation
import Herald
import HeraldInbox
import HeraldServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the inbox's JSON API (/api/v1) over HTTP, and deliver its outbox, until SIGTERM or SIGINT.")

    @Option(help: "The TCP port; 0 picks a free one (the line printed when ready says which).") var port: Int = 8080
    @Option(help: "The address to listen on (loopback by default).") var host: String = "127.0.0.1"
    @Option(name: .customLong("body-limit"), help: "The largest request body accepted, in bytes (413 beyond).") var bodyLimit: Int = 1 << 20
    @Option(name: .customLong("upload-limit-mb"), help: "The largest attachment upload, in MB (413 beyond).") var uploadLimitMB: Int = 25
    @Option(name: .customLong("rate-limit"), help: "Requests a second per API token or session, in bursts of up to 5 times as many (429 beyond); 0: no limit.")
    var rateLimit: Int = 20
    @Option(name: .customLong("sign-in-attempts"), help: "Sign-in attempts per email at once before 429.") var signInAttempts: Int = 5
    @Option(name: .customLong("sign-in-interval"), help: "Seconds before a held-back email may try once more.") var signInInterval: Int = 12
    @Option(help: "The folder of the composer's templates: its template files for every campaign, DIR/CAMPAIGN-ID/ for one campaign's (default: the data folder's templates/ when there is one).")
    var templates: String?
    @Option(name: .customLong("public-url"), help: "The server's URL as the providers call it, e.g. https://inbox.example.com (env HERALD_PUBLIC_URL): the SMS webhook's signature covers it.")
    var publicURL: String?
    @Option(help: "Import customers' email from this IMAP folder, e.g. imaps://mail.example.com/INBOX (account in HERALD_IMAP_USERNAME and HERALD_IMAP_PASSWORD).")
    var imap: String?
    @Option(name: .customLong("imap-interval"), help: "With --imap: seconds between looks at the folder.") var imapInterval: Int = 60
    @Option(name: .customLong("imap-move-to"), help: "With --imap: move imported messages to this folder (default: flag them \\Seen).") var imapMoveTo: String?
    @Flag(name: .customLong("no-worker"), help: "Do not deliver the outbox here (a `herald worker` does).") var noWorker = false
    @OptionGroup var data: DataOptions
    @OptionGroup var delivery: DeliveryOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535, not \(port)") }
        guard bodyLimit >= 1024 else { throw ValidationError("--body-limit takes at least 1024 bytes, not \(bodyLimit)") }
        guard (1...1024).contains(uploadLimitMB) else { throw ValidationError("--upload-limit-mb takes 1 to 1024, not \(uploadLimitMB)") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit takes 0 (no limit) or more requests a second, not \(rateLimit)") }
        guard (1...1000).contains(signInAttempts) else { throw ValidationError("--sign-in-attempts takes 1 to 1000, not \(signInAttempts)") }
        guard (1...86400).contains(signInInterval) else { throw ValidationError("--sign-in-interval takes 1 to 86400 seconds, not \(signInInterval)") }
        guard (1...86400).contains(imapInterval) else { throw ValidationError("--imap-interval takes 1 to 86400 seconds, not \(imapInterval)") }
        if imap == nil && imapMoveTo != nil { throw ValidationError("--imap-move-to moves IMAP messages; give --imap URL") }
    }

    func run() async throws {
        let configuration = try delivery.configuration(data: data.data, database: data.database)
        // The webhooks' secrets come from the environment or files only (HERALD_WHATSAPP_APP_SECRET…): never an argument.
        var server = try InboxServer.Configuration(dataFolder: data.data, host: host, port: port, bodyLimit: bodyLimit, uploadLimit: uploadLimitMB << 20,
                                                   requestsPerSecond: rateLimit, templates: templates, templatesName: "--templates", publicURL: publicURL)
        server.signInLimit = RateLimiter.Rule(perSecond: 1 / Double(signInInterval), burst: Double(signInAttempts))
        let host = self.host
        // Checked before listening: a missing password stops the server, not every poll.
        let poll = try imap.map { IMAPPoll(configuration: try IMAPConfiguration.fromEnvironment(url: $0, moveTo: imapMoveTo), interval: Double(imapInterval)) }
        try await InboxServer.serve(data.folder.open(), delivery: configuration, configuration: server,
                                    deliversOutbox: !noWorker, imap: poll) { port in
            // Written straight to the descriptor: scripts and tests wait for this line.
            FileHandle.standardOutput.write(Data("herald serve: listening on http://\(host):\(port)\n".utf8))
        }
    }
}
