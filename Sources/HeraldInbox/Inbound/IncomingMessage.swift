import Foundation
import HeraldChannels

/// A message from a customer as any channel brings it in — an email (`IncomingMessage(email:)`,
/// from `herald inbound` or the IMAP poll), a WhatsApp webhook, an SMS callback — in one shape,
/// so `Inbox.receive` threads and stores every channel's the same way.
public struct IncomingMessage: Sendable, Equatable {
    public var channel: ChannelID
    /// Where it arrived: the addresses it was written to (email: To and Cc, and the envelope's
    /// recipient when the MTA gives it), the SMS number, WhatsApp's phone number ID. The
    /// campaign whose sender is one of them owns a new conversation.
    public var receivedBy: [String]
    /// Email: the subject.
    public var subject: String?
    /// The IDs of the messages it answers, nearest first — email: In-Reply-To, then
    /// References from the newest; WhatsApp: the `context` message it replies to.
    public var replyingTo: [String]
    /// What is stored with the interaction.
    public var content: Interaction.Message.Inbound

    public init(channel: ChannelID, receivedBy: [String], subject: String? = nil, replyingTo: [String] = [], content: Interaction.Message.Inbound) {
        self.channel = channel
        self.receivedBy = receivedBy
        self.subject = subject
        self.replyingTo = replyingTo
        self.content = content
    }
}

extension Interaction.Message {
    /// What a customer wrote, as stored: who, to whom, the text (new part and folded history),
    /// the sanitized HTML to show, the files.
    public struct Inbound: Codable, Sendable, Equatable {
        /// The provider's ID for it — the email's Message-ID (without angle brackets),
        /// WhatsApp's `wamid…`, the SMS's `MessageSid`: the same ID received twice is stored
        /// once, and a reply to it threads here.
        public var externalID: String
        /// An addr-spec or an E.164 number.
        public var from: String
        /// The campaign sender it arrived at (an addr-spec, a number, a WhatsApp phone number
        /// ID), set by `Inbox.receive`: WhatsApp's 24-hour window is per customer and number.
        public var receivedBy: String?
        public var fromName: String?
        /// Email: where the customer asks replies to go (Reply-To), when not `from`.
        public var replyTo: [String]
        /// Email: its To and Cc as written (addr-specs): the reply's Cc comes from them.
        public var to: [String]
        public var cc: [String]
        /// Email: its References and its own Message-ID — what a reply's References continue.
        public var references: [String]
        /// The new text, whole (the message's `summary` is its first 500 characters).
        public var text: String
        /// The quoted history under the new text (`> ` lines, "On … wrote:", Outlook's
        /// separator…): folded away in the view, kept whole here.
        public var quoted: String?
        /// The new part as sanitized HTML (Herald's HTML reader, then the editor's HTML
        /// writer: only the document model's elements, no script, no style sheet), when the
        /// customer wrote HTML; and its quoted history the same way.
        public var html: String?
        public var quotedHTML: String?
        public var files: [File]
        /// Why it is an automatic reply (an out-of-office, a vacation notice), when it is one:
        /// it is shown, but it never opens a conversation.
        public var autoReply: String?
        /// When the customer's side says it was sent (the Date header, the provider's
        /// timestamp); the message's `at` is when Herald received it.
        public var sentAt: Date?
        /// WhatsApp: what kind of message it was (text, image, location, reaction…).
        public var kind: String?

        public init(externalID: String, from: String, fromName: String? = nil, replyTo: [String] = [], to: [String] = [], cc: [String] = [], references: [String] = [],
                    text: String, quoted: String? = nil, html: String? = nil, quotedHTML: String? = nil, files: [File] = [], autoReply: String? = nil,
                    sentAt: Date? = nil, kind: String? = nil) {
            self.externalID = externalID
            self.from = from
            self.fromName = fromName
            self.replyTo = replyTo
            self.to = to
            self.cc = cc
            self.references = references
            self.text = text
            self.quoted = quoted
            self.html = html
            self.quotedHTML = quotedHTML
            self.files = files
            self.autoReply = autoReply
            self.sentAt = sentAt
            self.kind = kind
        }
    }

    /// A file a customer sent, stored under the data folder by its SHA-256: its type is what
    /// libmagic found in the bytes, not what the sender declared.
    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var mediaType: String
        public var size: Int
        /// Lower-case hex.
        public var sha256: String
        /// Email: the Content-ID an inline image is referred to by.
        public var contentID: String?

        public init(name: String, mediaType: String, size: Int, sha256: String, contentID: String? = nil) {
            self.name = name
            self.mediaType = mediaType
            self.size = size
            self.sha256 = sha256
            self.contentID = contentID
        }
    }
}
