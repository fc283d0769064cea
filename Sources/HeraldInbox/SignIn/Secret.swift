import Crypto

/// The random secrets of API tokens and sign-in sessions, and how they are kept: only their
/// SHA-256 (a secret of 160 random bits needs no slow hash; passwords do: `PasswordHash`).
enum Secret {
    /// 32 characters of a 32-letter alphabet (160 bits), without letters people confuse.
    static func random() -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(generator.next() % 32)] })
    }

    /// SHA-256 (swift-crypto), lower-case hex.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// Whether `secret` hashes to `storedHash`, in the same time wherever they differ.
    static func matches(_ secret: String, storedHash: String) -> Bool {
        equalInConstantTime(hash(secret), storedHash)
    }

    static func equalInConstantTime(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// Whether `text` could be a secret `random()` made (checked before any lookup).
    static func isShaped(_ text: Substring) -> Bool {
        text.count == 32 && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }
}
