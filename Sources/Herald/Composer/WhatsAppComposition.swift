import Foundation

/// WhatsApp, to one customer: the template's own WhatsApp part (an approved template filled from
/// the data), an approved template given with the request, or free-form text inside the 24-hour
/// window; files as media messages, the text riding as the first one's caption when it fits.
struct WhatsAppComposition: ChannelComposition {
    func render(_ draft: Draft, request: MessageRequest, format: RenderFormat, composer: Composer) throws -> Rendered {
        guard format == .text || format == .json else { throw unsupported(format, .whatsapp, supported: [.text, .json]) }
        guard request.attachments.isEmpty else {
            // A media message's body names the id its upload returns: only a send can make it.
            throw HeraldError(.input, "WhatsApp media messages cannot be shown before their upload (\(request.attachments.joined(separator: ", "))); send them, or render the text alone")
        }
        let message = try message(draft, request: request, composer: composer, needsRequestBody: format == .json)
        return Rendered(content: .text(format == .text ? message.text + "\n" : message.body ?? ""), warnings: message.warnings)
    }

    func outbound(_ draft: Draft, request: MessageRequest, composer: Composer) throws -> Composition {
        let media = try Self.media(request)
        let sender = try ProviderSender.of(request)
        let message = try message(draft, request: request, composer: composer, needsRequestBody: true)
        guard let recipient = message.recipient else { throw HeraldError(.usage, Self.oneRecipient) }
        let key = request.idempotencyKey
        guard !media.isEmpty else {
            let outbound = Outbound(channel: .whatsapp, sender: sender, recipients: [recipient.description],
                                    payload: .bytes(Array((message.body ?? "").utf8)), idempotencyKey: key)
            return Composition(outbounds: [outbound], warnings: message.warnings + media.flatMap(\.media.warnings))
        }
        // The text rides as the first file's caption when it fits (≤ 1,024 characters, on an
        // image, video or document); otherwise it goes first as its own message.
        let trimmed = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let captionFits = !trimmed.isEmpty && trimmed.count <= WhatsAppMediaMessage.captionLimit
            && [.image, .video, .document].contains(media[0].media.kind)
        var outbounds: [Outbound] = []
        if !trimmed.isEmpty && !captionFits {
            outbounds.append(Outbound(channel: .whatsapp, sender: sender, recipients: [recipient.description],
                                      payload: .bytes(Array((message.body ?? "").utf8))))
        }
        for (index, item) in media.enumerated() {
            let plan = MediaPlan(path: item.path, media: item.media, recipient: recipient, caption: index == 0 && captionFits ? trimmed : nil)
            // The message is checked now (its caption), before any upload.
            let placeholder: WhatsAppMediaMessage
            do {
                placeholder = try plan.message(mediaID: "0")
            } catch {
                throw HeraldError(.input, "\(item.media.filename): \(error)")
            }
            var fingerprint: String?
            if key != nil {
                // A retried send uploads again and gets a new id: the same message is the body
                // with a placeholder id, plus the file's bytes.
                let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: item.path)))
                fingerprint = Outbox.contentHash(Array(placeholder.json.utf8) + file, sender: sender, recipients: [recipient.description])
            }
            outbounds.append(Outbound(channel: .whatsapp, sender: sender, recipients: [recipient.description],
                                      payload: .media(plan), fingerprint: fingerprint))
        }
        // One key, several messages: each gets its own (the text and its media are stored together).
        if let key {
            for index in outbounds.indices { outbounds[index].idempotencyKey = outbounds.count > 1 ? "\(key)#\(index + 1)" : key }
        }
        return Composition(outbounds: outbounds, warnings: message.warnings + media.flatMap(\.media.warnings))
    }

    private static let oneRecipient = "WhatsApp needs exactly one recipient: a phone number like +34612345678 or a business-scoped user ID like US.13491208655302741918"

    /// What the customer reads and, when `needsRequestBody`, the Cloud API request body for the
    /// one recipient.
    private struct Message {
        var text: String
        var body: String?
        var recipient: WhatsAppRecipient?
        var warnings: [String]
    }

    private func message(_ draft: Draft, request: MessageRequest, composer: Composer, needsRequestBody: Bool) throws -> Message {
        let options = request.whatsapp
        if !request.attachments.isEmpty && options.template != nil {
            throw HeraldError(.usage, "an approved WhatsApp template carries its media in its header (a header value with an https link), not as attachments")
        }
        if options.template == nil, let part = try draft.template?.whatsapp() {
            // A template's own WhatsApp part: the approved template filled from the data.
            let (recipient, warnings) = needsRequestBody ? try Self.recipient(request) : (nil, [])
            do {
                try part.validate()
            } catch {
                throw HeraldError(.input, "template \(draft.template?.templateName ?? ""): \(error)")
            }
            return Message(text: part.text, body: recipient.map { part.message(to: $0).json }, recipient: recipient, warnings: warnings)
        }
        if let template = options.template {
            let (recipient, warnings) = try Self.recipient(request)
            let message = options.templateMessage(template, to: recipient)
            try message.validate()
            return Message(text: message.renderedBody, body: message.json, recipient: recipient, warnings: warnings)
        }
        let rendering = WhatsAppChannel().render(draft.document, options: ChannelRenderOptions())
        guard needsRequestBody else { return Message(text: rendering.text, warnings: rendering.warnings) }
        let (recipient, warnings) = try Self.recipient(request)
        try CustomerServiceWindow(lastInbound: options.lastInbound).checkFreeForm(at: composer.clock().timeIntervalSince1970)
        return Message(text: rendering.text, body: WhatsAppTextMessage(recipient: recipient, body: rendering.text).json, recipient: recipient,
                       warnings: rendering.warnings + warnings)
    }

    /// The one recipient: a phone number, or a business-scoped user ID (`US.1349…`); two
    /// spellings of one number are one recipient (said, as for SMS).
    private static func recipient(_ request: MessageRequest) throws -> (WhatsAppRecipient, [String]) {
        let raw = request.recipientList
        let recipients = try raw.map { try WhatsAppRecipient($0, defaultCountryCode: request.countryCode) }
        let (unique, warnings) = OnePerRecipient.keep(zip(recipients, raw).map { ($0, $0.description, "'\($1)'") })
        guard unique.count == 1, let recipient = unique.first else { throw HeraldError(.usage, oneRecipient) }
        return (recipient, warnings)
    }

    /// Every attachment checked (real type, size, Opus for a voice note) before anything is
    /// uploaded.
    private static func media(_ request: MessageRequest) throws -> [(path: String, media: WhatsAppMedia)] {
        let voiceNote = request.whatsapp.voiceNote
        let media = try request.attachments.map { path in
            let checked = try WhatsAppMedia.check(path: path)
            return (path, voiceNote && checked.kind == .audio ? try WhatsAppMedia.check(path: path, voiceNote: true) : checked)
        }
        if voiceNote && !media.contains(where: \.1.isVoiceNote) {
            throw HeraldError(.usage, "a voice note needs an Ogg Opus audio attachment (a .ogg file)")
        }
        return media
    }
}
