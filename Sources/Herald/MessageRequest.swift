import Foundation
import HeraldChannels
import HeraldDocument

/// A message as a person or a script states it — the channel, addresses and headers as text,
/// attachments as paths, the SMS and WhatsApp settings — turned into validated values by the
/// `Composer` in one place, so the CLI, the server and the samples agree on every rule and
/// every error message. Its JSON form (a `--request` file, a sample's `sample.json`) holds the
/// addressing and headers.
public struct MessageRequest: Equatable, Sendable, Codable {
    /// The channel the message is for.
    public var channel: ChannelID = .email
    public var from: String?
    /// Each entry may itself be a list (`"a@x, B <b@y>"`).
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    public var replyTo: [String]
    public var subject: String?
    public var preheader: String?
    public var language: String?
    /// Attachment file paths (relative ones are resolved against `baseDirectory`).
    public var attachments: [String]
    /// Extra headers, `Name: value`.
    public var headers: [String]
    public var inReplyTo: [String]
    public var references: [String]
    public var listUnsubscribe: [String]
    /// Email: the `Feedback-ID` header's value.
    public var feedbackID: String?
    /// Email: `Auto-Submitted: auto-generated` when true (a bulk send's default).
    public var autoSubmitted: Bool?
    /// Email: a UTF-8 file that is the plain-text alternative, instead of the one rendered from
    /// the draft (relative paths are resolved like attachments).
    public var text: String?
    /// The calling code for phone numbers written without one (SMS, WhatsApp), e.g. "34".
    public var countryCode: String?
    public var sms = SMSOptions()
    public var whatsapp = WhatsAppOptions()
    /// Who an SMS or WhatsApp message is from, when not the provider account's default: the
    /// SMS number (E.164, or an alphanumeric sender ID) or the WhatsApp business phone number
    /// ID. (An email's sender is `from`.) The inbox sets each campaign's own.
    public var senderID: String?
    /// The same key stores (and sends) the message once.
    public var idempotencyKey: String?
    /// Email: the Message-ID to write (without angle brackets) instead of a generated one — the
    /// inbox's replies carry a `ReplyToken` in theirs, so the customer's answer finds its
    /// interaction. Not part of the JSON form.
    public var messageID: String?

    public init(from: String? = nil, to: [String] = [], cc: [String] = [], bcc: [String] = [], replyTo: [String] = [],
                subject: String? = nil, preheader: String? = nil, language: String? = nil, attachments: [String] = [],
                headers: [String] = [], inReplyTo: [String] = [], references: [String] = [], listUnsubscribe: [String] = [],
                feedbackID: String? = nil, autoSubmitted: Bool? = nil, text: String? = nil) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.subject = subject
        self.preheader = preheader
        self.language = language
        self.attachments = attachments
        self.headers = headers
        self.inReplyTo = inReplyTo
        self.references = references
        self.listUnsubscribe = listUnsubscribe
        self.feedbackID = feedbackID
        self.autoSubmitted = autoSubmitted
        self.text = text
    }

    private enum CodingKeys: String, CodingKey {
        case from, to, cc, bcc, replyTo, subject, preheader, language, attachments, headers, inReplyTo, references, listUnsubscribe
        case feedbackID, autoSubmitted, text
    }

    /// Any key, to find the ones a request does not know.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        // A misspelt key ("attachements", "BCC") would send the message without that
        // attachment or recipient: refused, naming the key and the ones that exist.
        let known = Set(["from", "to", "cc", "bcc", "replyTo", "subject", "preheader", "language", "attachments", "headers", "inReplyTo",
                         "references", "listUnsubscribe", "feedbackID", "autoSubmitted", "text"])
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        if let first = unknown.first {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: [AnyKey(stringValue: first)],
                debugDescription: "unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); a request has \(known.sorted().joined(separator: ", "))"))
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys) throws -> [String] { try container.decodeIfPresent([String].self, forKey: key) ?? [] }
        self.init(from: try container.decodeIfPresent(String.self, forKey: .from), to: try list(.to), cc: try list(.cc),
                  bcc: try list(.bcc), replyTo: try list(.replyTo), subject: try container.decodeIfPresent(String.self, forKey: .subject),
                  preheader: try container.decodeIfPresent(String.self, forKey: .preheader),
                  language: try container.decodeIfPresent(String.self, forKey: .language), attachments: try list(.attachments),
                  headers: try list(.headers), inReplyTo: try list(.inReplyTo), references: try list(.references),
                  listUnsubscribe: try list(.listUnsubscribe), feedbackID: try container.decodeIfPresent(String.self, forKey: .feedbackID),
                  autoSubmitted: try container.decodeIfPresent(Bool.self, forKey: .autoSubmitted),
                  text: try container.decodeIfPresent(String.self, forKey: .text))
    }

    /// What a request file holds, for error messages.
    public static let expectedJSON = "an object with \"subject\", \"preheader\", \"language\", \"from\" (strings) and \"to\", \"cc\", \"bcc\", "
        + "\"replyTo\", \"attachments\", \"headers\", \"inReplyTo\", \"references\", \"listUnsubscribe\" (lists of strings), "
        + "\"feedbackID\" (a string), \"text\" (a plain-text file's path) and \"autoSubmitted\" (true or false)"

    /// A request file (a sample's `sample.json` format); errors name the file and what in its
    /// JSON is wrong.
    public static func read(at url: URL) throws -> MessageRequest {
        try JSONFile.read(MessageRequest.self, at: url, what: "request", expected: expectedJSON)
    }

    public var renderOptions: EmailRenderOptions {
        EmailRenderOptions(title: subject, preheader: preheader, language: language)
    }

    /// What the channel checks before anything is read or rendered.
    public var outline: MessageOutline {
        MessageOutline(to: to, cc: cc, bcc: bcc, attachments: attachments, voiceNote: whatsapp.voiceNote)
    }

    /// The recipients as given, each entry split at commas (phone numbers, WhatsApp IDs).
    public var recipientList: [String] {
        to.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    /// Validates every address and header input.
    public func addressing() throws -> EmailChannel.Addressing {
        guard let from else {
            throw CompositionError(reason: "the message has no sender; give a From address")
        }
        func entries(_ values: [String], _ field: String) throws -> [AddressListEntry] {
            try values.flatMap { try AddressParser.parseList($0, field: field) }
        }
        func ids(_ values: [String], _ field: String) throws -> [MessageID] {
            try values.flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "," }) }.map { try MessageID(validating: String($0), field: field) }
        }
        return EmailChannel.Addressing(
            from: try EmailAddress(validating: from, field: "From address"),
            to: try entries(to, "To address"), cc: try entries(cc, "Cc address"),
            bcc: try entries(bcc, "Bcc address").flatMap(\.mailboxes),
            replyTo: try entries(replyTo, "Reply-To address").flatMap(\.mailboxes),
            subject: try subject.map { try HeaderText($0, field: "subject") },
            inReplyTo: try ids(inReplyTo, "In-Reply-To message ID"), references: try ids(references, "References message ID"),
            listUnsubscribe: try listUnsubscribe.map(UnsubscribeTarget.init(validating:)),
            customHeaders: try headers.map(CustomHeader.init(line:)),
            feedbackID: try feedbackID.map { try HeaderText($0, field: "Feedback-ID") }, autoSubmitted: autoSubmitted ?? false)
    }

    /// Loads and checks every attachment (libmagic against the policy).
    public func loadAttachments(relativeTo baseDirectory: URL? = nil, loader: AttachmentLoader = AttachmentLoader()) throws -> [Attachment] {
        try attachments.map { path in
            var resolved = path
            if let baseDirectory, !path.hasPrefix("/") { resolved = baseDirectory.appendingPathComponent(path).path }
            return try loader.load(path: resolved, filename: URL(fileURLWithPath: path).lastPathComponent)
        }
    }
}

