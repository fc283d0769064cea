/// Parses RFC 5322 address lists (§3.4) with RFC 6532's UTF-8: display names as atoms or quoted
/// strings (commas inside quotes are fine), comments, quoted local parts, groups, IDN domains
/// converted to punycode. Obsolete syntax (routes, CFWS inside dot-atoms) is refused with a
/// message rather than guessed at.
///
/// Herald's address policy, stricter than RFC 5321/5322 where real mail systems are:
/// - domain literals (`user@[192.0.2.1]`, `user@[IPv6:2001:db8::1]`) are valid RFC 5321 but
///   refused: Herald relays through a provider to domain names, and a typed IP literal is far
///   more often a mistake or a phishing trick than a mailbox;
/// - dotless domains (`user@localhost`) are refused: no Internet mailbox has one (ICANN's
///   SAC053), so it can only be a typo;
/// - an empty quoted local part (`""@example.com`) is refused: allowed by the grammar, accepted
///   by no mailbox provider;
/// - the local part is at most 64 octets as written on the wire (quotes and backslashes
///   included, RFC 5321 §4.5.3.1.1), the whole address at most 254.
public enum AddressParser {
    public static func parseList(_ text: String, field: String = "address") throws -> [AddressListEntry] {
        var scanner = Scanner(text: text, field: field)
        try scanner.refuseControls()
        var entries: [AddressListEntry] = []
        try scanner.skipCFWS()
        if scanner.atEnd { throw scanner.error("no address given") }
        while true {
            entries.append(try scanner.address())
            try scanner.skipCFWS()
            if scanner.atEnd { break }
            guard scanner.take(",") else { throw scanner.error("expected ',' between addresses, found '\(scanner.peekCharacter)'") }
            try scanner.skipCFWS()
            // Tolerate a trailing comma ("a@x, "), as address fields typed by people have them.
            if scanner.atEnd { break }
        }
        return entries
    }

    /// Parses a list and returns its mailboxes, groups flattened.
    public static func parseMailboxes(_ text: String, field: String = "address") throws -> [EmailAddress] {
        try parseList(text, field: field).flatMap(\.mailboxes)
    }
}

private struct Scanner {
    let text: String
    let field: String
    let scalars: [Unicode.Scalar]
    var index = 0

    init(text: String, field: String) {
        self.text = text
        self.field = field
        scalars = Array(text.unicodeScalars)
    }

    var atEnd: Bool { index >= scalars.count }
    var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    var peekCharacter: String { peek.map { AddressSyntax.printable(String($0)) } ?? "end of input" }

    func error(_ reason: String) -> AddressError {
        AddressError(input: text, field: field, reason: reason)
    }

    mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        if peek == scalar {
            index += 1
            return true
        }
        return false
    }

    /// Folding white space and comments, which may appear between tokens.
    mutating func skipCFWS() throws {
        while let scalar = peek {
            if scalar == " " || scalar == "\t" {
                index += 1
            } else if scalar == "(" {
                try skipComment()
            } else {
                return
            }
        }
    }

    /// A comment, nested ones included. One left open would swallow the rest of the field (and
    /// another program may end it elsewhere), so it is refused rather than closed by guessing.
    private mutating func skipComment() throws {
        var depth = 0
        while let scalar = peek {
            index += 1
            switch scalar {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return }
            case "\\":
                guard peek != nil else { throw error("a comment ends with a lone '\\' (it escapes nothing)") }
                index += 1
            default: break
            }
        }
        throw error("a comment is not closed (missing ')')")
    }

    /// address = mailbox / group; mailbox = name-addr / addr-spec.
    mutating func address() throws -> AddressListEntry {
        let start = index
        // A bare addr-spec has an '@' before any '<' or ':' at this level; otherwise there is a
        // phrase first (display name or group name).
        if let phrase = try phraseIfPresent() {
            try skipCFWS()
            if take("<") {
                let address = try angleAddress(displayName: phrase)
                return .mailbox(address)
            }
            if take(":") {
                return try group(name: phrase)
            }
            // Not a phrase after all: re-read as an addr-spec ("john.doe@x" starts like a word).
            index = start
        }
        try skipCFWS()
        if take("<") { return .mailbox(try angleAddress(displayName: nil)) }
        let address = try addrSpec(displayName: nil)
        return .mailbox(address)
    }

    func refuseControls() throws {
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            throw error("contains the control character U+\(String(bad.value, radix: 16, uppercase: true).leftPadded(4)) (line breaks and NUL are never allowed in a header)")
        }
    }

    mutating func group(name: String) throws -> AddressListEntry {
        var members: [EmailAddress] = []
        try skipCFWS()
        if take(";") { return .group(name: name, members: []) }
        while true {
            try skipCFWS()
            guard case .mailbox(let member) = try address() else { throw error("a group cannot contain another group") }
            members.append(member)
            try skipCFWS()
            if take(";") { break }
            guard take(",") else { throw error("expected ',' or ';' in the group \"\(name)\", found '\(peekCharacter)'") }
        }
        return .group(name: name, members: members)
    }

    mutating func angleAddress(displayName: String?) throws -> EmailAddress {
        try skipCFWS()
        if peek == "@" { throw error("source routes (<@host:...>) are obsolete and not accepted") }
        let address = try addrSpec(displayName: displayName)
        try skipCFWS()
        guard take(">") else { throw error("missing '>' after the address") }
        return address
    }

    /// A display name or group name: one or more words (atoms, quoted strings), possibly with
    /// dots between them (obsolete but common: `J. Doe <j@x>`). Returns nil if what follows is
    /// not a phrase followed by '<' or ':'.
    mutating func phraseIfPresent() throws -> String? {
        let start = index
        var words: [String] = []
        while true {
            try skipCFWS()
            if peek == "\"" {
                words.append(try quotedString())
            } else if let word = atom(allowDots: true) {
                words.append(word)
            } else {
                break
            }
        }
        try skipCFWS()
        if words.isEmpty || (peek != "<" && peek != ":") {
            index = start
            return nil
        }
        return words.joined(separator: " ")
    }

    /// atext (RFC 5322 §3.2.3) plus any non-ASCII scalar (RFC 6532).
    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        if !scalar.isASCII { return scalar.value >= 0xA0 }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }

    mutating func atom(allowDots: Bool) -> String? {
        var result = String.UnicodeScalarView()
        while let scalar = peek, Self.isAtext(scalar) || (allowDots && scalar == ".") {
            result.append(scalar)
            index += 1
        }
        return result.isEmpty ? nil : String(result)
    }

    mutating func quotedString() throws -> String {
        guard take("\"") else { throw error("expected '\"'") }
        var result = String.UnicodeScalarView()
        while let scalar = peek {
            index += 1
            switch scalar {
            case "\"": return String(result)
            case "\\":
                guard let escaped = peek else { throw error("a quoted string ends with a lone '\\'") }
                result.append(escaped)
                index += 1
            default:
                result.append(scalar)
            }
        }
        throw error("a quoted string is not closed (missing '\"')")
    }

    /// `[192.0.2.1]`, `[IPv6:...]`: valid RFC 5321, refused by Herald's policy (see the type).
    mutating func domainLiteralError() -> AddressError {
        let start = index
        while let scalar = peek, scalar != "]", scalar != ">", scalar != ",", scalar != " " { index += 1 }
        var literal = String(String.UnicodeScalarView(scalars[start..<index]))
        guard take("]") else {
            return error("the domain literal \(literal) is not closed (missing ']'); Herald sends only to domain names (like example.com)")
        }
        literal += "]"
        return error("the domain literal \(literal) is valid RFC 5321 but not supported: Herald sends only to domain names (like example.com)")
    }

    mutating func addrSpec(displayName: String?) throws -> EmailAddress {
        try skipCFWS()
        let localPart: String
        if peek == "\"" {
            localPart = try quotedString()
            if localPart.isEmpty { throw error("the quoted local part is empty") }
        } else {
            guard let word = atom(allowDots: true) else {
                throw error(atEnd ? "missing the address" : "unexpected '\(peekCharacter)' where the address should start")
            }
            if word.hasPrefix(".") || word.hasSuffix(".") || word.contains("..") {
                throw error("the local part \"\(word)\" has a misplaced dot; quote it (\"\(word)\"@...) if it is really meant")
            }
            localPart = word
        }
        try skipCFWS()
        guard take("@") else {
            throw error(atEnd ? "missing '@' and domain" : "expected '@' after \"\(localPart)\", found '\(peekCharacter)'")
        }
        try skipCFWS()
        if peek == "[" { throw domainLiteralError() }
        guard let typedDomain = atom(allowDots: true) else { throw error("missing the domain after '@'") }
        // The wire form is what RFC 5321's limit is about: `"a b"` is 5 octets, not 3.
        let wireLength = AddressSyntax.wireLocalPart(localPart).utf8.count
        guard wireLength <= 64 else {
            throw error("the local part is \(wireLength) bytes long as written (\(AddressSyntax.wireLocalPart(localPart)), quotes and backslashes included); at most 64 are allowed")
        }
        // UTS #46 maps the ideographic and full-width full stops to "." (CJK keyboards type them).
        let domain = IDNA.mappingLabelSeparators(typedDomain)
        guard domain.contains("."), !domain.hasSuffix(".") else {
            throw error("the domain \"\(typedDomain)\" is not a full domain name (like example.com)")
        }
        if let badLabel = IDNA.invalidALabel(in: domain) {
            throw error("the label \"\(badLabel)\" is not valid punycode: an xn-- label must be the ASCII form of a valid international label")
        }
        guard let ascii = IDNA.toASCII(domain) else {
            throw error("the domain \"\(typedDomain)\" is not a valid domain name (letters, digits and '-' in dot-separated labels of at most 63 characters)")
        }
        let address = EmailAddress(displayName: displayName?.isEmpty == true ? nil : displayName,
                                   localPart: localPart, domain: domain.lowercased(), asciiDomain: ascii)
        guard address.addrSpec.utf8.count <= 254 else { throw error("the address is longer than 254 characters") }
        return address
    }
}

/// Shared spelling rules for addresses on the wire.
enum AddressSyntax {
    static func isDotAtom(_ text: String) -> Bool {
        !text.isEmpty && !text.hasPrefix(".") && !text.hasSuffix(".") && !text.contains("..")
            && text.unicodeScalars.allSatisfy { $0 == "." || isAtextScalar($0) }
    }

    static func isAtextScalar(_ scalar: Unicode.Scalar) -> Bool {
        if !scalar.isASCII { return scalar.value >= 0xA0 }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
        }
    }

    /// The local part as written in an addr-spec: a dot-atom as is, anything else quoted.
    static func wireLocalPart(_ localPart: String) -> String {
        if isDotAtom(localPart) { return localPart }
        return quoted(localPart)
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { result += "\\" }
            result.unicodeScalars.append(scalar)
        }
        return result + "\""
    }

    /// Text for an error message: control characters shown as escapes, so a refused CR/LF is
    /// visible and cannot break the message itself, and bidi controls and line separators
    /// too, so they cannot reorder or hide part of it on a terminal.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                if DisguisingCharacters.contains(scalar) {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
