import ArgumentParser
import Foundation
import Herald

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a Markdown document, an editor's HTML or a template for a channel: email HTML, its plain-text alternative, a whole .eml message, its structure as JSON; SMS or WhatsApp text and JSON.",
        discussion: """
            A .md file that starts with a front matter (---) is a template: it is filled with --data FILE.json, or with \
            the examples of its front matter when no --data is given; --locale picks its variant (welcome.es.md). \
            html and text need only the input. eml and json compose a message and need --from (or a template's sender) and at least one \
            of --to, --cc, --bcc. Address options repeat and each takes a list ("Ana <ana@example.com>, bo@example.com"). \
            An image written as ![alt](cid:NAME) in the Markdown is the attachment named NAME or NAME.ext.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, text, eml, json
    }

    enum Channel: String, ExpressibleByArgument, CaseIterable {
        case email, sms, whatsapp
    }

    @Argument(help: "The input: a Markdown document or template (.md, .markdown, .txt), or an editor's HTML (.html, .htm); '-' reads standard input.")
    var input: String

    @OptionGroup var inputOptions: InputOptions

    @Option(help: "The channel to render for.")
    var channel: Channel = .email

    @Option(help: "What to write: html, text, eml (a complete message) or json (envelope and MIME structure).")
    var format: Format = .html

    @OptionGroup var compose: ComposeOptions

    @Option(name: .customLong("max-attachment-mb"), help: "The largest attachment accepted, in MB.")
    var maximumAttachmentMegabytes: Int = 25

    @OptionGroup var channelOptions: ChannelOptions

    @Flag(help: "Fixed Date, and Message-ID and boundaries derived from the content: the same input gives the same bytes.")
    var deterministic = false

    @Option(help: "Write here instead of standard output ('-'), atomically: a failure leaves the file that was there untouched. A folder, a read-only file and the files this command reads are refused.")
    var output: String?

    func validate() throws {
        if input != "-" && inputOptions.inputFormat == nil {
            let ext = URL(fileURLWithPath: input).pathExtension.lowercased()
            guard ["md", "markdown", "txt", "html", "htm"].contains(ext) else {
                throw ValidationError("cannot read '\(input)': unsupported input type '.\(ext)'; expected Markdown (.md, .markdown, .txt) or editor HTML (.html, .htm), or say --input-format")
            }
        }
        if channelOptions.voiceNote && channel != .whatsapp {
            throw ValidationError("--voice-note is for --channel whatsapp; \(channel.rawValue) has no voice notes")
        }
        if channel == .sms || channel == .whatsapp {
            guard format == .text || format == .json else {
                throw ValidationError("--channel \(channel.rawValue) renders as text or json, not \(format.rawValue)")
            }
            return
        }
        guard (1...2048).contains(maximumAttachmentMegabytes) else { throw ValidationError("--max-attachment-mb takes 1 to 2048, not \(maximumAttachmentMegabytes)") }
    }

    func run() throws {
        let request = try compose.emailRequest()
        let draft = try inputOptions.draft(input, examplesByDefault: true)
        if let template = draft.template, !template.channels.contains(where: { $0.rawValue == channel.rawValue }) {
            throw fail("template \(template.templateName) is for \(template.channels.map(\.rawValue).joined(separator: ", ")), not \(channel.rawValue) (its channels: list)",
                       status: ExitStatus.badInput)
        }
        if channel == .sms {
            try renderSMS(draft, request: request)
            return
        }
        if channel == .whatsapp {
            try renderWhatsApp(draft, request: request)
            return
        }
        switch format {
        case .html, .text:
            let email = Herald.renderEmail(draft, request: request)
            for warning in email.warnings { warn(warning.message) }
            try emit(draft, request) { sink in try sink.write(format == .html ? email.html : email.text) }
        case .eml, .json:
            // Checked here, not in validate(): the sender may come from the --request file or
            // the template, which are read only now (and whose errors are their own).
            try ComposeOptions.checkAddressed(draft.completing(request), purpose: "--format \(format.rawValue)")
            try composeAndWrite(draft, request: request)
        }
    }

    private func composeAndWrite(_ draft: Draft, request: EmailRequest) throws {
        var policy = AttachmentPolicy.email
        policy.maximumSize = maximumAttachmentMegabytes * 1024 * 1024
        let composed: (message: EmailMessage, warnings: [RenderWarning])
        let identity: MessageIdentity
        do {
            composed = try Herald.composeEmail(draft, request: request, loader: AttachmentLoader(policy: policy))
            if deterministic {
                identity = try MessageIdentity.deterministic(for: composed.message)
            } else {
                var random = SystemRandomNumberGenerator()
                let now = MessageDate(secondsSince1970: Int64(Date().timeIntervalSince1970),
                                      utcOffsetMinutes: TimeZone.current.secondsFromGMT() / 60)
                identity = MessageIdentity.unique(for: composed.message, now: now, using: &random)
            }
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        for warning in composed.warnings { warn(warning.message) }
        if format == .json {
            let report = MessageReport(message: composed.message, identity: identity)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let json = try encoder.encode(report)
            try emit(draft, request) { sink in
                try sink.write([UInt8](json))
                try sink.write("\n")
            }
        } else {
            try emit(draft, request) { sink in try MIMEWriter().write(composed.message, identity: identity, to: &sink) }
        }
    }

    /// SMS: plain text, its encoding and segments; attachments refused before anything is made.
    private func renderSMS(_ draft: Draft, request: EmailRequest) throws {
        let report = try channelOptions.sms(draft.smsDocument, request: request)
        for warning in report.warnings { warn(warning) }
        try emit(draft, request) { sink in try sink.write(format == .text ? report.text + "\n" : report.json) }
    }

    /// WhatsApp: the message as the customer sees it, or the Cloud API request body. A template
    /// send is checked against its definition; a free-form send against the 24-hour window.
    private func renderWhatsApp(_ draft: Draft, request: EmailRequest) throws {
        guard request.attachments.isEmpty else {
            // A media message's body names the id its upload returns, so only `send` can make it.
            throw fail("herald render cannot show WhatsApp media messages before their upload (\(request.attachments.joined(separator: ", "))); "
                       + "use herald send --channel whatsapp --attach, or render the text alone", status: ExitStatus.badInput)
        }
        let message = try channelOptions.whatsapp(draft, request: request, needsRequestBody: format == .json)
        try emit(draft, request) { sink in try sink.write(format == .text ? message.text + "\n" : message.body ?? "") }
    }

    /// Streams the output to standard output, or atomically to `--output` (see `AtomicFile`: a
    /// failure leaves the file that was there untouched; a folder, a read-only file and the
    /// files this command reads are refused before anything is written).
    private func emit(_ draft: Draft, _ request: EmailRequest, _ body: (inout FileDescriptorSink) throws -> Void) throws {
        do {
            if let output, output != "-" {
                let read = inputOptions.filesRead(by: input, draft: draft, request: request) + compose.filesNamed
                    + [channelOptions.whatsappTemplate].compactMap { $0 }
                try AtomicFile.write(to: output, inputs: read, body)
            } else {
                var sink = FileDescriptorSink(STDOUT_FILENO, path: "standard output")
                try body(&sink)
                try sink.flush()
            }
        } catch let error as AttachmentError {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        } catch {
            throw fail(String(describing: error), status: ExitStatus.ioError)
        }
    }
}

/// `--format json`: the SMTP envelope and the MIME structure of the message.
struct MessageReport: Encodable {
    struct EnvelopeReport: Encodable {
        var mailFrom: String
        var rcptTo: [String]
        var smtputf8: Bool
    }

    var envelope: EnvelopeReport
    var messageID: String
    var date: String
    var structure: PartDescription

    init(message: EmailMessage, identity: MessageIdentity) {
        let envelope = message.envelope
        self.envelope = EnvelopeReport(mailFrom: envelope.mailFrom.addrSpec, rcptTo: envelope.recipients.map(\.addrSpec),
                                       smtputf8: message.needsSMTPUTF8)
        messageID = identity.messageID.description
        date = identity.date.description
        structure = MIMEWriter().structure(of: message, identity: identity)
    }
}
