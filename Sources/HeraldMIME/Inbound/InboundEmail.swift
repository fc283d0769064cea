import Foundation

/// What Herald understood of one received email: decoded headers, the MIME tree, the bodies,
/// the files, and the verdicts the inbox acts on (a bounce, an auto-reply, the quoted history).
/// Made by `InboundEmailParser`; a value, with no tie to GMime once made.
///
/// Its JSON form (`herald inbound FILE --dry-run --format json`) has these keys, always present,
/// `null` when there is nothing (dates ISO 8601 in UTC, IDs without angle brackets):
///
/// ```
/// { "subject": "Re: Order 10482", "date": "2026-11-30T10:15:00Z",
///   "from": {"name": "Ana Pérez", "address": "ana@example.com"}, "sender": null,
///   "to": [{"name": null, "address": "support@example.com"}], "cc": [], "replyTo": [],
///   "messageID": "abc@mail.example.com", "inReplyTo": ["x@herald"], "references": ["x@herald"],
///   "automationHeaders": {"autoSubmitted": null, "precedence": null, "returnPath": "<ana@example.com>", …},
///   "structure": {"contentType": "multipart/mixed", "children": [ … InboundPart … ]},
///   "text": "Thanks!\n\nOn … wrote:\n> …", "html": null,
///   "quotedHistory": {"text": {"new": "Thanks!\n\n", "quoted": "On … wrote:\n> …", "marker": "on-wrote"}, "html": null},
///   "attachments": [{"filename": "photo.jpg", "declaredType": "image/jpeg", "sniffedType": "image/jpeg",
///                    "size": 48213, "sha256": "…", "contentID": null, "isInline": false, …}],
///   "deliveryStatus": null, "autoReply": null,
///   "warnings": ["the multipart/mixed part has no closing boundary: the message is truncated"] }
/// ```
public struct InboundEmail: Codable, Equatable, Sendable {
    /// The decoded Subject (RFC 2047 words, raw UTF-8 or Latin-1 bytes all end as UTF-8).
    public var subject: String?
    /// The Date header; nil when absent or unreadable (a warning says which).
    public var date: Date?
    /// The first From address (a message with several authors is rare; `sender` names who sent it).
    public var from: InboundAddress?
    public var sender: InboundAddress?
    /// Mailboxes of To, Cc and Reply-To; a group's members are listed in its place.
    public var to: [InboundAddress]
    public var cc: [InboundAddress]
    public var replyTo: [InboundAddress]
    public var messageID: String?
    /// In-Reply-To's IDs (usually one; old clients wrote several).
    public var inReplyTo: [String]
    public var references: [String]
    public var automationHeaders: AutomationHeaders
    /// The MIME tree; nil only when the input holds no message at all (empty input).
    public var structure: InboundPart?
    /// The plain-text body in UTF-8, from its declared charset. Nil when the message has only
    /// an HTML body (the inbox then reads the text from the HTML). Several inline text parts
    /// (Apple Mail's text–image–text) are joined with a newline.
    public var text: String?
    /// The HTML body in UTF-8, exactly as sent: not sanitized (the inbox's HTMLReader does that).
    public var html: String?
    public var quotedHistory: QuotedHistory
    /// Attachments and inline images, in document order.
    public var attachments: [InboundAttachment]
    /// Set when the message is a delivery status notification (a bounce).
    public var deliveryStatus: DeliveryStatusReport?
    /// Set when a program answered for a person; never set on a bounce.
    public var autoReply: AutoReplyVerdict?
    /// What was wrong with the input and how it was read anyway: a truncated multipart, bad
    /// base64, raw 8-bit headers, an unknown charset. LF-only line ends are normal, no warning.
    public var warnings: [String]

