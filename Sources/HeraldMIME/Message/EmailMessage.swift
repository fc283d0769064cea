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

    public init(from: EmailAddress, to: [AddressListEntry] = [], cc: [AddressListEntry] = [], bcc: [EmailAddress] = [],
                replyTo: [EmailAddress] = [], subject: HeaderText? = nil, inReplyTo: [MessageID] = [],
                references: [MessageID] = [], listUnsubscribe: [UnsubscribeTarget] = [], customHeaders: [CustomHeader] = []) {
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
    }

    /// The References field as written: RFC 5322 §3.6.4 has it end with the parent's Message-ID,
    /// so the In-Reply-To IDs missing from `references` follow them. Given only the parent's
    /// Message-ID (`--in-reply-to` alone), it is that ID, which threads the reply in clients
    /// that read References only.
    public var threadReferences: [MessageID] {
        references + inReplyTo.filter { !references.contains($0) }
    }
}

/// Everything an email is made of before it is written: its headers and the rendered bodies
/// and files. The headers' fields read as the message's own (`message.from`, `message.bcc`).
@dynamicMemberLookup
public struct EmailMessage: Equatable, Sendable {
    public var headers: MessageHeaders
    /// The text/plain body (line breaks as LF or CRLF).
    public var text: String
    /// The text/html body, if any.
    public var html: String?
    /// Files: inline images (with a Content-ID) and attachments, in the order given.
    public var attachments: [Attachment]

    public init(headers: MessageHeaders, text: String, html: String? = nil, attachments: [Attachment] = []) {
        self.headers = headers
        self.text = text
        self.html = html
        self.attachments = attachments
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<MessageHeaders, Value>) -> Value {
        get { headers[keyPath: keyPath] }
        set { headers[keyPath: keyPath] = newValue }
    }

    /// MAIL FROM and RCPT TO: To ∪ Cc ∪ Bcc in that order, each recipient once.
    public var envelope: Envelope {
        var seen: Set<String> = []
        var recipients: [EmailAddress] = []
        for address in headers.to.flatMap(\.mailboxes) + headers.cc.flatMap(\.mailboxes) + headers.bcc
        where seen.insert(address.recipientKey).inserted {
            recipients.append(address)
        }
        return Envelope(mailFrom: headers.from, recipients: recipients)
    }

    /// A non-ASCII local part anywhere (sender or recipients) needs SMTPUTF8 and RFC 6532 headers.
    public var needsSMTPUTF8: Bool {
        ([headers.from] + headers.replyTo + headers.to.flatMap(\.mailboxes) + headers.cc.flatMap(\.mailboxes) + headers.bcc)
            .contains { $0.needsSMTPUTF8 }
    }
}

/// The SMTP envelope of a message.
public struct Envelope: Equatable, Sendable {
    public var mailFrom: EmailAddress
    public var recipients: [EmailAddress]

    public init(mailFrom: EmailAddress, recipients: [EmailAddress]) {
        self.mailFrom = mailFrom
        self.recipients = recipients
    }
}

/// A List-Unsubscribe target: an `https:`, `http:` or `mailto:` URL in printable ASCII, short
/// enough for a header line.
public struct UnsubscribeTarget: Hashable, Sendable, CustomStringConvertible {
    public let url: String

    /// A URL cannot be folded, so it must fit one line of 998 with ` <` before it and `>,`
    /// after it (it goes on a line of its own when long).
    public static let maximumLength = HeaderWriter.maximumLine - 4

    public init(validating url: String) throws {
        let lowered = url.lowercased()
        guard ["https:", "http:", "mailto:"].contains(where: { lowered.hasPrefix($0) }), url.utf8.count > 8,
              url.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: ",") }) else {
            throw HeaderError(field: "List-Unsubscribe URL", value: url,
                              reason: "expected an https: or mailto: URL in printable ASCII without spaces, commas or angle brackets")
        }
        guard url.utf8.count <= Self.maximumLength else {
            throw HeaderError(field: "List-Unsubscribe URL", value: url,
                              reason: "it is \(url.utf8.count) characters long; a header line holds at most \(HeaderWriter.maximumLine), so a List-Unsubscribe URL can have at most \(Self.maximumLength)")
        }
        self.url = url
    }

    public var description: String { "<\(url)>" }
}
