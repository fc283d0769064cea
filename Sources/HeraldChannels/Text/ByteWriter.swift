/// An output buffer of UTF-8 bytes: appending to `[UInt8]` is several times cheaper than
/// appending to a `String`, and renderers append thousands of small pieces. `text` makes the
/// String once at the end.
///
/// A large output is kept as pieces (`sealChunk()`): a buffer grown by doubling holds up to
/// twice what it was written, and a 5 MB message's HTML is 17 MB; copied into a String beside
/// that buffer it took 50 MB. Sealed pieces are copied to their exact size and the buffer is
/// reused, so the output costs about its own size, and `chunks` goes to a file as it is.
struct ByteWriter {
    var bytes: [UInt8] = []
    /// The pieces already set aside, in order (empty until the buffer reaches `chunkSize`).
    private(set) var sealed: [[UInt8]] = []
    private var sealedCount = 0
    /// From this size on, `sealChunk()` sets the buffer aside; by default never (an output
    /// read as one String gains nothing from pieces).
    var chunkSize = Int.max

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written so far.
    var count: Int { sealedCount + bytes.count }

    /// Sets the buffer's bytes aside as a piece of their own size once it holds `chunkSize`.
    /// Callers seal only after a whole line or element: what follows never looks back at them.
    mutating func sealChunk() {
        guard bytes.count >= chunkSize else { return }
        let piece = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            initialized = bytes.withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
        }
        sealed.append(piece)
        sealedCount += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    /// The whole output, as pieces of UTF-8 (never split inside a character).
    var chunks: [[UInt8]] { bytes.isEmpty ? sealed : sealed + [bytes] }

    var text: String { sealed.isEmpty ? String(decoding: bytes, as: UTF8.self) : Self.text(of: chunks) }

    /// One String of pieces of UTF-8, copied once.
    static func text(of chunks: [[UInt8]]) -> String {
        if chunks.count == 1 { return String(decoding: chunks[0], as: UTF8.self) }
        let total = chunks.reduce(0) { $0 + $1.count }
        return String(unsafeUninitializedCapacity: total) { buffer in
            var offset = 0
            for chunk in chunks {
                offset += chunk.withUnsafeBufferPointer { UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(fromContentsOf: $0) }
            }
            return offset
        }
    }

    static func += (writer: inout ByteWriter, piece: String) {
        writer.append(piece.utf8)
    }

    static func += (writer: inout ByteWriter, piece: Substring) {
        writer.append(piece.utf8)
    }

    /// A block copy when the bytes are contiguous (native strings are).
    private mutating func append<Bytes: Collection<UInt8>>(_ piece: Bytes) {
        if piece.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: piece)
        }
    }

    /// Appends `text` escaped for an HTML text node (`&`, `<`, `>`).
    mutating func appendEscapedText(_ text: String) {
        appendEscaped(text, quotes: false)
    }

    mutating func appendEscapedText(_ text: Substring) {
        appendEscaped(text, quotes: false)
    }

    /// Appends `value` escaped for a double-quoted HTML attribute.
    mutating func appendEscapedAttribute(_ value: String) {
        appendEscaped(value, quotes: true)
    }

    /// Besides the markup characters, drops what no HTML (or XML) text may hold and libxml2
    /// reports as an error: C0 controls other than tab, LF and CR, and the noncharacters U+FFFE
    /// and U+FFFF. A model made from any input (a pasted document, JSON, template data) can
    /// hold them; they are invisible, so nothing a reader sees is lost.
    private mutating func appendEscaped<Text: StringProtocol>(_ text: Text, quotes: Bool) {
        if text.utf8.withContiguousStorageIfAvailable({ appendEscaped($0, quotes: quotes) }) == nil {
            let utf8 = Array(text.utf8)
            utf8.withUnsafeBufferPointer { appendEscaped($0, quotes: quotes) }
        }
    }

    /// For each byte, whether escaping may change it: bit 0 in text and attributes (`&`, `<`,
    /// `>`, C0 controls, 0xEF which starts U+FFFE and U+FFFF), bit 1 in attributes only (`"`).
    /// One lookup a byte instead of six comparisons.
    private static let escapeClasses: [UInt8] = (0...255).map { byte in
        if byte == 0x22 { return 0b10 }
        return byte == 0x26 || byte == 0x3C || byte == 0x3E || byte < 0x20 || byte == 0xEF ? 0b01 : 0
    }

    mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, quotes: Bool) {
        let mask: UInt8 = quotes ? 0b11 : 0b01
        let clean = Self.escapeClasses.withUnsafeBufferPointer { classes in
            !utf8.contains { classes[Int($0)] & mask != 0 }
        }
        if clean {
            bytes.append(contentsOf: utf8)
            return
        }
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            case 0x22 where quotes: bytes.append(contentsOf: "&quot;".utf8)
            case 0x09, 0x0A, 0x0D: bytes.append(byte)
            case 0x00..<0x20: break
            case 0xEF where index + 2 < utf8.count && utf8[index + 1] == 0xBF && (utf8[index + 2] == 0xBE || utf8[index + 2] == 0xBF):
                index += 2
            default: bytes.append(byte)
            }
            index += 1
        }
    }
}
