import Foundation

/// The one step from a draft to what a channel shows or delivers, for every caller: the CLI,
/// the server, the samples and the tests. The clock and the generator of Message-IDs and
/// boundaries are injected, so the same draft gives the same bytes when they are fixed.
///
/// - `render(_:for:request:format:)`: what a channel shows (email HTML, its text, the whole
///   message or its structure; the SMS text or its segments; the WhatsApp text or request body),
///   for previews and golden files.
/// - `outbound(_:request:)`: the messages to store and deliver, every check done — the channel's,
///   every address, every attachment, every template value — before anything is stored.
public struct Composer: Sendable {
    /// Now, for the Date header and WhatsApp's 24-hour window.
    public var clock: @Sendable () -> Date
    /// Message-IDs and MIME boundaries.
    public var identities: any IdentityGenerator
    /// The time zone of the Date header.
    public var timeZone: TimeZone
    /// What an email attachment may be (types, size).
    public var attachmentPolicy: AttachmentPolicy
    /// The DKIM keys an email is signed with when its From domain has one (`outbound` signs;
    /// `render` shows the message unsigned).
    public var dkim: DKIMKeyring

    public init(clock: @escaping @Sendable () -> Date = { Date() }, identities: any IdentityGenerator = RandomIdentities(),
                timeZone: TimeZone = .current, attachmentPolicy: AttachmentPolicy = .email, dkim: DKIMKeyring = DKIMKeyring()) {
        self.clock = clock
        self.identities = identities
        self.timeZone = timeZone
        self.attachmentPolicy = attachmentPolicy
        self.dkim = dkim
    }

    /// Golden files: a fixed Date, and Message-IDs and boundaries derived from the content.
    public static var deterministic: Composer { Composer(identities: DeterministicIdentities()) }

    /// What `channel` shows of `draft` in `format`. Nothing is stored or sent.
    public func render(_ draft: Draft, for channel: ChannelID, request: MessageRequest = MessageRequest(), format: RenderFormat) throws -> Rendered {
        var request = request
        request.channel = channel
        let (draft, _) = try Self.readingText(draft, request, verb: "renders")
        try check(draft, request, verb: "renders")
        return try composition(for: channel).render(draft, request: request, format: format, composer: self)
    }

    /// The messages `request` asks for (an SMS to several numbers is one; a WhatsApp text with
    /// two files may be three), ready to store; nothing is stored or sent yet.
    public func outbound(_ draft: Draft, request: MessageRequest) throws -> Composition {
        let (draft, request) = try Self.readingText(draft, request, verb: "sends")
        try check(draft, request, verb: "sends")
        return try composition(for: request.channel).outbound(draft, request: request, composer: self)
    }

    /// What every channel checks first: the template is for this channel, the channel can carry
    /// what the request asks, the draft's own plain text has a part to go in.
    private func check(_ draft: Draft, _ request: MessageRequest, verb: String) throws {
        if draft.plainText != nil { try Self.checkPlainTextAlternative(for: request.channel, verb: verb) }
        if let template = draft.template, !template.channels.contains(request.channel) {
            throw HeraldError(.input, "template \(template.templateName) is for \(template.channels.map(\.rawValue).joined(separator: ", ")), not \(request.channel) (its channels: list)")
        }
        try request.channel.channel.validate(request.outline)
    }

    /// The request's `text` file read into the draft, once (a bulk send reads it once for every
    /// line), unless the draft has its own; the request no longer names it.
    static func readingText(_ draft: Draft, _ request: MessageRequest, verb: String) throws -> (Draft, MessageRequest) {
        guard let file = request.text else { return (draft, request) }
        try checkPlainTextAlternative(for: request.channel, named: "the request's text file", verb: verb)
        var draft = draft
        var request = request
        request.text = nil
        if draft.plainText == nil { draft.plainText = try Draft.plainText(reading: URL(fileURLWithPath: file)) }
        return (draft, request)
    }

    /// Refuses an author's plain-text alternative for a channel that has none
    /// (`ChannelCapabilities.plainTextAlternative`): SMS and WhatsApp send the text rendered from
    /// the input. `name` is what the caller calls the alternative (the CLI passes its flag);
    /// `verb` what it does with the input ("renders", "sends").
    public static func checkPlainTextAlternative(for channel: ChannelID, named name: String = "the draft's own plain text",
                                                 verb: String = "renders") throws {
        guard !channel.capabilities.plainTextAlternative else { return }
        throw HeraldError(.usage, "\(name) is an email's plain-text alternative; \(channel) \(verb) its own text from the input")
    }

