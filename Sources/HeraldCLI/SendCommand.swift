import ArgumentParser
import Foundation
import Herald

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Compose a message, store it in the outbox, deliver it, and print each recipient's result.",
        discussion: "Takes the composing options of `herald render`. Exit status: 0 when every recipient accepted it, 1 when some did not (the outbox keeps retrying deferred ones; `herald outbox show ID` tells), 65 for bad input.")

    @Argument(help: "The input: a Markdown document, or a template filled with --data (or --example-data).")
    var input: String

    @OptionGroup var inputOptions: InputOptions

    @Option(help: "The channel: email (default), sms or whatsapp (their providers come from the environment).")
    var channel: ChannelID = .email

    @OptionGroup var compose: ComposeOptions

    @OptionGroup var channelOptions: ChannelOptions

    @Option(name: .customLong("idempotency-key"), parsing: .unconditional, help: "Sending the same key twice stores and sends the message once.")
    var idempotencyKey: String?

    @Option(name: .customLong("recipients-file"), help: "Bulk send: one message per line of this file (each line is that message's To; '#' starts a comment).")
    var recipientsFile: String?

    @Option(help: "Bulk send: connections delivering at once.")
    var concurrency: Int = 1

    @OptionGroup var delivery: DeliveryOptions

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if recipientsFile != nil && !compose.to.isEmpty {
            throw ValidationError("--to and --recipients-file: each line of the file is its message's To; put \(compose.to.joined(separator: ", ")) in the file")
        }
    }

    /// Every check — the destination, every recipient, every attachment, every template value
    /// — happens before the first row is written; the messages of one send are stored in one
    /// transaction, all or none. Only then is anything delivered.
    func run() async throws {
        var request = try compose.request()
        request.channel = channel
        request.idempotencyKey = idempotencyKey
        try channelOptions.apply(to: &request)
        let draft = try inputOptions.draft(input, examplesByDefault: false)
        let configuration = try delivery.configuration()
        try configuration.requireTransport(for: channel)
        if let recipientsFile {
            try await bulkSend(draft, request: request, recipientsFile: recipientsFile, configuration: configuration)
            return
        }
        let composition = try Composer().outbound(draft, request: request)
        for warning in composition.warnings { warn(warning) }
        // Opened before any media upload: an outbox that cannot be opened costs no upload.
        let store = try configuration.openOutbox()
        let stored = try await store.enqueue(try await configuration.prepare(composition.outbounds), now: Date().timeIntervalSince1970)
        // One message after the other, in order: a WhatsApp text and its media arrive as written.
        let worker = OutboxWorker(store: store, transports: try configuration.transports(), route: configuration.route)
        let destination = configuration.destination(for: channel)
        var notAccepted: [Int64] = []
        for id in stored.ids {
            let last = LastReport()
            try await worker.runOnce(batch: 1, only: id) { _, report in last.report = report }
            guard let entry = try await store.entry(id) else { continue }
            if let report = last.report { print(describe(report)) }
            print("outbox message \(id): \(entry.state.rawValue) (via \(destination))\(waitingNote(entry))")
            if entry.state != .sent || entry.recipients.contains(where: { $0.status != .accepted }) { notAccepted.append(id) }
        }
        if !notAccepted.isEmpty {
            throw fail("not every recipient accepted outbox message\(notAccepted.count == 1 ? "" : "s") \(notAccepted.map(String.init).joined(separator: ", ")) "
                       + "(see the lines above, or herald outbox show \(notAccepted[0]))", status: ExitStatus.failure)
        }
    }

    /// What happens next to a message that was not sent at once.
    private func waitingNote(_ entry: Outbox.Entry) -> String {
        switch entry.state {
        case .queued: return "; next attempt at \(moment(entry.nextAttemptAt)) by herald worker (herald outbox retry \(entry.id) to try now)"
        case .held: return "; held: the server may have it — herald outbox show \(entry.id), then herald outbox retry \(entry.id) to send it again"
        default: return ""
        }
    }

    /// One message per recipient line. Every line is checked first (its addresses, then the
    /// whole message for it), lines naming the same recipients as an earlier line are sent once,
    /// and all messages are stored in one transaction before any is delivered.
    private func bulkSend(_ draft: Draft, request: MessageRequest, recipientsFile: String, configuration: DeliveryConfiguration) async throws {
        let lines = try RecipientsFile.read(recipientsFile)
        for copied in compose.cc + compose.bcc {
            warn("\(copied) is copied on every line's message: it gets \(lines.count) messages")
        }
        var outbounds: [Outbound] = []
        for line in lines {
            var lineRequest = request
            lineRequest.to += [line.text]
            lineRequest.idempotencyKey = idempotencyKey.map { "\($0)#\(line.number)" }
            do {
                let composition = try Composer().outbound(draft, request: lineRequest)
                if line.number == lines.first?.number { for warning in composition.warnings { warn(warning) } }
                outbounds += composition.outbounds
            } catch {
                // Still one line: the refusal, then which line of the file it concerns.
                let (status, message) = ExitStatus.of(error)
                throw fail("\(message) (in \(recipientsFile), line \(line.number): nothing was stored or sent)", status: status)
            }
        }
        let store = try configuration.openOutbox()
        let stored = try await store.enqueue(try await configuration.prepare(outbounds), now: Date().timeIntervalSince1970)
        if stored.ids.count > stored.inserted.count {
            say("\(stored.ids.count - stored.inserted.count) of the \(stored.ids.count) messages were stored by an earlier send with the same --idempotency-key; herald worker delivers what is left of them")
        }
        // This send's own messages only: other messages in the outbox are the worker's.
        if let range = stored.insertedRange {
            let workers = try configuration.workers(for: store, count: concurrency, ids: range)
            say("sending \(stored.inserted.count) messages via \(configuration.emailDestination) on \(concurrency) connection(s)")
            let progress = Progress(total: stored.inserted.count)
            try await OutboxWorker.runAll(workers, batch: 10, pollInterval: 0.1, untilIdle: true) { _, report in
                progress.record(delivered: report.failure == nil && !report.accepted.isEmpty)
            }
        }
        var notSent = 0
        for id in stored.ids where try await store.entry(id)?.state != .sent { notSent += 1 }
        say("\(stored.ids.count - notSent) sent, \(notSent) not delivered\(notSent == 0 ? "" : " (see herald outbox list)")")
        if notSent > 0 {
            throw fail("\(notSent) of \(stored.ids.count) messages were not delivered (see herald outbox list)", status: ExitStatus.failure)
        }
    }
}

/// The report of the one delivery a send watches.
private final class LastReport: @unchecked Sendable {
    var report: DeliveryReport?
}
