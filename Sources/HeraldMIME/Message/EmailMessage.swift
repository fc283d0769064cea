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

    /// An `https:` URL: the one kind RFC 8058's one-click POST goes to.
    public var isHTTPS: Bool { url.lowercased().hasPrefix("https:") }
}
