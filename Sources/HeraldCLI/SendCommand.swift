import ArgumentParser
import Foundation
import Herald

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Compose a message, store it in the outbox, deliver it, and print each recipient's result.",
        discussion: "Takes the composing options of `herald render`. Exit status: 0 when every recipient accepted it, 1 when some did not (the outbox keeps retrying deferred ones; `herald outbox show ID` tells), 65 for bad input.")

    @Argument(help: "The input document (Markdown).")
    var input: String

    enum SendChannel: String, ExpressibleByArgument, CaseIterable {
        case email, sms, whatsapp
    }

    @Option(help: "The channel: email (default), sms or whatsapp (their providers come from the environment).")
    var channel: SendChannel = .email

    @OptionGroup var compose: ComposeOptions

    @OptionGroup var channelOptions: ChannelOptions

    @Option(name: .customLong("idempotency-key"), help: "Sending the same key twice stores and sends the message once.")
    var idempotencyKey: String?

    @Option(name: .customLong("recipients-file"), help: "Bulk send: one message per line of this file (each line is that message's To; '#' starts a comment).")
    var recipientsFile: String?

    @Option(help: "Bulk send: connections delivering at once.")
    var concurrency: Int = 1

    @OptionGroup var delivery: DeliveryOptions

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input)))
        } catch {
            throw fail("cannot read '\(input)': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        let outbox = try delivery.openOutbox()
        if let recipientsFile {
            try bulkSend(bytes, recipientsFile: recipientsFile, outbox: outbox)
            return
        }
        let id: Int64
        let transport: any Transport
        var destination: String
        if channel == .email {
            id = try enqueue(bytes, to: nil, idempotencyKey: idempotencyKey, outbox: outbox)
            (transport, destination) = try delivery.transport()
        } else {
            try delivery.requireProvider(for: channel.rawValue)
            id = try enqueuePhoneMessage(bytes, outbox: outbox)
            // The worker picks the provider's transport by the entry's channel; the email
            // transport it also needs is never used for this one entry.
            (transport, destination) = (MaildirTransport(directory: URL(fileURLWithPath: delivery.maildirPath)), "the \(channel.rawValue) provider")
        }
        var last: DeliveryReport?
        try OutboxWorker(outbox: outbox, transport: transport, messageTransports: delivery.messageTransports())
            .runOnce(batch: 1, only: id) { _, report in last = report }
        guard let entry = try outbox.entry(id) else { return }
        if let last { print(describe(last)) }
        print("outbox message \(id): \(entry.state.rawValue) (via \(destination))")
        if entry.state != .sent || entry.recipients.contains(where: { $0.status != .accepted }) { throw ExitCode(ExitStatus.failure) }
    }

    /// An SMS (to each --to number) or a WhatsApp message (to its one number), checked and
    /// enqueued; the payload is what the provider's API takes.
    private func enqueuePhoneMessage(_ bytes: [UInt8], outbox: Outbox) throws -> Int64 {
        let request = try compose.emailRequest()
        let payload: [UInt8]
        let recipients: [PhoneNumber]
        if channel == .sms {
            let report = try channelOptions.sms(bytes, request: request)
            for warning in report.warnings { warn(warning) }
            payload = Array(report.text.utf8)
            recipients = try channelOptions.phoneNumbers(request, exactlyOne: false)
        } else {
            let message = try channelOptions.whatsapp(bytes, request: request, needsRequestBody: true)
            payload = Array((message.body ?? "").utf8)
            recipients = message.to.map { [$0] } ?? []
        }
        do {
            return try outbox.enqueue(payload, channel: channel.rawValue, sender: channel.rawValue, recipients: recipients.map(\.e164),
                                      idempotencyKey: idempotencyKey, now: Date().timeIntervalSince1970)
        } catch let error as OutboxError {
            throw fail(error.description, status: ExitStatus.badInput)
        }
    }

    /// Renders, writes and enqueues one message; returns its outbox ID.
    private func enqueue(_ bytes: [UInt8], to: [String]?, idempotencyKey: String?, outbox: Outbox) throws -> Int64 {
        let request = try compose.emailRequest(to: to)
        let written: [UInt8]
        let message: EmailMessage
        do {
            let composed = try Herald.composeEmail(markdown: bytes, request: request)
            message = composed.message
            for warning in composed.warnings { warn(warning.message) }
            var random = SystemRandomNumberGenerator()
            let now = MessageDate(secondsSince1970: Int64(Date().timeIntervalSince1970), utcOffsetMinutes: TimeZone.current.secondsFromGMT() / 60)
            written = try MIMEWriter().bytes(of: message, identity: MessageIdentity.unique(for: message, now: now, using: &random))
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        do {
            // The same request composed again differs only in Date and Message-ID: the content
            // hash of deterministic mode tells whether it is really the same message.
            let fingerprint = idempotencyKey == nil ? nil : try MessageIdentity.deterministic(for: message).messageID.value
            return try outbox.enqueue(written, envelope: message.envelope, smtputf8: message.needsSMTPUTF8,
                                      idempotencyKey: idempotencyKey, fingerprint: fingerprint, now: Date().timeIntervalSince1970)
        } catch let error as OutboxError {
            throw fail(error.description, status: ExitStatus.badInput)
        }
    }

    /// One message per recipient line: all are stored first, then delivered with progress.
    private func bulkSend(_ bytes: [UInt8], recipientsFile: String, outbox: Outbox) throws {
        let lines: [String]
        do {
            lines = try String(contentsOfFile: recipientsFile, encoding: .utf8).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        } catch {
            throw fail("cannot read '\(recipientsFile)': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        guard !lines.isEmpty else { throw fail("'\(recipientsFile)' lists no recipient", status: ExitStatus.badInput) }
        var ids: [Int64] = []
        for (index, line) in lines.enumerated() {
            do {
                ids.append(try enqueue(bytes, to: [line], idempotencyKey: idempotencyKey.map { "\($0)#\(index + 1)" }, outbox: outbox))
            } catch let exit as ExitCode {
                FileHandle.standardError.write(Data("  (in \(recipientsFile), line \(index + 1): nothing was sent)\n".utf8))
                throw exit
            }
        }
        let (workers, destination) = try delivery.workers(for: outbox, count: concurrency)
        say("sending \(ids.count) messages via \(destination) on \(concurrency) connection(s)")
        let progress = Progress(total: ids.count)
        try runConcurrently(workers, batch: 10, pollInterval: 0.1, untilIdle: true) { _, report in
            progress.record(delivered: report.failure == nil && !report.accepted.isEmpty)
        }
        let entries = try ids.compactMap { try outbox.entry($0) }
        let notSent = entries.filter { $0.state != .sent }
        say("\(entries.count - notSent.count) sent, \(notSent.count) not delivered\(notSent.isEmpty ? "" : " (see herald outbox list)")")
        if !notSent.isEmpty { throw ExitCode(ExitStatus.failure) }
    }
}
