/// Who a message is from and to, and the headers that place it in a thread or a list. Every
/// input is already a validated type (`EmailAddress`, `HeaderText`, `MessageID`, `CustomHeader`),
/// so nothing here can carry a line break into the header section.
public struct MessageHeaders: Equatable, Sendable {
    public var from: EmailAddress
    public var to: [AddressListEntry]
    public var cc: [AddressListEntry]
    /// Envelope only: never written into the message.
    public var bcc: [EmailAddress]
    public var replyTo: [EmailAddress]
    public var subject: HeaderText?
    /// The message this one answers, and the thread it belongs to (replies within an interaction).
    public var inReplyTo: [MessageID]
    public var references: [MessageID]
    /// RFC 2369 targets (`https:` or `mailto:` URLs).
    public var listUnsubscribe: [UnsubscribeTarget]
    public var customHeaders: [CustomHeader]
    /// `Feedback-ID` (Gmail's feedback loop: `campaign:customer:type:sender`), signed with DKIM.
    public var feedbackID: HeaderText?
    /// `Auto-Submitted: auto-generated` (RFC 3834): written by a program, not a person, so
    /// vacation responders and other automatic replies stay quiet.
    public var autoSubmitted: Bool

    public init(from: EmailAddress, to: [AddressListEntry] = [], cc: [AddressListEntry] = [], bcc: [EmailAddress] = [],
                replyTo: [EmailAddress] = [], subject: HeaderText? = nil, inReplyTo: [MessageID] = [],
                references: [MessageID] = [], listUnsubscribe: [UnsubscribeTarget] = [], customHeaders: [CustomHeader] = [],
                feedbackID: HeaderText? = nil, autoSubmitted: Bool = false) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.subject = subject
        self.inReplyTo = inReplyTo
        self.references = references
        self.listUnsubscribe = listUnsubscribe
        self.customHeaders = customHeaders
        self.feedbackID = feedbackID
        self.autoSubmitted = autoSubmitted
    }

    /// The References field as written: RFC 5322 §3.6.4 has it end with the parent's Message-ID,
    /// so the In-Reply-To IDs missing from `references` follow them. Given only the parent's
    /// Message-ID (`--in-reply-to` alone), it is that ID, which threads the reply in clients
    /// that read References only.
    public var threadReferences: [MessageID] {
        references + inReplyTo.filter { !references.contains($0) }
    }
}
