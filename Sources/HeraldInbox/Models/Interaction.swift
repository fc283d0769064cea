import Foundation
import HeraldChannels

/// One conversation with a customer on one channel, in one campaign at a time: its state, who
/// has it, its messages, forms and category, and its history (every event, in order).
///
///     (start) ──► active ◄──take── pending ◄── transfer to a campaign ── active
///                   │  └─ transfer to an agent ─► active (theirs)
///                   └─finish─► finished ──close (categorized, mandatory form submitted)──► closed
///
/// `InteractionRules` is the only code that makes a new state from an old one.
public struct Interaction: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        /// In its campaign, nobody's yet: a member takes it.
        case pending
        /// An agent's, who talks with the customer.
        case active
        /// The conversation is over (no more messages); categorizing, forms and closing remain.
        case finished
        /// Done: nothing changes any more.
        case closed
    }

    public var id: String
    public var campaign: String
    public var channel: ChannelID
    /// The customer's ID.
    public var customer: String
    public var state: State
    /// The agent who has it: set exactly when it is active or finished.
    public var assignee: String?
    /// Where the messages go.
    public var contact: Contact
    /// A phone interaction's call.
    public var call: PhoneCall?
    public var category: String?
    /// Every submission, in order (a form submitted again keeps the earlier one).
    public var forms: [FormSubmission]
    /// The form the agent's screen shows open: the campaign's mandatory form, from the start (or
    /// the take) until it is submitted.
    public var openForm: String?
    /// When the customer last wrote (WhatsApp's 24-hour window); nil until inbound messages
    /// arrive (a later issue).
    public var lastInboundAt: Date?
    public var messages: [Message]
    /// The audit trail of this interaction, oldest first.
    public var history: [Event]
    public var createdAt: Date
    public var updatedAt: Date
    /// Counts the transitions stored: a change is stored only over the version it was made
    /// from, so two changes made at once cannot both win.
    public var version: Int

    public init(id: String, campaign: String, channel: ChannelID, customer: String, state: State, assignee: String?, contact: Contact,
                call: PhoneCall? = nil, category: String? = nil, forms: [FormSubmission] = [], openForm: String? = nil, lastInboundAt: Date? = nil,
                messages: [Message] = [], history: [Event] = [], createdAt: Date, updatedAt: Date, version: Int = 1) {
        self.id = id
        self.campaign = campaign
        self.channel = channel
        self.customer = customer
        self.state = state
        self.assignee = assignee
        self.contact = contact
        self.call = call
        self.category = category
        self.forms = forms
        self.openForm = openForm
        self.lastInboundAt = lastInboundAt
        self.messages = messages
        self.history = history
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// Messages can still be sent (or taken, or transferred): pending or active.
    public var isOpen: Bool { state == .pending || state == .active }

    public func hasSubmitted(_ form: String) -> Bool { forms.contains { $0.form == form } }

    /// Where a message of this interaction goes: the customer's number (E.164) for SMS,
    /// WhatsApp and the phone; email addresses, with copies and the subject, for email.
    public struct Contact: Codable, Sendable, Equatable {
        public var to: [String]
        public var cc: [String]
        public var bcc: [String]
        /// The email thread's subject.
        public var subject: String?

        public init(to: [String], cc: [String] = [], bcc: [String] = [], subject: String? = nil) {
            self.to = to
            self.cc = cc
            self.bcc = bcc
            self.subject = subject
        }
    }

    /// A phone interaction's call: the number as the customer has it, and what the switch dials
    /// after the campaign's dial rule. The call's own controls (mute, hold, transfer, keypad,
    /// park, conference, hang up) and their events belong here when a later issue adds them.
    public struct PhoneCall: Codable, Sendable, Equatable {
        /// E.164.
        public var number: String
        /// The digits dialled (`DialRule.dialString`).
        public var dialled: String

        public init(number: String, dialled: String) {
            self.number = number
            self.dialled = dialled
        }
    }

    /// What a tab lists: enough to show and open it, without its messages or history.
    public struct Summary: Codable, Sendable, Equatable {
        public var id: String
        public var campaign: String
        public var channel: ChannelID
        public var customer: String
        public var state: State
        public var assignee: String?
        /// The first recipient (an address or a number) and the email subject.
        public var to: String
        public var subject: String?
        public var createdAt: Date
        public var updatedAt: Date

        public init(id: String, campaign: String, channel: ChannelID, customer: String, state: State, assignee: String?, to: String,
                    subject: String?, createdAt: Date, updatedAt: Date) {
            self.id = id
            self.campaign = campaign
            self.channel = channel
            self.customer = customer
            self.state = state
            self.assignee = assignee
            self.to = to
            self.subject = subject
            self.createdAt = createdAt
            self.updatedAt = updatedAt
        }
    }

    public var summary: Summary {
        Summary(id: id, campaign: campaign, channel: channel, customer: customer, state: state, assignee: assignee, to: contact.to.first ?? "",
                subject: contact.subject, createdAt: createdAt, updatedAt: updatedAt)
    }
}
