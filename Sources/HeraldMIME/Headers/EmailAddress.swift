/// One mailbox: an optional display name and an address (RFC 5322 §3.4).
///
/// Made only by `AddressParser` (or `init(validating:)`), so every value is valid: its parts
/// hold no CR, LF or NUL and its domain has an ASCII form for SMTP. Header injection through an
/// address is impossible by construction.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The display name as a person reads it (quotes and encodings removed), if any.
    public let displayName: String?
    /// The local part, unquoted ("john.doe", or "john doe" for `"john doe"@x`).
    public let localPart: String
    /// The domain as given (Unicode for an IDN), lowercased.
    public let domain: String
    /// The domain for the wire: ASCII, IDN labels as `xn--` punycode.
    public let asciiDomain: String

    init(displayName: String?, localPart: String, domain: String, asciiDomain: String) {
        self.displayName = displayName
        self.localPart = localPart
        self.domain = domain
        self.asciiDomain = asciiDomain
    }

    /// Parses exactly one mailbox, e.g. `Ana Pérez <ana@example.com>`.
    public init(validating text: String, field: String = "address") throws {
        let entries = try AddressParser.parseList(text, field: field)
        guard entries.count == 1, case .mailbox(let mailbox) = entries[0] else {
            throw AddressError(input: text, field: field, reason: "expected exactly one address, found \(entries.count == 1 ? "a group" : "\(entries.count)")")
        }
        self = mailbox
    }

    /// A non-ASCII local part can only travel with SMTPUTF8 (RFC 6531); an IDN domain cannot
    /// force it, since it has an ASCII form.
    public var needsSMTPUTF8: Bool {
        localPart.unicodeScalars.contains { !$0.isASCII }
    }

    /// The address for SMTP envelopes and headers: the local part quoted when it is not a
    /// dot-atom, the domain in ASCII.
    public var addrSpec: String {
        AddressSyntax.wireLocalPart(localPart) + "@" + asciiDomain
    }

    /// Two addresses are the same recipient when local parts match exactly and domains match
    /// case-insensitively (RFC 5321 §2.4: only the domain is case-insensitive by rule).
    public var recipientKey: String {
        localPart + "@" + asciiDomain.lowercased()
    }

    public var description: String {
        if let displayName { return "\(displayName) <\(addrSpec)>" }
        return addrSpec
    }

    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        lhs.displayName == rhs.displayName && lhs.recipientKey == rhs.recipientKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(displayName)
        hasher.combine(recipientKey)
    }
}

/// An entry of an address list: a mailbox, or a named group of mailboxes (`Team: a@x, b@y;`).
public enum AddressListEntry: Equatable, Sendable {
    case mailbox(EmailAddress)
    case group(name: String, members: [EmailAddress])

    public var mailboxes: [EmailAddress] {
        switch self {
        case .mailbox(let address): return [address]
        case .group(_, let members): return members
        }
    }
}

/// A refused address: quotes it and says what is wrong.
public struct AddressError: Error, Equatable, Sendable, CustomStringConvertible {
    public var input: String
    public var field: String
    public var reason: String

    public var description: String {
        "invalid \(field) \"\(AddressSyntax.printable(input))\": \(reason)"
    }
}
