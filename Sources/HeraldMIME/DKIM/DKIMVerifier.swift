import Crypto
import _CryptoExtras
import Foundation

/// A published key record (`v=DKIM1; k=ed25519; p=…`), as `herald dkim verify --record` takes it.
public struct DKIMRecord: Sendable {
    public var algorithm: DKIMAlgorithm
    /// The `p=` bytes: 32 raw bytes for Ed25519, SubjectPublicKeyInfo DER for RSA.
    public var publicKey: [UInt8]

    public init(parsing text: String) throws {
        let tags = DKIMTags.parse(text)
        if let version = tags["v"], version != "DKIM1" {
            throw HeraldError(.input, "the DKIM record '\(text)' has v=\(version); expected v=DKIM1")
        }
        switch tags["k"] ?? "rsa" {
        case "rsa": algorithm = .rsa
        case "ed25519": algorithm = .ed25519
        case let other: throw HeraldError(.input, "the DKIM record '\(text)' has k=\(other); expected k=rsa or k=ed25519")
        }
        guard let p = tags["p"], !p.isEmpty, let bytes = Data(base64Encoded: p) else {
            throw HeraldError(.input, "the DKIM record '\(text)' has no public key in p= (an empty p= is a revoked key); expected p=BASE64")
        }
        publicKey = Array(bytes)
    }
}

/// One DKIM-Signature of a message, checked.
public struct DKIMVerification: Sendable, Equatable {
    public var domain: String
    public var selector: String
    public var algorithm: String
    /// Nil when it passed; else why it failed.
    public var failure: String?
    public var passed: Bool { failure == nil }
}

/// Checks a message's DKIM-Signature fields offline against given records (RFC 6376 §6), for
/// `herald dkim verify` and the tests. What DNS would answer is the `records` closure's job.
public struct DKIMVerifier: Sendable {
    public init() {}

    public func verify(_ message: [UInt8], records: (_ name: String) -> DKIMRecord?) -> [DKIMVerification] {
        let (section, body) = Self.split(message)
        let fields = HeaderFields(section)
        return fields.fields.filter { HeaderFields.name(of: $0) == "dkim-signature" }.map { field in
            check(field, fields: fields, body: body, records: records)
        }
    }

    private func check(_ field: [UInt8], fields: HeaderFields, body: ArraySlice<UInt8>, records: (String) -> DKIMRecord?) -> DKIMVerification {
        let colon = field.firstIndex(of: UInt8(ascii: ":")) ?? field.endIndex
        let tags = DKIMTags.parse(String(decoding: field[min(colon + 1, field.endIndex)...], as: UTF8.self))
        var result = DKIMVerification(domain: tags["d"] ?? "?", selector: tags["s"] ?? "?", algorithm: tags["a"] ?? "?")
        func fail(_ reason: String) -> DKIMVerification {
            result.failure = reason
            return result
        }
        for required in ["v", "a", "b", "bh", "d", "h", "s"] where tags[required] == nil {
            return fail("the signature has no \(required)= tag")
        }
        guard tags["v"] == "1" else { return fail("v=\(tags["v"] ?? "") is not 1") }
        guard tags["l"] == nil else { return fail("l= (a body length limit) is not supported") }
        guard let algorithm = DKIMAlgorithm(rawValue: tags["a"] ?? "") else { return fail("a=\(tags["a"] ?? "") is neither rsa-sha256 nor ed25519-sha256") }
        let methods = (tags["c"] ?? "simple/simple").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let header = DKIMCanonicalization(rawValue: methods[0]),
              let bodyMethod = DKIMCanonicalization(rawValue: methods.count > 1 ? methods[1] : "simple"), methods.count <= 2 else {
            return fail("c=\(tags["c"] ?? "") is not relaxed or simple")
        }
        let names = (tags["h"] ?? "").split(separator: ":").map { String($0).trimmingWhitespace.lowercased() }
        guard names.contains("from") else { return fail("h= does not sign From") }
        var hasher = DKIMBodyHasher(bodyMethod)
        body.withUnsafeBytes { _ = try? hasher.write($0) }
        let bodyHash = Data(hasher.finish()).base64EncodedString()
        guard bodyHash == tags["bh"] else { return fail("the body hash differs: the body was changed (bh=\(tags["bh"] ?? "") signed, \(bodyHash) computed)") }
        guard let record = records("\(result.selector)._domainkey.\(result.domain)") else {
            return fail("no key record for \(result.selector)._domainkey.\(result.domain)")
        }
        guard record.algorithm == algorithm else { return fail("the record is k=\(record.algorithm.keyType), the signature a=\(algorithm.rawValue)") }
        guard let signature = Data(base64Encoded: tags["b"] ?? "") else { return fail("b= is not base64") }
        let input = DKIMSigner.headerInput(selected: fields.selecting(names), signatureField: Self.emptyingB(field), header)
        let digest = SHA256.hash(data: input)
        let valid: Bool
        switch algorithm {
        case .ed25519:
            valid = (try? Curve25519.Signing.PublicKey(rawRepresentation: record.publicKey))?.isValidSignature(signature, for: Data(digest)) ?? false
        case .rsa:
            guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: record.publicKey) else {
                return fail("the record's p= is not an RSA public key of 1024 bits or more")
            }
            valid = key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        }
        return valid ? result : fail("the signature does not match the signed headers (a signed header was changed, added or removed, or the key differs)")
    }

    /// The header section and the body (after the first empty line); a message with bare LFs is
    /// read as if each were CRLF.
    static func split(_ message: [UInt8]) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        var bytes = message
        if !ByteSearch.contains(message, [0x0D, 0x0A]) {
            bytes = message.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        }
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D && bytes[index + 3] == 0x0A {
                return (bytes[..<(index + 2)], bytes[(index + 4)...])
            }
            index += 1
        }
        return (bytes[...], [])
    }

    /// The field with the value of its `b=` tag removed, surrounding folding included (§3.7).
    static func emptyingB(_ field: [UInt8]) -> [UInt8] {
        var index = 0
        var tagStart = true
        while index < field.count {
            let byte = field[index]
            if byte == UInt8(ascii: ";") || byte == UInt8(ascii: ":") { tagStart = true } else if tagStart && byte == UInt8(ascii: "b") {
                var next = index + 1
                while next < field.count, [0x20, 0x09, 0x0D, 0x0A].contains(field[next]) { next += 1 }
                if next < field.count, field[next] == UInt8(ascii: "=") {
                    var end = next + 1
                    while end < field.count, field[end] != UInt8(ascii: ";") { end += 1 }
                    return Array(field[...next]) + field[end...]
                }
                tagStart = false
            } else if ![0x20, 0x09, 0x0D, 0x0A].contains(byte) {
                tagStart = false
            }
            index += 1
        }
        return field
    }
}

/// `tag=value; tag=value` lists (signatures and records), whitespace removed from values.
enum DKIMTags {
    static func parse(_ text: String) -> [String: String] {
        var tags: [String: String] = [:]
        for item in text.split(separator: ";") {
            guard let equals = item.firstIndex(of: "=") else { continue }
            let name = String(item[..<equals]).filter { !$0.isWhitespace }
            let value = String(item[item.index(after: equals)...]).filter { !$0.isWhitespace }
            if !name.isEmpty { tags[name] = value }
        }
        return tags
    }
}
