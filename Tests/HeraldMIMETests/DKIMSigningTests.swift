@testable import HeraldMIME
import Crypto
import Foundation
import HeraldTestSupport
import Testing

/// Messages Herald signs verify with Herald's verifier, dkimpy and OpenDKIM; a changed body byte
/// or signed header fails all three; the same message and key sign the same way.
@Suite struct DKIMSigningTests {
    static let identity = MessageIdentity(date: .deterministic, messageID: MessageID(unchecked: "dkim-1@example.com"),
                                          boundarySeed: "0123456789abcdef")
    static let keys: (ed25519: DKIMKey, rsa: DKIMKey) = {
        // One generation per run: RSA-2048 takes a moment.
        guard let ed25519 = try? DKIMKey.generate(.ed25519, domain: "example.com", selector: "ed"),
              let rsa = try? DKIMKey.generate(.rsa, domain: "example.com", selector: "rsa") else { fatalError("key generation failed") }
        return (ed25519, rsa)
    }()
    static var records: [String: String] {
        [keys.ed25519.recordName: keys.ed25519.record, keys.rsa.recordName: keys.rsa.record]
    }

    enum Sample: String, CaseIterable {
        case dotsAndNoFinalNewline, attachmentsAndNonASCII, trailingSpaceAndBlankLines
    }

    static func message(_ sample: Sample) throws -> EmailMessage {
        let from = try EmailAddress(validating: "Zoë Ödegaard <news@example.com>")
        switch sample {
        case .dotsAndNoFinalNewline:
            return EmailMessage(headers: MessageHeaders(from: from, to: try AddressParser.parseList("ana@example.net"),
                                                        subject: try HeaderText("Dots", field: "subject")),
                                text: "Hello,\n.a line starting with a dot\n..two dots\n.\nno final line break")
        case .attachmentsAndNonASCII:
            let binary = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
            let subject = "Ваш заказ №4711 — подтверждение и счёт, а также очень длинная тема, которая будет свёрнута на несколько строк"
            return EmailMessage(headers: MessageHeaders(from: from, to: try AddressParser.parseList("Ana Pérez <ana@example.net>, \"Ops, Night\" <ops@example.net>"),
                                                        cc: try AddressParser.parseList("cc@example.org"),
                                                        replyTo: try AddressParser.parseMailboxes("help@example.com"),
                                                        subject: try HeaderText(subject, field: "subject"),
                                                        listUnsubscribe: [try UnsubscribeTarget(validating: "https://example.com/unsubscribe?u=42")]),
                                text: "Grüße aus Köln.\n", html: "<p>Grüße aus <b>Köln</b>.</p>",
                                attachments: [Attachment(filename: "rechnung März.pdf", contentType: "application/pdf", content: .bytes(binary), size: binary.count),
                                              Attachment(filename: "notes.txt", contentType: "text/plain", charset: "utf-8",
                                                         content: .bytes(Array("a\r\n\r\n\r\n".utf8)), size: 7)])
        case .trailingSpaceAndBlankLines:
            return EmailMessage(headers: MessageHeaders(from: from, to: try AddressParser.parseList("ana@example.net"),
                                                        subject: try HeaderText("Spaces", field: "subject")),
                                text: "Trailing spaces   \n\tand  tabs\t\n\n\n\n")
        }
    }

    static func sign(_ message: EmailMessage, with keys: [DKIMKey], _ canonicalization: DKIMCanonicalization) throws -> [UInt8] {
        try MIMEWriter().bytes(of: message, identity: identity, signer: DKIMSigner(keys: keys, canonicalization: canonicalization))
    }

    static func ourVerdict(_ bytes: [UInt8]) throws -> [Bool] {
        let parsed = try records.mapValues { try DKIMRecord(parsing: $0) }
        return DKIMVerifier().verify(bytes) { parsed[$0] }.map(\.passed)
    }

    @Test(arguments: Sample.allCases, DKIMCanonicalization.allCases)
    func signedMessagesVerifyEverywhere(_ sample: Sample, _ canonicalization: DKIMCanonicalization) throws {
        let message = try Self.message(sample)
        let both = try Self.sign(message, with: [Self.keys.rsa, Self.keys.ed25519], canonicalization)
        let text = String(decoding: both, as: UTF8.self)
        // Ed25519 first, then RSA, before the Date field; never l=.
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=\(canonicalization.rawValue)/\(canonicalization.rawValue); d=example.com;"))
        #expect(text.components(separatedBy: "\r\nDKIM-Signature: v=1; a=rsa-sha256;").count == 2)
        #expect(!text.contains(" l="))
        // The signature fields are folded under 78 columns, like Herald's other fields.
        #expect(text.components(separatedBy: "\r\nDate:")[0].components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(try Self.ourVerdict(both) == [true, true])
        #expect(try ExternalDKIMVerifiers.dkimpy(both, records: Self.records) == [true, true])
        #expect(try ExternalEmailTools.checkMessage(both) == [])
        for key in [Self.keys.ed25519, Self.keys.rsa] {
            let one = try Self.sign(message, with: [key], canonicalization)
            #expect(try ExternalDKIMVerifiers.opendkim(one, records: Self.records).contains("succeeded"))
        }
    }

