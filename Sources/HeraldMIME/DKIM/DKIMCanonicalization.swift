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
/// into SHA-256 without holding lines. Runs of ordinary bytes are copied as they are into a
/// small stack buffer that is hashed when full (and at the end of each `write`); only what the
/// canonicalization may still drop is pending: a CR that may be the start of a CRLF, a run of
/// whitespace that may be trailing (relaxed), and a count of empty lines that may be the last
/// ones (both canonicalizations drop those at the very end). So a 100 MB body costs no more
/// memory than a short one, and the hash sees few, large updates. A lone LF ends a line like
/// CRLF (a message read from a Unix file); a CR not before LF is an ordinary byte.
public struct DKIMBodyHasher: ByteSink {
    public let canonicalization: DKIMCanonicalization
    private var hash = SHA256()
    /// Empty lines seen and not yet hashed: written only if a non-empty line follows.
    private var pendingEmptyLines = 0
    /// The last byte was a CR: dropped if LF follows, an ordinary byte otherwise.
    private var pendingCR = false
    /// Relaxed: whitespace seen on this line since its last ordinary byte; one SP if another
    /// ordinary byte follows, nothing if the line ends.
    private var pendingSpace = false
    /// The current line has had an ordinary byte (so its pending empty lines went out).
    private var lineHasContent = false
    private var wroteAnything = false

    /// The stack buffer's size: the hash is fed this much at a time.
    private static let chunk = 16 * 1024

    public init(_ canonicalization: DKIMCanonicalization) {
        self.canonicalization = canonicalization
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        withUnsafeTemporaryAllocation(byteCount: Self.chunk, alignment: 16) { staging in
            var out = Output(staging: staging)
            consume(bytes, into: &out)
            out.flush(into: &hash)
        }
    }

    /// The SHA-256 of the canonical body. A last line without CRLF gets one; an empty body is
    /// CRLF in simple and nothing in relaxed (RFC 6376 §3.4.3, §3.4.4).
    public mutating func finish() -> [UInt8] {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 16) { staging in
            var out = Output(staging: staging)
            if pendingCR {
                pendingCR = false
                content(0x0D, into: &out)
            }
            if lineHasContent { out.append(0x0D, 0x0A) }
            lineHasContent = false
            pendingSpace = false
            if !wroteAnything && canonicalization == .simple { out.append(0x0D, 0x0A) }
            out.flush(into: &hash)
        }
        return Array(hash.finalize())
    }

    /// Canonical bytes on their way to the hash.
    private struct Output {
        let staging: UnsafeMutableRawBufferPointer
        var count = 0

        mutating func append(_ a: UInt8, _ b: UInt8) {
            if count + 2 > staging.count { preconditionFailure("flush before") }
            staging[count] = a
            staging[count + 1] = b
            count += 2
        }

        mutating func append(_ byte: UInt8) {
            staging[count] = byte
            count += 1
        }

        /// Room for `n` more bytes, hashing what is staged if needed.
        mutating func reserve(_ n: Int, _ hash: inout SHA256) {
            if count + n > staging.count { flush(into: &hash) }
        }

        mutating func flush(into hash: inout SHA256) {
            guard count > 0 else { return }
            hash.update(bufferPointer: UnsafeRawBufferPointer(rebasing: staging[..<count]))
            count = 0
        }
    }

    /// An ordinary byte (or the first of a run): the empty lines and whitespace before it go first.
    @inline(__always)
    private mutating func content(_ byte: UInt8, into out: inout Output) {
        startContent(into: &out)
        out.reserve(1, &hash)
        out.append(byte)
    }

    @inline(__always)
    private mutating func startContent(into out: inout Output) {
        if !lineHasContent {
            lineHasContent = true
            wroteAnything = true
            while pendingEmptyLines > 0 {
                out.reserve(2, &hash)
                out.append(0x0D, 0x0A)
                pendingEmptyLines -= 1
            }
        }
        if pendingSpace {
            pendingSpace = false
            out.reserve(1, &hash)
            out.append(0x20)
        }
    }

    private mutating func endLine(into out: inout Output) {
        if lineHasContent {
            out.reserve(2, &hash)
            out.append(0x0D, 0x0A)
        } else {
            pendingEmptyLines += 1
        }
        lineHasContent = false
        pendingSpace = false
    }

    private mutating func consume(_ bytes: UnsafeRawBufferPointer, into out: inout Output) {
        let relaxed = canonicalization == .relaxed
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            if pendingCR {
                pendingCR = false
                if byte == 0x0A {
                    endLine(into: &out)
                    index += 1
                    continue
                }
                content(0x0D, into: &out)
            }
            // Every byte the canonicalizations treat specially (LF, CR, SP, TAB) is ≤ 0x20: a
            // run of bytes above it is ordinary and copied as it is.
            if byte > 0x20 {
                var end = index + 1
                // Eight bytes at a time: whether any is below 0x21 (the exact "has less than"
                // word test, for n ≤ 128: a byte's top bit survives only if it was below n).
                while end + 8 <= count {
                    let word = bytes.loadUnaligned(fromByteOffset: end, as: UInt64.self)
                    if (word &- 0x2121_2121_2121_2121) & ~word & 0x8080_8080_8080_8080 != 0 { break }
                    end += 8
                }
                while end < count && bytes[end] > 0x20 { end += 1 }
                startContent(into: &out)
                copy(UnsafeRawBufferPointer(rebasing: bytes[index..<end]), into: &out)
                index = end
                continue
            }
            switch byte {
            case 0x0A: endLine(into: &out)
            case 0x0D: pendingCR = true
            case 0x20 where relaxed, 0x09 where relaxed: pendingSpace = true
            default: content(byte, into: &out)
            }
            index += 1
        }
    }

    @inline(__always)
    private mutating func copy(_ run: UnsafeRawBufferPointer, into out: inout Output) {
        if run.count > out.staging.count - out.count {
            out.flush(into: &hash)
            if run.count >= out.staging.count {
                hash.update(bufferPointer: run)
                return
            }
        }
        UnsafeMutableRawBufferPointer(rebasing: out.staging[out.count..<(out.count + run.count)]).copyMemory(from: run)
        out.count += run.count
    }
}