/// How a WhatsApp message is made.
public struct WhatsAppOptions: Equatable, Sendable {
    /// An approved template to send instead of free-form text, and its values.
    public var template: WhatsAppTemplate?
    /// Body values in order, or `name=value` for a named template.
    public var parameters: [String]
    public var headerParameter: String?
    public var buttonParameters: [String]
    /// When the customer last wrote (Unix seconds): free-form messages need one within 24 hours.
    public var lastInbound: Double?
    /// Audio attachments go as voice notes (they must be Ogg Opus).
    public var voiceNote: Bool

    public init(template: WhatsAppTemplate? = nil, parameters: [String] = [], headerParameter: String? = nil, buttonParameters: [String] = [],
                lastInbound: Double? = nil, voiceNote: Bool = false) {
        self.template = template
        self.parameters = parameters
        self.headerParameter = headerParameter
        self.buttonParameters = buttonParameters
        self.lastInbound = lastInbound
        self.voiceNote = voiceNote
    }

    /// The template message for `recipient`, its values filled, not yet checked.
    func templateMessage(_ template: WhatsAppTemplate, to recipient: WhatsAppRecipient) -> WhatsAppTemplateMessage {
        var message = WhatsAppTemplateMessage(template: template, recipient: recipient, headerValue: headerParameter, buttonValues: buttonParameters)
        if template.parameterFormat == .named {
            message.namedValues = parameters.map { parameter in
                let parts = parameter.split(separator: "=", maxSplits: 1)
                return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
            }
        } else {
            message.bodyValues = parameters
        }
        return message
    }
}

extension MessageRequest {
    /// The request with its relative paths (attachments, the text file) taken from `folder`: a
    /// request file's paths are relative to the file, not to wherever the command runs.
    public func resolvingPaths(against folder: URL) -> MessageRequest {
        var resolved = self
        resolved.attachments = attachments.map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).path }
        resolved.text = text.map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).path }
        return resolved
    }

    /// `other` stated on top of this request, as options are on top of a `--request` file: its
    /// single values replace these where it has them, its lists extend these. The rest (the
    /// channel, the SMS and WhatsApp settings, the sender ID, the idempotency key) is this one's.
    public func extended(by other: MessageRequest) -> MessageRequest {
        var merged = self
        merged.from = other.from ?? from
        merged.subject = other.subject ?? subject
        merged.preheader = other.preheader ?? preheader
        merged.language = other.language ?? language
        merged.to += other.to
        merged.cc += other.cc
        merged.bcc += other.bcc
        merged.replyTo += other.replyTo
        merged.attachments += other.attachments
        merged.headers += other.headers
        merged.inReplyTo += other.inReplyTo
        merged.references += other.references
        merged.listUnsubscribe += other.listUnsubscribe
        merged.feedbackID = other.feedbackID ?? feedbackID
        merged.autoSubmitted = other.autoSubmitted ?? autoSubmitted
        merged.text = other.text ?? text
        return merged
    }
}
