import ArgumentParser
import Foundation
import Herald

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Compose a message, store it in the outbox, deliver it, and print each recipient's result.",
        discussion: "Takes the composing options of `herald render`. Exit status: 0 when every recipient accepted it, 1 when some did not (the outbox keeps retrying deferred ones; `herald outbox show ID` tells), 65 for bad input.")

    @Argument(help: "The input: a Markdown document, or a template filled with --data (or --example-data).")
    var input: String

    @OptionGroup var inputOptions: InputOptions

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

    func validate() throws {
        if channelOptions.voiceNote && channel != .whatsapp {
            throw ValidationError("--voice-note is for --channel whatsapp; \(channel.rawValue) has no voice notes")
        }
    }

    func run() throws {
        let draft = try inputOptions.draft(input, examplesByDefault: false)
        if let template = draft.template, !template.channels.contains(where: { $0.rawValue == channel.rawValue }) {
            throw fail("template \(template.templateName) is for \(template.channels.map(\.rawValue).joined(separator: ", ")), not \(channel.rawValue) (its channels: list)",
                       status: ExitStatus.badInput)
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        let outbox = try delivery.openOutbox()
        if let recipientsFile {
            try bulkSend(draft, recipientsFile: recipientsFile, outbox: outbox)
            return
        }
        let ids: [Int64]
        let transport: any Transport
        var destination: String
        if channel == .email {
            ids = [try enqueue(draft, to: nil, idempotencyKey: idempotencyKey, outbox: outbox)]
            (transport, destination) = try delivery.transport()
        } else {
            try delivery.requireProvider(for: channel.rawValue)
            ids = try enqueuePhoneMessages(draft, outbox: outbox)
            // The worker picks the provider's transport by the entry's channel; the email
            // transport it also needs is never used for this one entry.
            (transport, destination) = (MaildirTransport(directory: URL(fileURLWithPath: delivery.maildirPath)), "the \(channel.rawValue) provider")
        }
        // One message after the other, in order: a WhatsApp text and its media arrive as written.
        let worker = OutboxWorker(outbox: outbox, transport: transport, messageTransports: delivery.messageTransports())
        var allAccepted = true
        for id in ids {
            var last: DeliveryReport?
            try worker.runOnce(batch: 1, only: id) { _, report in last = report }
            guard let entry = try outbox.entry(id) else { continue }
            if let last { print(describe(last)) }
            print("outbox message \(id): \(entry.state.rawValue) (via \(destination))")
            if entry.state != .sent || entry.recipients.contains(where: { $0.status != .accepted }) { allAccepted = false }
        }
        if !allAccepted { throw ExitCode(ExitStatus.failure) }
    }

    /// An SMS (one entry for every --to number) or WhatsApp messages (to its one number: the text,
    /// then one message per attachment), checked and enqueued; each payload is what the
    /// provider's API takes. Returns the outbox IDs in sending order.
    private func enqueuePhoneMessages(_ draft: Draft, outbox: Outbox) throws -> [Int64] {
        let request = try compose.emailRequest()
        var payloads: [Payload] = []
        let recipients: [String]
        if channel == .sms {
            let report = try channelOptions.sms(draft.smsDocument, request: request)
            for warning in report.warnings { warn(warning) }
            payloads = [Payload(bytes: Array(report.text.utf8))]
            recipients = try channelOptions.phoneNumbers(request).map(\.e164)
        } else {
            let media = try channelOptions.whatsappMedia(request)
            let message = try channelOptions.whatsapp(draft, request: request, needsRequestBody: true)
            guard let phone = message.to else { throw fail("WhatsApp needs exactly one --to phone number", status: ExitStatus.usage) }
            recipients = [phone.description]
            payloads = try whatsappPayloads(text: message.text, textBody: message.body, media: media, request: request, to: phone)
        }
        do {
            let now = Date().timeIntervalSince1970
            return try payloads.enumerated().map { index, payload in
                try outbox.enqueue(payload.bytes, channel: channel.rawValue, sender: channel.rawValue, recipients: recipients,
                                   idempotencyKey: idempotencyKey.map { payloads.count > 1 ? "\($0)#\(index + 1)" : $0 },
                                   fingerprint: payload.fingerprint, now: now)
            }
        } catch let error as OutboxError {
            throw fail(error.description, status: ExitStatus.badInput)
        }
    }

    /// A provider request body and, for a media message, what identifies its content for an
    /// idempotency key: the body with a placeholder media id plus the file's bytes, since a
    /// retried send uploads again and gets a new id.
    private struct Payload {
        var bytes: [UInt8]
        var fingerprint: String? = nil
    }

    /// The text rides as the first attachment's caption when it fits (≤ 1,024 characters, on an
    /// image, video or document); otherwise it goes first as its own message. Media are uploaded
    /// now, so a refused file stops the send before anything is enqueued.
    private func whatsappPayloads(text: String, textBody: String?, media: [WhatsAppMedia], request: EmailRequest,
                                  to phone: WhatsAppRecipient) throws -> [Payload] {
        guard !media.isEmpty else { return [Payload(bytes: Array((textBody ?? "").utf8))] }
        guard let transport = delivery.messageTransports()["whatsapp"] as? WhatsAppCloudTransport else {
            throw fail("no whatsapp provider is configured", status: ExitStatus.usage)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let captionFits = !trimmed.isEmpty && trimmed.count <= WhatsAppMediaMessage.captionLimit
            && [.image, .video, .document].contains(media[0].kind)
        var payloads: [Payload] = []
        if !trimmed.isEmpty && !captionFits { payloads.append(Payload(bytes: Array((textBody ?? "").utf8))) }
        for (index, item) in media.enumerated() {
            let id: String
            do {
                id = try transport.upload(path: request.attachments[index], filename: item.filename, mediaType: item.mediaType)
            } catch {
                throw fail(String(describing: error), status: ExitStatus.failure)
            }
            let caption = index == 0 && captionFits ? trimmed : nil
            do {
                let message = try WhatsAppMediaMessage(recipient: phone, media: item, source: .id(id), caption: caption)
                var fingerprint: String?
                if idempotencyKey != nil {
                    let placeholder = try WhatsAppMediaMessage(recipient: phone, media: item, source: .id("0"), caption: caption)
                    let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: request.attachments[index])))
                    fingerprint = Outbox.contentHash(Array(placeholder.json.utf8) + file, sender: "whatsapp", recipients: [phone.description])
                }
                payloads.append(Payload(bytes: Array(message.json.utf8), fingerprint: fingerprint))
            } catch {
                throw fail("\(item.filename): \(error)", status: ExitStatus.badInput)
            }
        }
        return payloads
    }

    /// Renders, writes and enqueues one message; returns its outbox ID.
    private func enqueue(_ draft: Draft, to: [String]?, idempotencyKey: String?, outbox: Outbox) throws -> Int64 {
        let request = try compose.emailRequest(to: to)
        let written: [UInt8]
        let message: EmailMessage
        do {
            let composed = try Herald.composeEmail(draft, request: request)
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
    private func bulkSend(_ draft: Draft, recipientsFile: String, outbox: Outbox) throws {
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
                ids.append(try enqueue(draft, to: [line], idempotencyKey: idempotencyKey.map { "\($0)#\(index + 1)" }, outbox: outbox))
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