    @Test(arguments: DKIMCanonicalization.allCases)
    func aChangedBodyByteOrSignedHeaderFailsEverywhere(_ canonicalization: DKIMCanonicalization) throws {
        let message = try Self.message(.attachmentsAndNonASCII)
        let signed = String(decoding: try Self.sign(message, with: [Self.keys.ed25519, Self.keys.rsa], canonicalization), as: UTF8.self)
        let body = signed.replacingOccurrences(of: "This is a multi-part message", with: "This is a multi-part messagE")
        let header = signed.replacingOccurrences(of: "Reply-To: <help@example.com>", with: "Reply-To: <hulp@example.com>")
        let extraFrom = signed.replacingOccurrences(of: "\r\nDate: ", with: "\r\nFrom: evil@example.org\r\nDate: ")
        for changed in [body, header, extraFrom] {
            #expect(changed != signed)
            let bytes = Array(changed.utf8)
            #expect(try Self.ourVerdict(bytes) == [false, false])
            #expect(try ExternalDKIMVerifiers.dkimpy(bytes, records: Self.records) == [false, false])
            #expect(try ExternalDKIMVerifiers.opendkim(bytes, records: Self.records).contains("failed"))
        }
    }

    @Test func overSigningListsEachFieldOnceMoreThanPresent() throws {
        let signed = String(decoding: try Self.sign(try Self.message(.attachmentsAndNonASCII), with: [Self.keys.ed25519], .relaxed), as: UTF8.self)
        let field = signed.components(separatedBy: "\r\nDate:")[0]
        let h = field.components(separatedBy: "h=")[1].components(separatedBy: ";")[0].replacingOccurrences(of: "\r\n ", with: "")
        #expect(h == "from:from:reply-to:reply-to:to:to:cc:cc:subject:subject:date:date:message-id:message-id:"
                   + "list-unsubscribe:list-unsubscribe:list-unsubscribe-post:list-unsubscribe-post:mime-version:content-type")
    }

    @Test func sameMessageAndKeySignTheSame() throws {
        let ed25519 = try DKIMKey.read(file: DKIMRFC8463Tests.folder.appendingPathComponent("rfc8463-ed25519.pem").path, domain: "example.com", selector: "ed")
        let rsa = try DKIMKey.read(file: DKIMRFC8463Tests.folder.appendingPathComponent("rfc8463-rsa.pem").path, domain: "example.com", selector: "rsa")
        let message = try Self.message(.dotsAndNoFinalNewline)
        for canonicalization in DKIMCanonicalization.allCases {
            #expect(try Self.sign(message, with: [ed25519, rsa], canonicalization) == Self.sign(message, with: [ed25519, rsa], canonicalization))
        }
    }

    /// Streaming hashes the body in a first pass; in memory the written body is hashed: the same bytes.
    @Test(arguments: Sample.allCases, DKIMCanonicalization.allCases)
    func streamingAndInMemorySigningAgree(_ sample: Sample, _ canonicalization: DKIMCanonicalization) throws {
        let message = try Self.message(sample)
        let signer = DKIMSigner(keys: [Self.keys.ed25519, Self.keys.rsa], canonicalization: canonicalization)
        var streamed = ByteBuffer()
        try MIMEWriter().write(message, identity: Self.identity, signer: signer, to: &streamed)
        #expect(streamed.bytes == (try MIMEWriter().bytes(of: message, identity: Self.identity, signer: signer)))
        #expect(try Self.ourVerdict(streamed.bytes) == [true, true])
    }

    @Test func unsignedOutputIsUnchanged() throws {
        let message = try Self.message(.attachmentsAndNonASCII)
        let signed = try Self.sign(message, with: [Self.keys.ed25519], .relaxed)
        let plain = try MIMEWriter().bytes(of: message, identity: Self.identity)
        #expect(Array(signed.suffix(plain.count)) == plain)
        #expect(try MIMEWriter().bytes(of: message, identity: Self.identity, signer: DKIMSigner(keys: [])) == plain)
    }

    @Test func canonicalization() throws {
        #expect(DKIMCanonicalization.relaxed.header(Array("Subject :  Is  dinner\r\n\tready?  ".utf8)) == Array("subject:Is dinner ready?\r\n".utf8))
        #expect(DKIMCanonicalization.simple.header(Array("Subject :  x".utf8)) == Array("Subject :  x\r\n".utf8))
        func bodyHash(_ text: String, _ canonicalization: DKIMCanonicalization) throws -> String {
            var hasher = DKIMBodyHasher(canonicalization)
            // Fed in pieces, split inside a CRLF: the result cannot depend on the chunking.
            let bytes = Array(text.utf8)
            for chunk in stride(from: 0, to: bytes.count, by: 3) {
                try Array(bytes[chunk..<min(chunk + 3, bytes.count)]).withUnsafeBytes { try hasher.write($0) }
            }
            return Data(hasher.finish()).base64EncodedString()
        }
        // SHA-256 of "" and of CRLF: an empty body in each canonicalization (RFC 6376 §3.4.3, §3.4.4).
        #expect(try bodyHash("", .relaxed) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(try bodyHash("", .simple) == "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=")
        #expect(try bodyHash("\r\n\r\n", .simple) == "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=")
        #expect(try bodyHash("a \t b  \r\n\r\n", .relaxed) == bodyHash("a b\r\n", .simple))
        // A last line without CRLF gets one.
        #expect(try bodyHash("a\r\nb", .simple) == bodyHash("a\r\nb\r\n", .simple))
        #expect(try bodyHash("a\r\nb", .relaxed) == bodyHash("a\r\nb\r\n\r\n", .relaxed))
    }

    /// RFC 6376 §3.4.5's example body, canonicalized both ways as the RFC gives it.
    @Test func rfc6376ExampleBody() throws {
        let body = Array(" C \r\nD \t E\r\n\r\n\r\n".utf8)
        for (canonicalization, expected) in [(DKIMCanonicalization.relaxed, " C\r\nD E\r\n"), (.simple, " C \r\nD \t E\r\n")] {
            var hasher = DKIMBodyHasher(canonicalization)
            try body.withUnsafeBytes { try hasher.write($0) }
            #expect(hasher.finish() == Array(SHA256.hash(data: Array(expected.utf8))), "\(canonicalization)")
        }
    }

    /// The streaming hasher against RFC 6376 §3.4.3/§3.4.4 written out line by line: random bodies
    /// of the bytes that matter (CR, LF, SP, TAB, other controls, text, long runs past the hasher's
    /// 16 KB buffer), fed in random pieces.
    @Test(arguments: DKIMCanonicalization.allCases)
    func streamingHasherMatchesTheRFCLineByLine(_ canonicalization: DKIMCanonicalization) throws {
        var generator = SplitMix64(seed: canonicalization == .relaxed ? 17 : 18)
        let alphabet: [UInt8] = [0x0D, 0x0A, 0x20, 0x09, 0x00, 0x0B, 0x41, 0x2E, 0xC3, 0xA9, 0x21, 0x7E]
        for round in 0..<400 {
            var body: [UInt8] = []
            let pieces = Int(generator.next() % 40)
            for _ in 0..<pieces {
                if generator.next() % 8 == 0 {
                    let run = round % 50 == 0 ? 20_000 + Int(generator.next() % 5000) : Int(generator.next() % 200)
                    body += (0..<run).map { _ in UInt8(0x21 + generator.next() % 94) }
                } else {
                    body.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
                }
            }
            var hasher = DKIMBodyHasher(canonicalization)
            var start = 0
            while start < body.count {
                let end = min(body.count, start + 1 + Int(generator.next() % 64) * (generator.next() % 4 == 0 ? 500 : 1))
                try Array(body[start..<end]).withUnsafeBytes { try hasher.write($0) }
                start = end
            }
            let expected = Self.canonicalBody(body, canonicalization)
            #expect(hasher.finish() == Array(SHA256.hash(data: expected)), "round \(round): \(body.prefix(80))")
        }
    }

    /// RFC 6376 §3.4.3 (simple) and §3.4.4 (relaxed), the obvious way: lines end at LF (a CR
    /// before it belongs to the line break), relaxed turns each whitespace run into one SP and
    /// drops it at a line's end; empty lines at the end go; a last line without a break gets one;
    /// simple makes an empty body one CRLF.
    static func canonicalBody(_ body: [UInt8], _ canonicalization: DKIMCanonicalization) -> [UInt8] {
        var lines = body.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        if lines.last == [] { lines.removeLast() }
        lines = lines.enumerated().map { index, line in
            var line = line
            if index < lines.count - 1 || body.last == 0x0A, line.last == 0x0D { line.removeLast() }
            guard canonicalization == .relaxed else { return line }
            var out: [UInt8] = []
            var space = false
            for byte in line {
                if byte == 0x20 || byte == 0x09 { space = true; continue }
                if space { out.append(0x20) }
                space = false
                out.append(byte)
            }
            return out
        }
        while lines.last == [] { lines.removeLast() }
        if lines.isEmpty { return canonicalization == .simple ? [0x0D, 0x0A] : [] }
        return lines.flatMap { $0 + [0x0D, 0x0A] }
    }
}
