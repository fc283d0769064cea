@testable import HeraldMIME
import Foundation
import HeraldTestSupport
import Testing

/// Headers a reader cannot misread: whatever a person types as a name, a subject or a file name,
/// every line Herald writes is at most 998 octets, `check-message` finds nothing wrong and
/// Python's strict parser reads back exactly what was typed.
@Suite struct HeaderReadBackTests {
    static let identity = MessageIdentity(date: .deterministic, messageID: MessageID(unchecked: "read-back@example.com"),
                                          boundarySeed: "0123456789abcdef")

    func write(_ message: EmailMessage) throws -> [UInt8] {
        try MIMEWriter().bytes(of: message, identity: Self.identity)
    }

    func message(from: String = "Support <support@example.com>", to: String = "ana@example.com") throws -> EmailMessage {
        EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: from), to: try AddressParser.parseList(to)), text: "Hi.\n")
    }

    /// Every line of the message, CRLF removed, in octets.
    func longestLine(_ bytes: [UInt8]) -> Int {
        var longest = 0, current = 0
        for byte in bytes {
            if byte == 0x0A { longest = max(longest, current - 1); current = 0 } else { current += 1 }
        }
        return max(longest, current)
    }

    /// Whether a reader sees exactly `name <address>` in the one-mailbox field `field`; nil if so,
    /// else what it saw. Python's strict parser must read the mailbox. For a name written as
    /// encoded-words, its phrase parser reads a space between adjacent words and collapses white
    /// space inside them (contrary to RFC 2047 §6.2), so there the exact text is what Python's
    /// RFC 2047 decoder reads, and the strict reading must match up to white space.
    func misreading(_ name: String?, _ address: String, field: String, in inspection: ExternalEmailTools.Inspection) -> String? {
        let strict: [[String]]? = switch field {
        case "From": inspection.from
        case "To": inspection.to
        case "Cc": inspection.cc
        default: inspection.reply_to
        }
        guard let strict, strict.count == 1, strict[0].count == 2, strict[0][1] == address else { return "strict: \(String(describing: strict))" }
        let expected = name ?? ""
        guard let raw = inspection.raw(field), raw.hasPrefix("=?") else {
            return strict[0][0] == expected ? nil : "strict: \(strict[0][0].debugDescription)"
        }
        func squeezed(_ text: String) -> String { text.filter { !$0.isWhitespace } }
        guard squeezed(strict[0][0]) == squeezed(expected) else { return "strict: \(strict[0][0].debugDescription)" }
        let decoded = inspection.rfc2047(field)
        return decoded == expected + " <\(address)>" ? nil : "RFC 2047 decoder: \(decoded?.debugDescription ?? "nothing")"
    }

    /// A display name as a person types it: quoted, with `"` and `\` escaped.
    func quotedMailbox(_ name: String, _ address: String) -> String {
        "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\" <\(address)>"
    }

    @Test(arguments: [
        // Read raw in a quoted string, Python's email package shows this as the name
        // "PayPal Security <security@paypal.com>".
        "=?utf-8?b?UGF5UGFsIFNlY3VyaXR5IDxzZWN1cml0eUBwYXlwYWwuY29tPg==?=",
        // Decodes to a line break: the header would become unreadable.
        "=?utf-8?q?Ana=0D=0ABcc=3A_x=40evil=2Eexample?=",
        "Ana =?iso-8859-1?q?P=E9rez?= Support",
        "=?UTF-8?B?w6k=?=",
    ])
    func displayNamesThatLookLikeEncodedWordsAreEncoded(_ name: String) throws {
        for mailbox in ["\(name) <attacker@evil.example>", quotedMailbox(name, "attacker@evil.example")] {
            let parsed = try EmailAddress(validating: mailbox)
            #expect(parsed.displayName == name)
            let bytes = try write(try message(from: mailbox, to: mailbox))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(name), "the name is written raw: \(text)")
            #expect(try ExternalEmailTools.checkMessage(bytes) == [])
            let inspection = try ExternalEmailTools.inspect(bytes)
            #expect(misreading(name, "attacker@evil.example", field: "From", in: inspection) == nil)
            #expect(misreading(name, "attacker@evil.example", field: "To", in: inspection) == nil)
        }
    }

    @Test func aQuotedDisplayNameIsKeptAsTyped() throws {
        for name in ["a  b", " Ana", "Ana ", "Doe,  John", "a\tb"] {
            let mailbox = quotedMailbox(name, "ab@example.com")
            #expect(try EmailAddress(validating: mailbox).displayName == name)
            let bytes = try write(try message(to: mailbox))
            #expect(try ExternalEmailTools.checkMessage(bytes) == [])
            #expect(try ExternalEmailTools.inspect(bytes).to == [[name, "ab@example.com"]], "\(name)")
        }
        // A long one folds inside its quotes, at its own spaces, and unfolds to the same text.
        let long = (0..<40).map { "Doe\($0)," }.joined(separator: " ")
        let folded = try write(try message(to: quotedMailbox(long, "ab@example.com")))
        let header = String(decoding: folded, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        #expect(header.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(!header.contains("=?"))
        #expect(try ExternalEmailTools.inspect(folded).to == [[long, "ab@example.com"]])
        // Unquoted words are separated by folding white space, which reads as one space.
        let bytes = try write(try message(to: "Ana   Pérez <ana@example.com>"))
        #expect(try ExternalEmailTools.inspect(bytes).to == [["Ana Pérez", "ana@example.com"]])
    }

    @Test func aTenThousandCharacterNameWithoutSpacesFitsInLegalLines() throws {
        let name = String(repeating: "A", count: 10_000)
        for mailbox in ["\(name) <long@example.com>", quotedMailbox(name + ",", "long@example.com")] {
            let display = try #require(try EmailAddress(validating: mailbox).displayName)
            var long = try message(from: mailbox, to: mailbox)
            long.cc = try AddressParser.parseList(mailbox)
            long.replyTo = try AddressParser.parseMailboxes(mailbox)
            let bytes = try write(long)
            #expect(longestLine(bytes) <= 998)
            #expect(try ExternalEmailTools.checkMessage(bytes) == [])
            let inspection = try ExternalEmailTools.inspect(bytes)
            for field in ["From", "To", "Cc", "Reply-To"] {
                #expect(misreading(display, "long@example.com", field: field, in: inspection) == nil, "\(field)")
            }
        }
    }

    @Test func randomNamesSubjectsAndHeadersReadBackExactly() throws {
        var random = SplitMix64(seed: 0x4845_5241_4C44)
        let ascii = ["a", "x", "Ana", "Doe", " ", "  ", ",", "\"", "\\", "(", ")", "<", ">", "@", ":", ";", ".", "[", "]",
                     "=?", "?=", "=?utf-8?b?QQ==?=", "-", "'", "\t", "1234567890", String(repeating: "w", count: 90)]
        let unicode = ascii + ["Zoë", "é", "你好", "🎉", "e\u{301}", "ﷺ"]
        func text(maxPieces: Int, from pieces: [String]) -> String {
            let count = Int.random(in: 1...maxPieces, using: &random)
            return (0..<count).map { _ in pieces.randomElement(using: &random) ?? "a" }.joined()
        }
        for round in 0..<32 {
            // Half the rounds are ASCII only (atoms, quoted strings, look-alikes of encoded-words),
            // every fourth is huge, so folding and encoded-word splitting are exercised.
            let pieces = round % 2 == 0 ? ascii : unicode
            let size = round % 4 >= 2 ? 2_000 : 12
            let from = text(maxPieces: size, from: pieces), to = text(maxPieces: size, from: pieces)
            let subject = text(maxPieces: size, from: pieces), note = text(maxPieces: size, from: pieces)
            var message = try message(from: quotedMailbox(from, "from@example.com"), to: quotedMailbox(to, "to@example.com"))
            message.subject = try HeaderText(subject, field: "subject")
            message.customHeaders = [try CustomHeader(name: "X-Note", value: note)]
            let fromName = try EmailAddress(validating: quotedMailbox(from, "from@example.com")).displayName
            let toName = try EmailAddress(validating: quotedMailbox(to, "to@example.com")).displayName
            let bytes = try write(message)
            #expect(longestLine(bytes) <= 998, "round \(round)")
            #expect(try ExternalEmailTools.checkMessage(bytes) == [], "round \(round): from \(from.debugDescription) to \(to.debugDescription)")
            let inspection = try ExternalEmailTools.inspect(bytes)
            #expect(misreading(fromName, "from@example.com", field: "From", in: inspection) == nil, "round \(round): \(from.debugDescription)")
            #expect(misreading(toName, "to@example.com", field: "To", in: inspection) == nil, "round \(round): \(to.debugDescription)")
            #expect(inspection.subject == subject, "round \(round)")
            #expect(inspection.headers.first { $0[0] == "X-Note" }?[1] == note, "round \(round)")
        }
    }

    @Test func aListUnsubscribeURLTooLongForAnyLineIsRefused() throws {
        let longest = "https://example.com/u?t=" + String(repeating: "a", count: 994 - 24)
        var message = try message()
        message.listUnsubscribe = [try UnsubscribeTarget(validating: longest), try UnsubscribeTarget(validating: longest)]
        let bytes = try write(message)
        #expect(longestLine(bytes) <= 998)
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        #expect {
            try UnsubscribeTarget(validating: "https://example.com/u?t=" + String(repeating: "a", count: 3_000))
        } throws: { error in
            String(describing: error).hasSuffix("it is 3024 characters long; a header line holds at most 998, so a List-Unsubscribe URL can have at most 994")
        }
    }

    @Test func inReplyToAloneAlsoWritesReferences() throws {
        // RFC 5322 §3.6.4: References is the parent's References followed by its Message-ID;
        // knowing only the parent's Message-ID, it is that.
        var reply = try message()
        reply.inReplyTo = [try MessageID(validating: "<parent@example.com>")]
        var text = String(decoding: try write(reply), as: UTF8.self)
        #expect(text.contains("\r\nIn-Reply-To: <parent@example.com>\r\nReferences: <parent@example.com>\r\n"))
        // References that do not end with the parent get it appended; ones that do are kept.
        reply.references = [try MessageID(validating: "<first@example.com>")]
        text = String(decoding: try write(reply), as: UTF8.self)
        #expect(text.contains("\r\nReferences: <first@example.com> <parent@example.com>\r\n"))
        reply.references = [try MessageID(validating: "<first@example.com>"), try MessageID(validating: "<parent@example.com>")]
        text = String(decoding: try write(reply), as: UTF8.self)
        #expect(text.contains("\r\nReferences: <first@example.com> <parent@example.com>\r\n"))
        #expect(try ExternalEmailTools.checkMessage(Array(text.utf8)) == [])
    }
}

/// A small seeded generator, so a failing round can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
