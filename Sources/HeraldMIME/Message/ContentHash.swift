/// A 128-bit non-cryptographic content hash (two FNV-1a lanes with different bases): enough to
/// name a message after its content (a deterministic Message-ID) or to tell whether two
/// compositions are the same message (an outbox idempotency fingerprint); nothing here needs
/// collision resistance against an attacker.
///
/// One hash, two seeds for the second lane: Message-IDs recorded in golden files and
/// fingerprints stored in existing outboxes were made with different ones, and both must stay
/// what they were.
public struct ContentHash: Sendable {
    /// The second lane's seed for deterministic Message-IDs and boundaries.
    public static let messageIDSeed: UInt64 = 0x6c62_272e_07bb_0142
    /// The second lane's seed for outbox fingerprints.
    public static let fingerprintSeed: UInt64 = 0x8422_2325_cbf2_9ce4

    private var first: UInt64 = 0xcbf2_9ce4_8422_2325
    private var second: UInt64
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init(seed: UInt64 = messageIDSeed) {
        second = seed
    }

    /// Adds a string and a separator, so ("ab", "c") and ("a", "bc") differ.
    public mutating func add(_ text: String) {
        add(Array(text.utf8))
        add([0xFF])
    }

    public mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var a = first, b = second
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte)) &* Self.prime &+ 0x9E37_79B9
        }
        first = a
        second = b
    }

    /// 32 hexadecimal digits.
    public var hexDigest: String { Self.hex(first) + Self.hex(second) }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
