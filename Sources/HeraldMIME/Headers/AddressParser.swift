/// Parses RFC 5322 address lists (§3.4) with RFC 6532's UTF-8: display names as atoms or quoted
/// strings (commas inside quotes are fine), comments, quoted local parts, groups, domain
/// literals refused, IDN domains converted to punycode. Obsolete syntax (routes, CFWS inside
/// dot-atoms) is refused with a message rather than guessed at.
public enum AddressParser {
    public static func parseList(_ text: String, field: String = "address") throws -> [AddressListEntry] {
        var scanner = Scanner(text: text, field: field)
        try scanner.refuseControls()
        var entries: [AddressListEntry] = []
        scanner.skipCFWS()
        if scanner.atEnd { throw scanner.error("no address given") }
        while true {
            entries.append(try scanner.address())
            scanner.skipCFWS()
            if scanner.atEnd { break }
            guard scanner.take(",") else { throw scanner.error("expected ',' between addresses, found '\(scanner.peekCharacter)'") }
            scanner.skipCFWS()
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
    mutating func skipCFWS() {
        while let scalar = peek {
            if scalar == " " || scalar == "\t" {
                index += 1
            } else if scalar == "(" {
                skipComment()
            } else {
                return
            }
        }
    }

    private mutating func skipComment() {
        var depth = 0
        while let scalar = peek {
            index += 1
            switch scalar {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return }
            case "\\": index += 1
            default: break
            }
        }
    }

    /// address = mailbox / group; mailbox = name-addr / addr-spec.
    mutating func address() throws -> AddressListEntry {
        let start = index
        // A bare addr-spec has an '@' before any '<' or ':' at this level; otherwise there is a
        // phrase first (display name or group name).
        if let phrase = try phraseIfPresent() {
            skipCFWS()
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
        skipCFWS()
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
        skipCFWS()
        if take(";") { return .group(name: name, members: []) }
        while true {
            skipCFWS()
            guard case .mailbox(let member) = try address() else { throw error("a group cannot contain another group") }
            members.append(member)
            skipCFWS()
            if take(";") { break }
            guard take(",") else { throw error("expected ',' or ';' in the group \"\(name)\", found '\(peekCharacter)'") }
        }
        return .group(name: name, members: members)
    }

    mutating func angleAddress(displayName: String?) throws -> EmailAddress {
        skipCFWS()
        if peek == "@" { throw error("source routes (<@host:...>) are obsolete and not accepted") }
        let address = try addrSpec(displayName: displayName)
        skipCFWS()
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
            skipCFWS()
            if peek == "\"" {
                words.append(try quotedString())
            } else if let word = atom(allowDots: true) {
                words.append(word)
            } else {
                break
            }
        }
        skipCFWS()
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

    mutating func addrSpec(displayName: String?) throws -> EmailAddress {
        skipCFWS()
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
        skipCFWS()
        guard take("@") else {
            throw error(atEnd ? "missing '@' and domain" : "expected '@' after \"\(localPart)\", found '\(peekCharacter)'")
        }
        skipCFWS()
        if peek == "[" { throw error("domain literals ([192.0.2.1]) are not accepted; use a domain name") }
        guard let domain = atom(allowDots: true) else { throw error("missing the domain after '@'") }
        guard localPart.utf8.count <= 64 else { throw error("the local part is \(localPart.utf8.count) bytes long; at most 64 are allowed") }
        guard domain.contains("."), !domain.hasSuffix(".") else {
            throw error("the domain \"\(domain)\" is not a full domain name (like example.com)")
        }
        guard let ascii = IDNA.toASCII(domain) else {
            throw error("the domain \"\(domain)\" is not a valid domain name (letters, digits and '-' in dot-separated labels of at most 63 characters)")
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
    /// visible and cannot break the message itself.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
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
