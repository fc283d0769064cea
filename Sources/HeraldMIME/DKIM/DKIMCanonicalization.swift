import Crypto

/// How headers or the body are normalized before hashing (RFC 6376 §3.4). Relaxed survives what
/// relays commonly do to whitespace and header case; simple survives nothing, and is there for
/// receivers that want it.
public enum DKIMCanonicalization: String, Sendable, CaseIterable {
    case relaxed, simple

    /// A header field (`name:value` with its folding, no final CRLF) as it enters the hash,
    /// CRLF-terminated.
    func header(_ field: [UInt8]) -> [UInt8] {
        guard self == .relaxed else { return field + [0x0D, 0x0A] }
        let colon = field.firstIndex(of: UInt8(ascii: ":")) ?? field.endIndex
        var name = field[..<colon].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        while let last = name.last, last == 0x20 || last == 0x09 { name.removeLast() }
        var value: [UInt8] = []
        var pendingSpace = false
        for byte in field[min(colon + 1, field.endIndex)...] {
            switch byte {
            case 0x0D, 0x0A: continue  // unfold
            case 0x20, 0x09: pendingSpace = true
            default:
                if pendingSpace && !value.isEmpty { value.append(0x20) }
                pendingSpace = false
                value.append(byte)
            }
        }
        return name + [UInt8(ascii: ":")] + value + [0x0D, 0x0A]
    }
}

/// The body hash (`bh=`), computed as the body streams past: a `ByteSink` that canonicalizes
/// line by line and feeds SHA-256, holding one line and a count of trailing empty lines (which
/// both canonicalizations drop at the very end) — so a 100 MB body costs no more memory than a
/// short one. A lone LF ends a line like CRLF (a message read from a Unix file).
public struct DKIMBodyHasher: ByteSink {
    public let canonicalization: DKIMCanonicalization
    private var hash = SHA256()
    private var line: [UInt8] = []
    private var pendingEmptyLines = 0
    private var wroteAnything = false

    public init(_ canonicalization: DKIMCanonicalization) {
        self.canonicalization = canonicalization
        line.reserveCapacity(1000)
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        for byte in bytes {
            if byte == 0x0A {
                if line.last == 0x0D { line.removeLast() }
                endLine()
            } else {
                line.append(byte)
            }
        }
    }

    /// The SHA-256 of the canonical body. A last line without CRLF gets one; an empty body is
    /// CRLF in simple and nothing in relaxed (RFC 6376 §3.4.3, §3.4.4).
    public mutating func finish() -> [UInt8] {
        if !line.isEmpty { endLine() }
        if !wroteAnything && canonicalization == .simple { hash.update(data: [0x0D, 0x0A] as [UInt8]) }
        return Array(hash.finalize())
    }

    private mutating func endLine() {
        if canonicalization == .relaxed {
            var out: [UInt8] = []
            out.reserveCapacity(line.count)
            var pendingSpace = false
            for byte in line {
                if byte == 0x20 || byte == 0x09 {
                    pendingSpace = true
                } else {
                    if pendingSpace { out.append(0x20) }
                    pendingSpace = false
                    out.append(byte)
                }
            }
            line = out
        }
        if line.isEmpty {
            pendingEmptyLines += 1
        } else {
            let crlf: [UInt8] = [0x0D, 0x0A]
            for _ in 0..<pendingEmptyLines { hash.update(data: crlf) }
            pendingEmptyLines = 0
            line.append(contentsOf: crlf)
            hash.update(data: line)
            wroteAnything = true
        }
        line.removeAll(keepingCapacity: true)
    }
}
