import Foundation

/// Email: the draft in its layout and colours, addressed and assembled as a MIME message.
struct EmailComposition: ChannelComposition {
    func render(_ draft: Draft, request: MessageRequest, format: RenderFormat, composer: Composer) throws -> Rendered {
        switch format {
        case .html, .text:
            // Only the part asked for is kept, as pieces (`renderUTF8`): at the input limit the
            // other part and a String copy of this one were a third of the memory. The text's
            // warnings are the HTML's (its size), so for text the HTML is rendered and dropped.
            let request = draft.completing(request)
            let options = draft.renderOptions(request)
            let renderer = EmailHTMLRenderer(theme: draft.theme)
            if format == .html {
                let html = renderer.renderUTF8(draft.document, options: options)
                return Rendered(content: .utf8(html.utf8), warnings: html.warnings.map(\.message))
            }
            let warnings = renderer.renderUTF8(draft.document, options: options).warnings.map(\.message)
            if let text = try draft.ownPlainText(request) { return Rendered(content: .text(text), warnings: warnings) }
            return Rendered(content: .utf8(EmailTextRenderer().renderUTF8(draft.document, options: options)), warnings: warnings)
        case .eml, .json:
            try Self.checkAddressed(draft.completing(request), purpose: "a whole message (\(format.rawValue))")
            let composed = try message(draft, request: request, composer: composer)
            let identity = try Self.identity(for: composed.message, request: request, composer: composer)
            let warnings = composed.warnings.map(\.message)
            // Signed as `outbound` signs, so what is rendered is what would be sent (and
            // `herald dkim verify` can check it offline).
            let signer = composer.dkim.signer(for: composed.message.from.asciiDomain)
            guard format == .json else { return Rendered(content: .message(composed.message, identity, signer), warnings: warnings) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let json = try encoder.encode(MessageReport(message: composed.message, identity: identity))
            return Rendered(content: .text(String(decoding: json, as: UTF8.self) + "\n"), warnings: warnings)
        }
    }

    func outbound(_ draft: Draft, request: MessageRequest, composer: Composer) throws -> Composition {
        // A missing sender or recipient is the message's own fault here (CompositionError).
        _ = try ProviderSender.of(request)  // an SMS/WhatsApp sender ID given to an email is a mistake, said
        let composed = try message(draft, request: request, composer: composer)
        let message = composed.message
        // Signed here, once: a retried message is the stored bytes, so it keeps this signature.
        let bytes = try MIMEWriter().bytes(of: message, identity: try Self.identity(for: message, request: request, composer: composer),
                                           signer: composer.dkim.signer(for: message.from.asciiDomain))
        // The same request composed again differs only in Date and Message-ID: the content
        // hash of the deterministic identity tells whether it is really the same message.
        let fingerprint = request.idempotencyKey == nil ? nil : try MessageIdentity.deterministic(for: message).messageID.value
        let envelope = message.envelope
        let outbound = Outbound(channel: .email, sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec),
                                payload: .bytes(bytes), smtputf8: message.needsSMTPUTF8, idempotencyKey: request.idempotencyKey,
                                fingerprint: fingerprint)
        return Composition(outbounds: [outbound], warnings: composed.warnings.map(\.message) + Self.repeatedRecipients(message))
    }

    /// The draft + request as a message: the template's subject, sender, layout, unsubscribe
    /// link and attachments where the request leaves them out.
    private func message(_ draft: Draft, request: MessageRequest, composer: Composer) throws -> (message: EmailMessage, warnings: [RenderWarning]) {
        try Herald.composeEmail(draft, request: request, loader: AttachmentLoader(policy: composer.attachmentPolicy))
    }

    /// The composer's identity for the message, with the request's own Message-ID when it has one.
    private static func identity(for message: EmailMessage, request: MessageRequest, composer: Composer) throws -> MessageIdentity {
        var identity = try composer.identities.identity(for: message, at: composer.now)
        if let id = request.messageID { identity.messageID = try MessageID(validating: id, field: "Message-ID") }
        return identity
    }

    /// A message needs a sender and a recipient (the request completed by the template).
    static func checkAddressed(_ request: MessageRequest, purpose: String) throws {
        guard request.from != nil else {
            throw HeraldError(.usage, "\(purpose) needs a sender: give a From address (or a template's from:)")
        }
        guard !(request.to.isEmpty && request.cc.isEmpty && request.bcc.isEmpty) else {
            throw HeraldError(.usage, "\(purpose) needs a recipient: give at least one To, Cc or Bcc address")
        }
    }

    /// The envelope holds each recipient once; the sender is told which were given twice.
    static func repeatedRecipients(_ message: EmailMessage) -> [String] {
        let named = message.headers.to.flatMap(\.mailboxes).map { ($0, "To") } + message.headers.cc.flatMap(\.mailboxes).map { ($0, "Cc") }
            + message.headers.bcc.map { ($0, "Bcc") }
        return OnePerRecipient.keep(named.map { ($0, $0.recipientKey, $1) }).warnings
    }
}
