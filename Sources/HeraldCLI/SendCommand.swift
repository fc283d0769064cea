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

    @Option(name: .customLong("idempotency-key"), parsing: .unconditional, help: "Sending the same key twice stores and sends the message once.")
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
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if recipientsFile != nil && channel != .email {
            throw ValidationError("--recipients-file is for email; send SMS to several numbers with --to \"+34612345678, +34698765432\"")
        }
        if recipientsFile != nil && !compose.to.isEmpty {
            throw ValidationError("--to and --recipients-file: each line of the file is its message's To; put \(compose.to.joined(separator: ", ")) in the file")
        }
        if channel != .email && !(compose.cc.isEmpty && compose.bcc.isEmpty) {
            throw ValidationError("\(channel.rawValue) has no Cc or Bcc; give every number in --to")
        }
    }

    /// Every check — the destination, every recipient, every attachment, every template value
    /// — happens before the first row is written; the messages of one send are stored in one
    /// transaction, all or none. Only then is anything delivered.
    func run() throws {
        let draft = try inputOptions.draft(input, examplesByDefault: false)
        if let template = draft.template, !template.channels.contains(where: { $0.rawValue == channel.rawValue }) {
            throw fail("template \(template.templateName) is for \(template.channels.map(\.rawValue).joined(separator: ", ")), not \(channel.rawValue) (its channels: list)",
                       status: ExitStatus.badInput)
        }
        if let recipientsFile {
            try bulkSend(draft, recipientsFile: recipientsFile)
            return
        }
        let ids: [Int64]
        let transport: any Transport
        let destination: String
        let outbox: Outbox
        if channel == .email {
            (transport, destination) = try delivery.transport()
            let message = try compose(draft, to: nil)
            outbox = try delivery.openOutbox()
            ids = [try outbox.inOneTransaction(now: Date().timeIntervalSince1970) { batch in
                try batch.enqueue(message.bytes, envelope: message.envelope, smtputf8: message.smtputf8, route: delivery.route,
                                  idempotencyKey: idempotencyKey, fingerprint: message.fingerprint)
            }]
        } else {
            try delivery.requireProvider(for: channel.rawValue)
            // Opened before any media upload: an outbox that cannot be opened costs no upload.
            outbox = try delivery.openOutbox()
            ids = try enqueuePhoneMessages(draft, in: outbox)
            // The worker picks the provider's transport by the entry's channel; the email
            // transport it also needs is never used for these entries.
            (transport, destination) = (MaildirTransport(directory: URL(fileURLWithPath: delivery.maildirPath)), "the \(channel.rawValue) provider")
        }
        // One message after the other, in order: a WhatsApp text and its media arrive as written.
        let worker = OutboxWorker(outbox: outbox, transport: transport, messageTransports: delivery.messageTransports(), route: delivery.route)
        var notAccepted: [Int64] = []
        for id in ids {
            var last: DeliveryReport?
            try worker.runOnce(batch: 1, only: id) { _, report in last = report }
            guard let entry = try outbox.entry(id) else { continue }
            if let last { print(describe(last)) }
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

    /// An SMS (one entry for every --to number) or WhatsApp messages (to its one number: the text,
    /// then one message per attachment), checked and enqueued; each payload is what the
    /// provider's API takes. Returns the outbox IDs in sending order.
    private func enqueuePhoneMessages(_ draft: Draft, in outbox: Outbox) throws -> [Int64] {
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
        // The text and its media together, or nothing: a half-stored WhatsApp send would
        // deliver a caption without its picture.
        return try outbox.inOneTransaction(now: Date().timeIntervalSince1970) { batch in
            try payloads.enumerated().map { index, payload in
                try batch.enqueue(payload.bytes, channel: channel.rawValue, sender: channel.rawValue, recipients: recipients,
                                  idempotencyKey: idempotencyKey.map { payloads.count > 1 ? "\($0)#\(index + 1)" : $0 },
                                  fingerprint: payload.fingerprint)
            }
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

    /// A composed email, checked and written, not stored yet.
    private struct ComposedEmail {
        var bytes: [UInt8]
        var envelope: Envelope
        var smtputf8: Bool
        /// What makes two compositions "the same message" for an idempotency key.
        var fingerprint: String?
    }

    /// Renders and writes one message: every check of its content happens here.
    private func compose(_ draft: Draft, to: [String]?, quiet: Bool = false) throws -> ComposedEmail {
        let request = try compose.emailRequest(to: to)
        do {
            let composed = try Herald.composeEmail(draft, request: request)
            let message = composed.message
            if !quiet {
                for warning in composed.warnings { warn(warning.message) }
                warnAboutRepeatedRecipients(message)
            }
            var random = SystemRandomNumberGenerator()
            let now = MessageDate(secondsSince1970: Int64(Date().timeIntervalSince1970), utcOffsetMinutes: TimeZone.current.secondsFromGMT() / 60)
            let bytes = try MIMEWriter().bytes(of: message, identity: MessageIdentity.unique(for: message, now: now, using: &random))
            // The same request composed again differs only in Date and Message-ID: the content
            // hash of deterministic mode tells whether it is really the same message.
            let fingerprint = idempotencyKey == nil ? nil : try MessageIdentity.deterministic(for: message).messageID.value
            return ComposedEmail(bytes: bytes, envelope: message.envelope, smtputf8: message.needsSMTPUTF8, fingerprint: fingerprint)
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
    }

    /// One message per recipient line. Every line is checked first (its addresses, then the
    /// whole message for it), lines naming the same recipients as an earlier line are sent once,
    /// and all messages are stored in one transaction before any is delivered.
    private func bulkSend(_ draft: Draft, recipientsFile: String) throws {
        _ = try delivery.transport()  // the destination is checked before anything is stored
        let lines = try recipientLines(recipientsFile)
        for copied in compose.cc + compose.bcc {
            warn("\(copied) is copied on every line's message: it gets \(lines.count) messages")
        }
        let outbox = try delivery.openOutbox()
        let (ids, inserted) = try outbox.inOneTransaction(now: Date().timeIntervalSince1970) { batch in
            let ids = try lines.map { line in
                do {
                    let message = try compose(draft, to: [line.text], quiet: line.number != lines.first?.number)
                    return try batch.enqueue(message.bytes, envelope: message.envelope, smtputf8: message.smtputf8, route: delivery.route,
                                             idempotencyKey: idempotencyKey.map { "\($0)#\(line.number)" }, fingerprint: message.fingerprint)
                } catch let failure as CommandFailure {
                    // Still one line: the refusal, then which line of the file it concerns.
                    throw fail("\(failure.message) (in \(recipientsFile), line \(line.number): nothing was stored or sent)", status: failure.status)
                }
            }
            return (ids, batch.inserted)
        }
        if ids.count > inserted.count {
            say("\(ids.count - inserted.count) of the \(ids.count) messages were stored by an earlier send with the same --idempotency-key; herald worker delivers what is left of them")
        }
        // This send's own messages only: other messages in the outbox are the worker's.
        let range = inserted.first.flatMap { first in inserted.last.map { first...$0 } }
        if let range {
            let (workers, destination) = try delivery.workers(for: outbox, count: concurrency, ids: range)
            say("sending \(inserted.count) messages via \(destination) on \(concurrency) connection(s)")
            let progress = Progress(total: inserted.count)
            try runConcurrently(workers, batch: 10, pollInterval: 0.1, untilIdle: true) { _, report in
                progress.record(delivered: report.failure == nil && !report.accepted.isEmpty)
            }
        }
        let entries = try ids.compactMap { try outbox.entry($0) }
        let notSent = entries.filter { $0.state != .sent }
        say("\(entries.count - notSent.count) sent, \(notSent.count) not delivered\(notSent.isEmpty ? "" : " (see herald outbox list)")")
        if !notSent.isEmpty {
            throw fail("\(notSent.count) of \(entries.count) messages were not delivered (see herald outbox list)", status: ExitStatus.failure)
        }
    }

    /// The recipients file's lines (numbered as in the file), each checked as an address list.
    /// Each recipient gets one message: a line naming only recipients of earlier lines is
    /// dropped, one naming some of them is sent to the others, each with a warning.
    private func recipientLines(_ path: String) throws -> [(number: Int, text: String)] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw fail("cannot read '\(path)': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        var lines: [(number: Int, text: String)] = []
        var served: [String: Int] = [:]
        // isNewline: "\r\n" is one Character in Swift, so splitting on "\n" would not split a CRLF file.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let recipients: [EmailAddress]
            do {
                recipients = try AddressParser.parseList(line).flatMap(\.mailboxes)
            } catch {
                throw fail("\(path), line \(index + 1): \(error); nothing was stored or sent", status: ExitStatus.badInput)
            }
            guard !recipients.isEmpty else {
                throw fail("\(path), line \(index + 1): '\(line)' names no recipient; nothing was stored or sent", status: ExitStatus.badInput)
            }
            let repeated = recipients.filter { served[$0.recipientKey] != nil }
            let fresh = recipients.filter { served[$0.recipientKey] == nil }
            for address in repeated {
                warn("\(path), line \(index + 1): \(address.recipientKey) already gets the message of line \(served[address.recipientKey] ?? 0); sending it once")
            }
            guard !fresh.isEmpty else { continue }
            for address in fresh { served[address.recipientKey] = index + 1 }
            // As typed, unless some recipients were taken out: then the others, each quoted.
            lines.append((index + 1, repeated.isEmpty ? line : fresh.map(Self.mailbox).joined(separator: ", ")))
        }
        guard !lines.isEmpty else { throw fail("'\(path)' lists no recipient", status: ExitStatus.badInput) }
        return lines
    }

    /// An address written back as a mailbox the parser reads as the same: the name quoted.
    private static func mailbox(_ address: EmailAddress) -> String {
        guard let name = address.displayName else { return address.addrSpec }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address.addrSpec)>"
    }
}

/// The envelope holds each recipient once; the sender is told which were given twice.
func warnAboutRepeatedRecipients(_ message: EmailMessage) {
    let named = message.headers.to.flatMap(\.mailboxes).map { ($0, "To") } + message.headers.cc.flatMap(\.mailboxes).map { ($0, "Cc") }
        + message.headers.bcc.map { ($0, "Bcc") }
    _ = onePerRecipient(named.map { ($0, $0.recipientKey, $1) })
}
