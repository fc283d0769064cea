import Crypto
import _CryptoExtras
import Foundation

/// The two signing algorithms a DKIM verifier must know (RFC 6376 §3.3, RFC 8463 §3).
public enum DKIMAlgorithm: String, Sendable, CaseIterable {
    case ed25519 = "ed25519-sha256"
    case rsa = "rsa-sha256"

    /// The `k=` of the DNS record.
    public var keyType: String { self == .ed25519 ? "ed25519" : "rsa" }
}

/// A private key that signs one domain's mail under one selector. It signs the SHA-256 digest of
/// the header input: RSA with PKCS#1 v1.5 (what rsa-sha256 is, whatever swift-crypto calls it),
/// Ed25519 over the 32-byte digest itself, as RFC 8463 §3 says. Both are deterministic here:
/// PKCS#1 v1.5 has no randomness, and swift-crypto's Ed25519 on Linux is BoringSSL's RFC 8032
/// signing (Apple's CryptoKit randomizes it; a signature still verifies, it just differs per run).
///
/// `description` names the domain, selector and algorithm, never the key.
public struct DKIMKey: Sendable, CustomStringConvertible {
    // @unchecked: swift-crypto 3's Curve25519.Signing.PrivateKey is not marked Sendable, though
    // it is an immutable value (the RSA key is marked); neither is ever mutated after creation.
    enum Material: @unchecked Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    /// The signing domain (`d=`), lowercased, ASCII.
    public let domain: String
    /// The selector (`s=`).
    public let selector: String
    let material: Material

    public var algorithm: DKIMAlgorithm {
        if case .ed25519 = material { return .ed25519 }
        return .rsa
    }

    public var description: String { "DKIM key \(selector)._domainkey.\(domain) (\(algorithm.rawValue))" }

    init(domain: String, selector: String, material: Material) throws {
        self.domain = try Self.checked(domain: domain)
        self.selector = try Self.checked(selector: selector)
        self.material = material
    }

    /// A new key: Ed25519, or RSA of 2048 bits (the size RFC 8301 recommends at least).
    public static func generate(_ algorithm: DKIMAlgorithm, domain: String, selector: String) throws -> DKIMKey {
        switch algorithm {
        case .ed25519: return try DKIMKey(domain: domain, selector: selector, material: .ed25519(Curve25519.Signing.PrivateKey()))
        case .rsa: return try DKIMKey(domain: domain, selector: selector, material: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
        }
    }

    /// A key from PEM text: RSA as PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`),
    /// Ed25519 as PKCS#8. `source` names where the text came from, for errors. RSA keys under
    /// 1024 bits are refused (RFC 8301 §3.2); 1024 is accepted for old records and RFC 8463's example.
    public init(pem: String, domain: String, selector: String, source: String) throws {
        let material: Material
        if let seed = Ed25519PKCS8.seed(fromPEM: pem) {
            guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
                throw HeraldError(.input, "\(source): the Ed25519 key in it cannot be read")
            }
            material = .ed25519(key)
        } else if let key = try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem) {
            material = .rsa(key)
        } else {
            throw HeraldError(.input, "\(source) holds no private key Herald can sign with; expected a PEM RSA key of 1024 bits or more (PKCS#1 'BEGIN RSA PRIVATE KEY' or PKCS#8 'BEGIN PRIVATE KEY') or a PKCS#8 Ed25519 key")
        }
        try self.init(domain: domain, selector: selector, material: material)
    }

    /// Reads a PEM file (see `init(pem:domain:selector:source:)`).
    public static func read(file path: String, domain: String, selector: String) throws -> DKIMKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw HeraldError(.io, "cannot read the DKIM key file \(path) (for \(selector)._domainkey.\(domain)): \(error.localizedDescription)")
        }
        return try DKIMKey(pem: text, domain: domain, selector: selector, source: "the DKIM key file \(path)")
    }

    /// The private key as PEM: PKCS#8 for both algorithms.
    public var pemRepresentation: String {
        switch material {
        case .ed25519(let key): return Ed25519PKCS8.pem(seed: Array(key.rawRepresentation))
        case .rsa(let key): return key.pkcs8PEMRepresentation
        }
    }

    /// Where the public key is published: `selector._domainkey.domain`.
    public var recordName: String { "\(selector)._domainkey.\(domain)" }

    /// The TXT record to publish: `v=DKIM1; k=…; p=…` (`p=` is the raw 32 bytes for Ed25519,
    /// RFC 8463 §4; the SubjectPublicKeyInfo DER for RSA, RFC 6376 §3.6.1).
    public var record: String {
        switch material {
        case .ed25519(let key): return "v=DKIM1; k=ed25519; p=\(key.publicKey.rawRepresentation.base64EncodedString())"
        case .rsa(let key): return "v=DKIM1; k=rsa; p=\(key.publicKey.derRepresentation.base64EncodedString())"
        }
    }

    /// The `b=` value's bytes for a header input.
    func sign(headerInput: [UInt8]) throws -> [UInt8] {
        let digest = SHA256.hash(data: headerInput)
        switch material {
        case .ed25519(let key): return Array(try key.signature(for: Data(digest)))
        case .rsa(let key): return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }

    // MARK: Checks

    static func checked(domain: String) throws -> String {
        let lowered = domain.lowercased()
        let labels = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, lowered.utf8.count <= 253,
              labels.allSatisfy({ (1...63).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }) else {
            throw HeraldError(.usage, "'\(domain)' is not a signing domain; expected an ASCII domain name like example.com (an IDN in its xn-- form)")
        }
        return lowered
    }

    static func checked(selector: String) throws -> String {
        let labels = selector.split(separator: ".", omittingEmptySubsequences: false)
        guard !selector.isEmpty, selector.utf8.count <= 63,
              labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } }) else {
            throw HeraldError(.usage, "'\(selector)' is not a DKIM selector; expected letters, digits, '-' or '_' (dot-separated), like s1 or 2026a")
        }
        return selector
    }
}

/// The PKCS#8 wrapping of an Ed25519 seed (RFC 8410 §7): always the same 16 bytes of DER before
/// the 32-byte seed, because swift-crypto 3 reads and writes Ed25519 keys only as raw bytes.
enum Ed25519PKCS8 {
    static let prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    static func pem(seed: [UInt8]) -> String {
        let base64 = Data(prefix + seed).base64EncodedString(options: [.lineLength64Characters])
        return "-----BEGIN PRIVATE KEY-----\n\(base64)\n-----END PRIVATE KEY-----\n"
    }

    /// The seed, when `pem` is a PKCS#8 Ed25519 key; nil for anything else.
    static func seed(fromPEM pem: String) -> [UInt8]? {
        guard let body = PEMBlock.body(of: pem, label: "PRIVATE KEY"), body.count == prefix.count + 32,
              Array(body.prefix(prefix.count)) == prefix else { return nil }
        return Array(body.suffix(32))
    }
}

/// The base64 between `-----BEGIN label-----` and `-----END label-----`.
enum PEMBlock {
    static func body(of pem: String, label: String) -> [UInt8]? {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex) else { return nil }
        let base64 = pem[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(base64)).map(Array.init)
    }
}
