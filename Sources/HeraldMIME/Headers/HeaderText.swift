/// Text destined for a header (a subject, a custom header's value): refused at construction if
/// it holds CR, LF or NUL, so no value can ever start a header line of its own. Encoding and
/// folding happen later, in `HeaderWriter`, and never need to escape anything.
public struct HeaderText: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String, field: String) throws {
        if let bad = value.unicodeScalars.first(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            let name = bad == "\r" ? "a carriage return (CR)" : bad == "\n" ? "a line feed (LF)" : "a NUL byte"
            throw HeaderError(field: field, value: value, reason: "contains \(name); a header value is one line of text")
        }
        self.value = value
    }

    public var description: String { value }
}

/// A header field name: printable ASCII except ':' (RFC 5322 §2.2), at most 76 characters so
/// `Name: ` leaves room on a 78-column line.
public struct HeaderName: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) throws {
        guard !value.isEmpty, value.utf8.count <= 76,
              value.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") }) else {
            throw HeaderError(field: "header name", value: value,
                              reason: "a header name is 1 to 76 printable ASCII characters without spaces or ':' (like X-Ticket-ID)")
        }
        self.value = value
    }

    public var description: String { value }
}

/// A header the caller adds (`X-Ticket-ID: 4821`). Names Herald writes itself are refused so
/// that a custom header can never duplicate or override From, Bcc, Content-Type and the like.
public struct CustomHeader: Hashable, Sendable {
    public let name: HeaderName
    public let value: HeaderText

    /// Lowercased names of the headers Herald manages.
    public static let reservedNames: Set<String> = [
        "from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "in-reply-to",
        "references", "mime-version", "list-unsubscribe", "list-unsubscribe-post", "feedback-id", "auto-submitted",
        "content-type", "content-transfer-encoding",
        "content-disposition", "content-id", "return-path", "received",
    ]

    public init(name: String, value: String) throws {
        let headerName = try HeaderName(name)
        let lowered = name.lowercased()
        if Self.reservedNames.contains(lowered) || lowered.hasPrefix("content-") {
            throw HeaderError(field: "header name", value: name,
                              reason: "\(name) is written by Herald from the message itself; set it with its own option instead of a custom header")
        }
        self.name = headerName
        self.value = try HeaderText(value, field: "header \(name)")
    }

    /// Parses `Name: value`.
    public init(line: String) throws {
        guard let colon = line.firstIndex(of: ":") else {
            throw HeaderError(field: "header", value: line, reason: "expected \"Name: value\"")
        }
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        try self.init(name: String(line[..<colon]), value: String(value))
    }
}

/// A refused header input: names the field and quotes the value with controls made visible.
public struct HeaderError: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var reason: String

    public var description: String {
        "invalid \(field) \"\(AddressSyntax.printable(value))\": \(reason)"
    }
}
