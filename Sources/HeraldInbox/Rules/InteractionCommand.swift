import Foundation
import HeraldChannels

/// What an agent asks of an interaction, as the rules read it: plain values, everything
/// composed or generated (IDs, a message's summary) already made by whoever applies it.
public enum InteractionCommand: Sendable, Equatable {
    case start(Start)
    case take
    case send(Interaction.Message)
    case transfer(to: TransferTarget, note: String?)
    case finish
    case categorize(String)
    case submitForm(form: String, values: [String: String])
    case close

    /// A new interaction, as the "New" dialog fills it.
    public struct Start: Sendable, Equatable {
        public var id: String
        public var campaign: String
        public var channel: ChannelID
        /// The customer's ID (an existing one, or the one made for this first contact).
        public var customer: String
        /// Email: one or more addresses. SMS, WhatsApp, phone: the customer's number.
        public var to: [String]
        public var cc: [String]
        public var bcc: [String]
        /// Email: the subject.
        public var subject: String?
        /// The first message (every channel but the phone).
        public var message: Interaction.Message?
        /// WhatsApp: when the customer last wrote to the campaign's number — within 24 hours,
        /// the conversation may open with a free-form message.
        public var lastInbound: Date?

        public init(id: String, campaign: String, channel: ChannelID, customer: String, to: [String], cc: [String] = [], bcc: [String] = [],
                    subject: String? = nil, message: Interaction.Message? = nil, lastInbound: Date? = nil) {
            self.id = id
            self.campaign = campaign
            self.channel = channel
            self.customer = customer
            self.to = to
            self.cc = cc
            self.bcc = bcc
            self.subject = subject
            self.message = message
            self.lastInbound = lastInbound
        }
    }

    /// The command's name in messages and tests ("categorize").
    public var name: String {
        switch self {
        case .start: return "start"
        case .take: return "take"
        case .send: return "send"
        case .transfer: return "transfer"
        case .finish: return "finish"
        case .categorize: return "categorize"
        case .submitForm: return "submit form"
        case .close: return "close"
        }
    }
}

/// Where a transfer sends an interaction: to an agent of its campaign (active for them), or to
/// another campaign (pending there).
public enum TransferTarget: Sendable, Equatable, Codable {
    case agent(String)
    case campaign(String)
}

/// What applying a command makes: the interaction before (nil for a start) and after, and the
/// events to add to the audit trail — stored together in one transaction.
public struct Transition: Sendable, Equatable {
    public var before: Interaction?
    public var after: Interaction
    public var events: [Interaction.Event]
    /// A customer first met by this start, stored with the interaction.
    public var newCustomer: Customer?

    public init(before: Interaction?, after: Interaction, events: [Interaction.Event], newCustomer: Customer? = nil) {
        self.before = before
        self.after = after
        self.events = events
        self.newCustomer = newCustomer
    }

    /// The messages this transition adds.
    public var addedMessages: [Interaction.Message] {
        let known = Set(before?.messages.map(\.id) ?? [])
        return after.messages.filter { !known.contains($0.id) }
    }
}
