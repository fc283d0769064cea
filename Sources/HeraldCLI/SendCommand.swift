import ArgumentParser
import Foundation
import Herald

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Compose a message, store it in the outbox, deliver it, and print each recipient's result.",
        discussion: "Takes the composing options of `herald render`. Exit status: 0 when every recipient accepted it, 1 when some did not (the outbox keeps retrying deferred ones; `herald outbox show ID` tells), 65 for bad input.")

    @Argument(help: "The input: a Markdown document, or a template filled with --data (or --example-data).") var input: String
    @OptionGroup var inputOptions: InputOptions
    @Option(help: "The channel: email (default), sms or whatsapp (their providers come from the environment).") var channel: ChannelID = .email
    @OptionGroup var compose: ComposeOptions
    @OptionGroup var channelOptions: ChannelOptions
    @Option(name: .customLong("idempotency-key"), parsing: .unconditional, help: "Sending the same key twice stores and sends the message once.") var idempotencyKey: String?
    @Option(name: .customLong("recipients-file"), help: "Bulk send: one message per line of this file (each line is that message's To; '#' starts a comment).") var recipientsFile: String?
    @Option(help: "Bulk send: connections delivering at once.") var concurrency: Int = 1
    @Flag(help: "Refuse (exit 65) what is otherwise a warning: an email bulk send without an unsubscribe target.") var strict = false
    @OptionGroup var delivery: DeliveryOptions

    func validate() throws {
        try inputOptions.check(input, checksType: false, for: channel, verb: "sends")
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
        let sender = Sender(configuration: configuration)
        if let recipientsFile {
            let policy = try BulkPolicy(strict: strict, unsubscribeName: "--list-unsubscribe", strictName: "--strict").applied(to: request, draft: draft)
            for warning in policy.warnings { warn(warning) }
            let composition = try Composer(dkim: configuration.dkim).outbound(draft, request: policy.request, eachOf: try RecipientList.read(recipientsFile, for: channel))
            for warning in composition.warnings { warn(warning) }
            let progress = SendProgress(total: 0, isTerminal: isatty(STDOUT_FILENO) == 1) { FileHandle.standardOutput.write(Data($0.utf8)) }
            let bulk = try await sender.sendAll(composition.outbounds, concurrency: concurrency, starting: { count in
                progress.total = count
                say("sending \(count) messages via \(configuration.destination(for: channel)) on \(concurrency) connection(s)")
            }, progress: progress.record(_:))
            for line in bulk.summary(keyName: "--idempotency-key") { say(line) }
            if let failure = bulk.failure { throw fail(failure, status: ExitStatus.failure) }
            return
        }
        let composition = try Composer(dkim: configuration.dkim).outbound(draft, request: request)
        for warning in composition.warnings { warn(warning) }
        let sent = try await sender.send(composition.outbounds)
        for message in sent {
            if let report = message.report { print(report.summary) }
            print(message.line(via: configuration.destination(for: channel)))
        }
        if let failure = Sender.Sent.failure(of: sent) { throw fail(failure, status: ExitStatus.failure) }
    }
}
