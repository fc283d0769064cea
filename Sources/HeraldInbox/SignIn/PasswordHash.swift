import _CryptoExtras
import Crypto
import Foundation

/// How an agent's password is kept: never the password, only scrypt's key of it (swift-crypto's
/// `KDF.Scrypt`, BoringSSL underneath) with a random salt, as one self-describing string:
/// `scrypt$LOG2N$R$P$SALT$KEY` (salt and key in base64). A stolen inbox file then costs an
/// attacker 32 MB and tens of milliseconds per guess per password, not a SHA-256.
///
/// The cost is written into each hash, so raising `Cost.standard` later keeps every stored
/// password valid (the next sign-in can rehash).
public struct PasswordHash: Sendable, Equatable {
    public struct Cost: Sendable, Equatable {
        /// scrypt's N is 2^log2N: memory and time grow with it.
        public var log2N: Int
        public var blockSize: Int
        public var parallelism: Int

        public init(log2N: Int, blockSize: Int, parallelism: Int) {
            self.log2N = log2N
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// N = 2^15, r = 8, p = 1: 32 MB of memory a guess (RFC 7914's interactive setting
        /// doubled; about 60 ms on the 2-core build machine).
        public static let standard = Cost(log2N: 15, blockSize: 8, parallelism: 1)
        /// Tests only: the same code path at a fraction of the cost.
        public static let fast = Cost(log2N: 10, blockSize: 8, parallelism: 1)

        /// What a stored hash may ask for: a hash file edited to ask for 2^40 must not take
        /// the server's memory.
        static let accepted = 10...20
    }

    public let encoded: String

    /// The rules a new password must meet; the message names what is missing. Length is the
    /// rule (NIST SP 800-63B): at least 12 characters, at most 256, no composition rules.
    public static func check(_ password: String) throws {
        guard password.count >= 12 else {
            throw InboxError(.input, "the password has \(password.count) characters; use at least 12 (a few words make a good one)", field: "password")
        }
        guard password.count <= 256 else {
            throw InboxError(.input, "the password has \(password.count) characters; use at most 256", field: "password")
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw InboxError(.input, "the password has a control character (a line break or tab?); use printable characters", field: "password")
        }
    }

    /// A new hash of `password` (checked first) with a fresh 16-byte salt.
    public static func make(_ password: String, cost: Cost = .standard) throws -> PasswordHash {
        try check(password)
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let key = try derive(password, salt: salt, cost: cost)
        let fields = ["scrypt", String(cost.log2N), String(cost.blockSize), String(cost.parallelism),
                      Data(salt).base64EncodedString(), Data(key).base64EncodedString()]
        return PasswordHash(encoded: fields.joined(separator: "$"))
    }

    /// A stored hash, as read back; nil when it is not one this version can check.
    public init?(stored: String) {
        guard Self.fields(of: stored) != nil else { return nil }
        encoded = stored
    }

    private init(encoded: String) {
        self.encoded = encoded
    }

    /// Whether `password` is the one this hash was made from. The keys are compared in
    /// constant time.
    public func admits(_ password: String) -> Bool {
        guard let (cost, salt, stored) = Self.fields(of: encoded),
              let key = try? Self.derive(password, salt: salt, cost: cost), key.count == stored.count else { return false }
        var difference: UInt8 = 0
        for index in key.indices { difference |= key[index] ^ stored[index] }
        return difference == 0
    }

    /// Whether it was made at a lower cost than `cost` (rehash at the next sign-in).
    public func isWeaker(than cost: Cost) -> Bool {
        guard let (stored, _, _) = Self.fields(of: encoded) else { return true }
        return stored.log2N < cost.log2N || stored.blockSize < cost.blockSize
    }

    /// Costs as much as checking a real password, for sign-ins whose email is nobody's: how
    /// long a refusal takes must not tell which emails are agents'.
    public static func spendOneCheck(cost: Cost = .standard) {
        _ = try? derive("not anybody's password", salt: Array(repeating: 0, count: 16), cost: cost)
    }

    private static func derive(_ password: String, salt: [UInt8], cost: Cost) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << cost.log2N,
                                           blockSize: cost.blockSize, parallelism: cost.parallelism)
        return key.withUnsafeBytes { Array($0) }
    }

    private static func fields(of text: String) -> (Cost, [UInt8], [UInt8])? {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let log2N = Int(parts[1]), Cost.accepted.contains(log2N),
              let blockSize = Int(parts[2]), (1...32).contains(blockSize), let parallelism = Int(parts[3]), (1...16).contains(parallelism),
              let salt = Data(base64Encoded: String(parts[4])), salt.count >= 16,
              let key = Data(base64Encoded: String(parts[5])), key.count == 32 else { return nil }
        return (Cost(log2N: log2N, blockSize: blockSize, parallelism: parallelism), Array(salt), Array(key))
    }
}
