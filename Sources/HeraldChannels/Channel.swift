import HeraldDocument
import HeraldMIME

/// A channel's implementation: the checks of a message's outline before anything is made, and
/// the rendering of a document as the channel's reader sees it. Addressing, composing and
/// delivery are the `Composer`'s and the transports' (module Herald, HeraldDelivery).
public protocol Channel: Sendable {
    var id: ChannelID { get }

    /// Refuses what the channel cannot carry (attachments on SMS, copies outside email, a voice
    /// note outside WhatsApp...), saying what to change.
    func validate(_ outline: MessageOutline) throws

    /// The document as this channel shows it.
    func render(_ document: Document, options: ChannelRenderOptions) -> ChannelRendering
}

extension Channel {
    public var capabilities: ChannelCapabilities { id.capabilities }

    /// The checks every messaging channel shares, from its capabilities.
    func validateByCapabilities(_ outline: MessageOutline) throws {
        let capabilities = id.capabilities
        if !capabilities.carriesMessages {
            throw ChannelError(reason: "a phone interaction carries no message or attachment; write by email, SMS or WhatsApp, or call the customer")
        }
        if !capabilities.attachments && !outline.attachments.isEmpty {
            throw ChannelError(reason: "an SMS carries no attachments (\(outline.attachments.joined(separator: ", "))); put a link to the file in the text, or send it by email")
        }
        if !capabilities.copies && !(outline.cc.isEmpty && outline.bcc.isEmpty) {
            throw ChannelError(reason: "\(id) has no Cc or Bcc; give every recipient as a To", category: .usage)
        }
        if !capabilities.voiceNotes && outline.voiceNote {
            throw ChannelError(reason: "\(id) has no voice notes; they are for WhatsApp", category: .usage)
        }
    }
}

/// What a message on a channel will carry, as the request states it: enough to refuse what the
/// channel cannot take before anything is read, rendered or uploaded.
public struct MessageOutline: Equatable, Sendable {
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    /// Attachment file names or paths.
    public var attachments: [String]
    public var voiceNote: Bool

    public init(to: [String] = [], cc: [String] = [], bcc: [String] = [], attachments: [String] = [], voiceNote: Bool = false) {
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.attachments = attachments
        self.voiceNote = voiceNote
    }
}

/// How a document is rendered, for every channel (each reads its own part).
public struct ChannelRenderOptions: Sendable {
    public var email: EmailRenderOptions
    /// The email's colours (a template layout's, or Herald's).
    public var theme: EmailTheme
    public var sms: SMSOptions

    public init(email: EmailRenderOptions = EmailRenderOptions(), theme: EmailTheme = EmailTheme(), sms: SMSOptions = SMSOptions()) {
        self.email = email
        self.theme = theme
        self.sms = sms
    }
}

/// A document as a channel shows it.
public struct ChannelRendering: Sendable {
    /// What the reader reads as text: the email's plain-text alternative, the SMS, the WhatsApp
    /// message (empty for the phone).
    public var text: String
    /// The email's HTML part (email only).
    public var html: String?
    /// The SMS's encoding and segments (SMS only).
    public var sms: SMSReport?
    public var warnings: [String]

    public init(text: String, html: String? = nil, sms: SMSReport? = nil, warnings: [String] = []) {
        self.text = text
        self.html = html
        self.sms = sms
        self.warnings = warnings
    }
}

/// A message a channel cannot carry: says what to change.
public struct ChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    /// `.input` for what the message carries (an attachment on SMS), `.usage` for what the
    /// request asks of the channel (copies, a voice note).
    public var category: HeraldError.Category
    public var description: String { reason }

    public init(reason: String, category: HeraldError.Category = .input) {
        self.reason = reason
        self.category = category
    }
}

extension ChannelError: CategorizedError {}
extension CompositionError: CategorizedError { public var category: HeraldError.Category { .input } }
extension WhatsAppError: CategorizedError { public var category: HeraldError.Category { .input } }
extension WhatsAppMediaMessageError: CategorizedError { public var category: HeraldError.Category { .input } }
extension PhoneNumberError: CategorizedError { public var category: HeraldError.Category { .input } }