    private func composition(for channel: ChannelID) -> any ChannelComposition {
        switch channel {
        case .email: return EmailComposition()
        case .sms: return SMSComposition()
        case .whatsapp: return WhatsAppComposition()
        case .phone: return PhoneComposition()
        }
    }

    /// The Date header's value now.
    var now: MessageDate {
        let date = clock()
        return MessageDate(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)),
                           utcOffsetMinutes: timeZone.secondsFromGMT(for: date) / 60)
    }
}

/// What a render writes.
public enum RenderFormat: String, Sendable, CaseIterable {
    /// The email's HTML part.
    case html
    /// The email's plain-text alternative; the SMS or WhatsApp text.
    case text
    /// The whole email message.
    case eml
    /// The email's envelope and MIME structure; the SMS's encoding and segments; the WhatsApp
    /// request body.
    case json
}

/// What a channel shows, ready to write; `warnings` are for the author (a UCS-2 SMS, an image
/// without alt text).
public struct Rendered: Sendable {
    public enum Content: Sendable {
        case text(String)
        /// Text as pieces of UTF-8, written one after the other: a large email HTML or text
        /// part is never copied into one String.
        case utf8([[UInt8]])
        /// A whole email, written as it streams (an attachment is never held whole), DKIM-signed
        /// when there is a signer for its From domain.
        case message(EmailMessage, MessageIdentity, DKIMSigner?)
    }

    public var content: Content
    public var warnings: [String]

    public init(content: Content, warnings: [String] = []) {
        self.content = content
        self.warnings = warnings
    }

    public func write<Sink: ByteSink>(to sink: inout Sink) throws {
        switch content {
        case .text(let text): try sink.write(text)
        case .utf8(let chunks): for chunk in chunks { try sink.write(chunk) }
        case .message(let message, let identity, let signer): try MIMEWriter().write(message, identity: identity, signer: signer, to: &sink)
        }
    }

    /// Writes the output to `path`, atomically (a failure leaves the file that was there
    /// untouched; none of `inputs`, the files that made it, is ever written over), or to
    /// standard output when `path` is nil or "-".
    public func write(toPath path: String?, inputs: [String]) throws {
        if let path, path != "-" {
            try AtomicFile.write(to: path, inputs: inputs) { sink in try write(to: &sink) }
        } else {
            var sink = FileDescriptorSink(STDOUT_FILENO, path: "standard output")
            try write(to: &sink)
            try sink.flush()
        }
    }

    /// The whole output in memory.
    public var bytes: [UInt8] {
        get throws {
            var buffer = ByteBuffer()
            try write(to: &buffer)
            return buffer.bytes
        }
    }

    /// The output as text (a message is decoded as UTF-8).
    public var text: String {
        get throws { String(decoding: try bytes, as: UTF8.self) }
    }
}

/// The messages of one request, and what the author should know.
public struct Composition: Sendable {
    public var outbounds: [Outbound]
    public var warnings: [String]

    public init(outbounds: [Outbound], warnings: [String] = []) {
        self.outbounds = outbounds
        self.warnings = warnings
    }
}

/// What each channel does with a draft and a request (one type per channel, chosen by
/// `Composer`; nothing outside this folder switches on a channel).
protocol ChannelComposition: Sendable {
    func render(_ draft: Draft, request: MessageRequest, format: RenderFormat, composer: Composer) throws -> Rendered
    func outbound(_ draft: Draft, request: MessageRequest, composer: Composer) throws -> Composition
}

extension ChannelComposition {
    /// The format a channel cannot write.
    func unsupported(_ format: RenderFormat, _ channel: ChannelID, supported: [RenderFormat]) -> HeraldError {
        HeraldError(.usage, "\(channel) renders as \(supported.map(\.rawValue).joined(separator: " or ")), not \(format.rawValue)")
    }
}

/// The phone carries no message: its channel check refuses every request first.
struct PhoneComposition: ChannelComposition {
    func render(_ draft: Draft, request: MessageRequest, format: RenderFormat, composer: Composer) throws -> Rendered {
        throw HeraldError(.usage, "a phone interaction carries no message; call the customer, or write by email, SMS or WhatsApp")
    }

    func outbound(_ draft: Draft, request: MessageRequest, composer: Composer) throws -> Composition {
        throw HeraldError(.usage, "a phone interaction carries no message; call the customer, or write by email, SMS or WhatsApp")
    }
}