    public init(subject: String? = nil, date: Date? = nil, from: InboundAddress? = nil, sender: InboundAddress? = nil,
                to: [InboundAddress] = [], cc: [InboundAddress] = [], replyTo: [InboundAddress] = [], messageID: String? = nil,
                inReplyTo: [String] = [], references: [String] = [], automationHeaders: AutomationHeaders = AutomationHeaders(),
                structure: InboundPart? = nil, text: String? = nil, html: String? = nil, quotedHistory: QuotedHistory = QuotedHistory(),
                attachments: [InboundAttachment] = [], deliveryStatus: DeliveryStatusReport? = nil, autoReply: AutoReplyVerdict? = nil,
                warnings: [String] = []) {
        self.subject = subject
        self.date = date
        self.from = from
        self.sender = sender
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.automationHeaders = automationHeaders
        self.structure = structure
        self.text = text
        self.html = html
        self.quotedHistory = quotedHistory
        self.attachments = attachments
        self.deliveryStatus = deliveryStatus
        self.autoReply = autoReply
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case subject, date, from, sender, to, cc, replyTo, messageID, inReplyTo, references, automationHeaders, structure
        case text, html, quotedHistory, attachments, deliveryStatus, autoReply, warnings
    }

    // Written by hand for two reasons: every key is present (null when empty), so an operator's
    // `jq .deliveryStatus` never guesses; and the date is ISO 8601 whatever the encoder's
    // date strategy is.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subject, forKey: .subject)
        try container.encode(date.map { $0.formatted(.iso8601) }, forKey: .date)
        try container.encode(from, forKey: .from)
        try container.encode(sender, forKey: .sender)
        try container.encode(to, forKey: .to)
        try container.encode(cc, forKey: .cc)
        try container.encode(replyTo, forKey: .replyTo)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(inReplyTo, forKey: .inReplyTo)
        try container.encode(references, forKey: .references)
        try container.encode(automationHeaders, forKey: .automationHeaders)
        try container.encode(structure, forKey: .structure)
        try container.encode(text, forKey: .text)
        try container.encode(html, forKey: .html)
        try container.encode(quotedHistory, forKey: .quotedHistory)
        try container.encode(attachments, forKey: .attachments)
        try container.encode(deliveryStatus, forKey: .deliveryStatus)
        try container.encode(autoReply, forKey: .autoReply)
        try container.encode(warnings, forKey: .warnings)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        if let text = try container.decodeIfPresent(String.self, forKey: .date) {
            guard let parsed = try? Date(text, strategy: .iso8601) else {
                throw DecodingError.dataCorruptedError(forKey: .date, in: container, debugDescription: "not an ISO 8601 date: \(text)")
            }
            date = parsed
        } else {
            date = nil
        }
        from = try container.decodeIfPresent(InboundAddress.self, forKey: .from)
        sender = try container.decodeIfPresent(InboundAddress.self, forKey: .sender)
        to = try container.decodeIfPresent([InboundAddress].self, forKey: .to) ?? []
        cc = try container.decodeIfPresent([InboundAddress].self, forKey: .cc) ?? []
        replyTo = try container.decodeIfPresent([InboundAddress].self, forKey: .replyTo) ?? []
        messageID = try container.decodeIfPresent(String.self, forKey: .messageID)
        inReplyTo = try container.decodeIfPresent([String].self, forKey: .inReplyTo) ?? []
        references = try container.decodeIfPresent([String].self, forKey: .references) ?? []
        automationHeaders = try container.decodeIfPresent(AutomationHeaders.self, forKey: .automationHeaders) ?? AutomationHeaders()
        structure = try container.decodeIfPresent(InboundPart.self, forKey: .structure)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        html = try container.decodeIfPresent(String.self, forKey: .html)
        quotedHistory = try container.decodeIfPresent(QuotedHistory.self, forKey: .quotedHistory) ?? QuotedHistory()
        attachments = try container.decodeIfPresent([InboundAttachment].self, forKey: .attachments) ?? []
        deliveryStatus = try container.decodeIfPresent(DeliveryStatusReport.self, forKey: .deliveryStatus)
        autoReply = try container.decodeIfPresent(AutoReplyVerdict.self, forKey: .autoReply)
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }

    /// A JSON encoder for this shape as the CLI prints it: pretty, keys sorted, slashes unescaped.
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
