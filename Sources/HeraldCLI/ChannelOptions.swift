import ArgumentParser
import Foundation
import Herald

/// The SMS and WhatsApp options, shared by `herald render` and `herald send`, and the one place
/// their payloads are built and checked (before anything is written or enqueued).
struct ChannelOptions: ParsableArguments {
    @Flag(help: "SMS: replace typographic characters (curly quotes, dashes, ellipsis...) with GSM look-alikes, and report what changed.")
    var transliterate = false

    @Option(name: .customLong("country-code"), help: "SMS and WhatsApp: the calling code for numbers written without one (e.g. 34).")
    var countryCode: String?

    @Option(name: .customLong("whatsapp-template"), help: "WhatsApp: an approved template's definition (JSON) to send instead of free-form text.")
    var whatsappTemplate: String?

    // Template values are free text ("-5", "-20%"): taken as they come, like ComposeOptions' text.
    @Option(name: .customLong("param"), parsing: .unconditionalSingleValue, help: "WhatsApp template: a body value (repeatable, in order), or name=value for named parameters.")
    var parameters: [String] = []

    @Option(name: .customLong("header-param"), parsing: .unconditional, help: "WhatsApp template: the header's value (text, or the https link of its media).")
    var headerParameter: String?

    @Option(name: .customLong("button-param"), parsing: .unconditionalSingleValue, help: "WhatsApp template: the variable suffix of a URL button (repeatable, in order).")
    var buttonParameters: [String] = []

    @Option(name: .customLong("last-inbound"), help: "WhatsApp: when the customer last wrote (Unix seconds); free-form messages need one within 24 hours.")
    var lastInbound: Double?

    @Option(name: .customLong("max-segments"), help: "SMS: warn when the message needs more segments than this.")
    var maximumSegments: Int = 3

    @Flag(name: .customLong("voice-note"), help: "WhatsApp: send the audio attachments as voice notes (they must be Ogg Opus).")
    var voiceNote = false

    /// WhatsApp: every attachment checked (real type, size, Opus) before anything is uploaded.
    func whatsappMedia(_ request: EmailRequest) throws -> [WhatsAppMedia] {
        if !request.attachments.isEmpty && whatsappTemplate != nil {
            throw fail("a WhatsApp template carries its media in its header (--header-param with an https link), not as --attach",
                       status: ExitStatus.usage)
        }
        do {
            let media = try request.attachments.map { path in
                let checked = try WhatsAppMedia.check(path: path)
                return voiceNote && checked.kind == .audio ? try WhatsAppMedia.check(path: path, voiceNote: true) : checked
            }
            if voiceNote && !media.contains(where: \.isVoiceNote) {
                throw fail("--voice-note needs an Ogg Opus audio attachment (--attach FILE.ogg)", status: ExitStatus.usage)
            }
            for item in media { for warning in item.warnings { warn(warning) } }
            return media
        } catch let error as AttachmentError {
            throw fail(error.description, status: ExitStatus.badInput)
        }
    }

    /// The SMS report; attachments refused.
    func sms(_ document: Document, request: EmailRequest) throws -> SMSReport {
        do {
            try HeraldChannels.Channel.sms.checkAttachments(request.attachments)
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        return Herald.renderSMS(document, transliterate: transliterate, maximumSegments: maximumSegments)
    }

    /// The SMS recipients as E.164 numbers (one or several).
    func phoneNumbers(_ request: EmailRequest) throws -> [PhoneNumber] {
        let raw = request.to.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard !raw.isEmpty else { throw fail("give at least one --to phone number, like +34612345678", status: ExitStatus.usage) }
        let numbers: [PhoneNumber]
        do {
            numbers = try raw.map { try PhoneNumber($0, defaultCountryCode: countryCode) }
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        // "+34612345678" and "612 345 678" are the same number.
        return onePerRecipient(zip(numbers, raw).map { ($0, $0.e164, "'\($1)'") })
    }

    /// WhatsApp's one recipient: a phone number, or a business-scoped user ID (`US.1349…`).
    func whatsappRecipient(_ request: EmailRequest) throws -> WhatsAppRecipient {
        let raw = request.to.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let recipients: [WhatsAppRecipient]
        do {
            recipients = try raw.map { try WhatsAppRecipient($0, defaultCountryCode: countryCode) }
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        // Two spellings of one number are one recipient (said, as for SMS).
        let unique = onePerRecipient(zip(recipients, raw).map { ($0, $0.description, "'\($1)'") })
        guard unique.count == 1, let recipient = unique.first else {
            throw fail("WhatsApp needs exactly one --to: a phone number like +34612345678 or a business-scoped user ID like US.13491208655302741918",
                       status: ExitStatus.usage)
        }
        return recipient
    }

    /// The WhatsApp message: what the customer reads and, when `needsRequestBody`, the Cloud API
    /// request body for its one recipient (a free-form message must be inside the 24-hour window).
    func whatsapp(_ draft: Draft, request: EmailRequest, needsRequestBody: Bool) throws -> (text: String, body: String?, to: WhatsAppRecipient?) {
        let templatePart: FilledWhatsApp?
        do {
            templatePart = whatsappTemplate == nil ? try draft.template?.whatsapp() : nil
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        if let part = templatePart {
            // A template's own WhatsApp part: the approved template filled from the data.
            let recipient = needsRequestBody ? try whatsappRecipient(request) : nil
            do {
                try part.validate()
            } catch {
                throw fail("template \(draft.template?.templateName ?? ""): \(error)", status: ExitStatus.badInput)
            }
            return (part.text, recipient.map { part.message(to: $0).json }, recipient)
        }
        if let whatsappTemplate {
            let template = try JSONFile.read(WhatsAppTemplate.self, at: URL(fileURLWithPath: whatsappTemplate), what: "WhatsApp template",
                                             expected: "an approved template: {\"name\", \"language\", \"category\", \"parameter_format\", \"header\", \"body\", \"footer\", \"buttons\"}")
            let phone = try whatsappRecipient(request)
            var message = WhatsAppTemplateMessage(template: template, recipient: phone, headerValue: headerParameter, buttonValues: buttonParameters)
            if template.parameterFormat == .named {
                message.namedValues = parameters.map { parameter in
                    let parts = parameter.split(separator: "=", maxSplits: 1)
                    return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
                }
            } else {
                message.bodyValues = parameters
            }
            do {
                try message.validate()
            } catch {
                throw fail(String(describing: error), status: ExitStatus.badInput)
            }
            return (message.renderedBody, message.json, phone)
        }
        let text = WhatsAppTextRenderer().render(draft.document)
        if text.count > WhatsAppTextRenderer.maximumLength {
            warn("the WhatsApp text is \(text.count) characters; free-form messages carry at most \(WhatsAppTextRenderer.maximumLength)")
        }
        guard needsRequestBody else { return (text, nil, nil) }
        let phone = try whatsappRecipient(request)
        do {
            try CustomerServiceWindow(lastInbound: lastInbound).checkFreeForm(at: Date().timeIntervalSince1970)
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        return (text, WhatsAppTextMessage(recipient: phone, body: text).json, phone)
    }
}
