import Foundation
import Herald

/// What the "New" dialog sends: the channel, the campaign, whom to write or call, and the first
/// message (none for the phone).
public struct StartInteraction: Sendable {
    /// Give one to make the start safe to repeat (a client retrying after a lost answer): the
    /// same ID starts the interaction once and enqueues its first message once. Nil: a new ID.
    public var id: String?
    public var channel: ChannelID
    public var campaign: String
    /// Email: one or more addresses. SMS, WhatsApp and the phone: the customer's number.
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    /// Email: the subject of the thread.
    public var subject: String?
    /// An existing customer's ID; nil finds the customer by the first address or number, or
    /// makes one.
    public var customer: String?
    /// The name of a customer made by this start.
    public var customerName: String?
    public var message: OutgoingMessage?

    public init(id: String? = nil, channel: ChannelID, campaign: String, to: [String], cc: [String] = [], bcc: [String] = [],
                subject: String? = nil, customer: String? = nil, customerName: String? = nil, message: OutgoingMessage? = nil) {
        self.id = id
        self.channel = channel
        self.campaign = campaign
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.customer = customer
        self.customerName = customerName
        self.message = message
    }
}

/// A message an agent writes in an interaction: a text (a Markdown or editor-HTML document, or a
/// filled Herald template — any `Draft`) or, on WhatsApp, one of the campaign's approved
/// templates with its values; attachments; a voice note on WhatsApp.
public struct OutgoingMessage: Sendable {
    /// Give one to make sending safe to repeat: the same ID stores and enqueues the message
    /// once. Nil: a new ID.
    public var id: String?
    public var draft: Draft?
    /// An approved WhatsApp template of the campaign, by name, and its values.
    public var template: String?
    /// Body values in order, or `name=value` for a named template.
    public var parameters: [String]
    public var headerParameter: String?
    public var buttonParameters: [String]
    /// Email: the subject (default: the interaction's; in a reply, its with one `Re:`).
    public var subject: String?
    /// Email: the copies (default: the interaction's; in a reply to the customer, everyone
    /// else their last message went to — `ReplyDefaults`). An empty list sends no copies.
    public var cc: [String]?
    /// File paths.
    public var attachments: [String]
    /// WhatsApp: the audio attachment goes as a voice note (Ogg Opus).
    public var voiceNote: Bool

    public init(id: String? = nil, draft: Draft? = nil, template: String? = nil, parameters: [String] = [], headerParameter: String? = nil,
                buttonParameters: [String] = [], subject: String? = nil, cc: [String]? = nil, attachments: [String] = [], voiceNote: Bool = false) {
        self.id = id
        self.draft = draft
        self.template = template
        self.parameters = parameters
        self.headerParameter = headerParameter
        self.buttonParameters = buttonParameters
        self.subject = subject
        self.cc = cc
        self.attachments = attachments
        self.voiceNote = voiceNote
    }

    /// A text message.
    public static func text(_ markdown: String, id: String? = nil, attachments: [String] = []) throws -> OutgoingMessage {
        OutgoingMessage(id: id, draft: try Draft.markdown(Array(markdown.utf8)), attachments: attachments)
    }

    /// An approved WhatsApp template with its values.
    public static func template(_ name: String, parameters: [String] = [], id: String? = nil) -> OutgoingMessage {
        OutgoingMessage(id: id, template: name, parameters: parameters)
    }

    /// Exactly one of a text and a template.
    func checkContent() throws {
        switch (draft, template) {
        // Files alone (a photo, a voice note) are a message; the draft is then empty.
        case (nil, nil) where !attachments.isEmpty: break
        case (nil, nil): throw InboxError(.input, "the message is empty; give its text, a template or a file", field: "message")
        case (.some, .some): throw InboxError(.input, "a message is a text or an approved template, not both", field: "message")
        default: break
        }
    }
}
