/// The base64 content-transfer-encoding of RFC 2045 §6.8, for message bodies and attachments.
///
/// Streaming: attachments are read in chunks (`AttachmentReader`), so the encoder keeps the up
/// to two input bytes that do not yet make a whole 3-byte group, and the column of the output
/// line it is in, between calls. Any split of the input into chunks therefore produces exactly
/// the bytes of a one-shot encoding, and a line never breaks in a different place because a
/// chunk boundary happened to fall inside it.
///
/// Output lines are `lineLength` characters (76, the RFC maximum, by default), each ended by
/// CRLF; the last line may be shorter. Nothing but the 64 alphabet characters, `=` padding and
/// CRLF is ever written, which is what lets MIME boundaries start with `=_`.
///
/// Speed: a 100 MB attachment is 135 MB of base64, so the hot path works a whole output line at
/// a time through raw pointers (one line is `lineLength / 4 * 3` input bytes, 57 for 76
/// columns), grows the output once per call to its exact final size, and never appends byte by
/// byte.
public struct Base64Encoder: Sendable {
    /// Characters per output line, CRLF not included.
    public let lineLength: Int
    /// Input bytes that make one full output line.
    private let lineInputLength: Int
    /// Input bytes not yet encoded because they do not make a whole group of three (0...2).
    private var pendingCount = 0
    private var pending0: UInt8 = 0
    private var pending1: UInt8 = 0
    /// Characters already written on the current output line (a multiple of 4, below `lineLength`).
    private var column = 0

    /// `lineLength` must be a multiple of 4 in 4...76: RFC 2045 caps lines at 76 characters,
    /// and a multiple of 4 keeps every line a whole number of 4-character groups (so lines
    /// stay independent and decoders that work line by line are happy). Anything else is a
    /// programming error, not a property of the data, and traps.
    public init(lineLength: Int = 76) {
        precondition((4...76).contains(lineLength) && lineLength % 4 == 0,
                     "Base64Encoder lineLength must be a multiple of 4 in 4...76, not \(lineLength)")
        self.lineLength = lineLength
        self.lineInputLength = lineLength / 4 * 3
    }

    /// Encodes more input, appending complete lines ("...76 chars...\r\n") to `output`. Keeps up
    /// to two leftover input bytes and the current output column between calls, so any split of
    /// the input into chunks gives exactly the bytes of a one-shot encoding.
    public mutating func encode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        let size = encodedCount(adding: input.count)
        guard size > 0 else {
            // Fewer than three bytes in total: nothing to write yet, keep them for later.
            keep(input)
            return
        }
        let start = output.count
        // Zero-filling the new tail costs a memset, far cheaper than the encoding itself, and
        // is the only way to hand out writable storage of an existing array without
        // underscored API. The size is exact, so nothing is trimmed afterwards.
        output.append(contentsOf: repeatElement(0, count: size))
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let written = write(input, to: base + start)
            assert(written == size, "Base64Encoder wrote \(written) bytes, expected \(size)")
        }
    }

    /// Encodes more input; see `encode(_:into:)` taking a raw buffer.
    public mutating func encode(_ input: [UInt8], into output: inout [UInt8]) {
        input.withUnsafeBytes { encode($0, into: &output) }
    }

    /// Flushes the leftover bytes with '=' padding and ends the last line with CRLF (nothing is
    /// written for empty input; the output never ends with an empty line).
    ///
    /// The encoder is back in its initial state afterwards, ready for another body.
    public mutating func finish(into output: inout [UInt8]) {
        let size = finishCount
        guard size > 0 else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: size))
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let written = writeFinish(to: base + start)
            assert(written == size, "Base64Encoder wrote \(written) bytes at the end, expected \(size)")
        }
    }

    /// One-shot encoding of `bytes` into CRLF-terminated lines of `lineLength` characters.
    public static func encode(_ bytes: [UInt8], lineLength: Int = 76) -> [UInt8] {
        var encoder = Base64Encoder(lineLength: lineLength)
        let bodySize = encoder.encodedCount(adding: bytes.count)
        // The size after `finish` depends on what `encode` leaves over; work it out on a copy
        // of the state so the array is allocated once and never zero-filled.
        var probe = encoder
        probe.pendingCount = bytes.count % 3
        probe.column = (bytes.count / 3 * 4) % lineLength
        let total = bodySize + probe.finishCount
        return bytes.withUnsafeBytes { input in
            [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
                guard let base = buffer.baseAddress else { count = 0; return }
                var written = encoder.write(input, to: base)
                written += encoder.writeFinish(to: base + written)
                assert(written == total, "Base64Encoder one-shot wrote \(written) bytes, expected \(total)")
                count = written
            }
        }
    }

    // MARK: Sizes

    /// The exact number of bytes `write` produces for `count` more input bytes: whole groups
    /// only (4 characters per 3 bytes), plus CRLF for every line they complete.
    private func encodedCount(adding count: Int) -> Int {
        let characters = (pendingCount + count) / 3 * 4
        return characters + (column + characters) / lineLength * 2
    }

    /// The exact number of bytes `writeFinish` produces.
    private var finishCount: Int {
        if pendingCount > 0 { return 4 + 2 }
        return column > 0 ? 2 : 0
    }

    // MARK: Writing

    /// The base64 alphabet (RFC 2045 Table 1). A `StaticString` is constant data in the binary:
    /// no lazy initialisation, no reference count, a plain pointer in the hot loop.
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// Writes the four characters for one 3-byte group as a single 32-bit store.
    @inline(__always)
    private static func quad(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ table: UnsafePointer<UInt8>,
                             to destination: UnsafeMutablePointer<UInt8>) {
        let group = UInt32(b0) << 16 | UInt32(b1) << 8 | UInt32(b2)
        let c0 = UInt32(table[Int(group >> 18)])
        let c1 = UInt32(table[Int(group >> 12 & 0x3F)])
        let c2 = UInt32(table[Int(group >> 6 & 0x3F)])
        let c3 = UInt32(table[Int(group & 0x3F)])
        UnsafeMutableRawPointer(destination).storeBytes(of: (c0 | c1 << 8 | c2 << 16 | c3 << 24).littleEndian, as: UInt32.self)
    }

    @inline(__always)
    private static func lineBreak(to destination: UnsafeMutablePointer<UInt8>) {
        destination[0] = 0x0D
        destination[1] = 0x0A
    }

    /// Encodes the pending bytes and `input` into `destination`, which has room for
    /// `encodedCount(adding: input.count)` bytes; returns how many were written.
    private mutating func write(_ input: UnsafeRawBufferPointer, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        guard let inputBase = input.baseAddress else { return 0 }
        let table = Self.alphabet.utf8Start
        var source = inputBase.assumingMemoryBound(to: UInt8.self)
        var remaining = input.count
        var output = destination
        var column = self.column
        let lineLength = self.lineLength

        // 1. Complete the group started by the previous call.
        if pendingCount > 0 {
            guard pendingCount + remaining >= 3 else { keep(input); return 0 }
            let used = 3 - pendingCount
            if pendingCount == 2 {
                Self.quad(pending0, pending1, source[0], table, to: output)
            } else {
                Self.quad(pending0, source[0], source[1], table, to: output)
            }
            source += used
            remaining -= used
            pendingCount = 0
            output += 4
            column += 4
            if column == lineLength { Self.lineBreak(to: output); output += 2; column = 0 }
        }

        // 2. Complete the line started by the previous call, a group at a time.
        while column != 0 && remaining >= 3 {
            Self.quad(source[0], source[1], source[2], table, to: output)
            source += 3
            remaining -= 3
            output += 4
            column += 4
            if column == lineLength { Self.lineBreak(to: output); output += 2; column = 0 }
        }

        // 3. The hot loop: whole lines.
        if column == 0 {
            let lineInputLength = self.lineInputLength
            while remaining >= lineInputLength {
                let lineEnd = source + lineInputLength
                while source < lineEnd {
                    Self.quad(source[0], source[1], source[2], table, to: output)
                    source += 3
                    output += 4
                }
                Self.lineBreak(to: output)
                output += 2
                remaining -= lineInputLength
            }
        }

        // 4. The start of a last, partial line (fewer groups than a line holds, so no break).
        while remaining >= 3 {
            Self.quad(source[0], source[1], source[2], table, to: output)
            source += 3
            remaining -= 3
            output += 4
            column += 4
        }
        self.column = column

        // 5. Keep what does not make a whole group.
        keep(UnsafeRawBufferPointer(start: source, count: remaining))
        return output - destination
    }

    /// Writes the padded last group and the final CRLF, and resets the encoder; returns how
    /// many bytes were written (`finishCount`).
    private mutating func writeFinish(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        let table = Self.alphabet.utf8Start
        var written = 0
        switch pendingCount {
        case 1:
            Self.quad(pending0, 0, 0, table, to: destination)
            destination[2] = UInt8(ascii: "=")
            destination[3] = UInt8(ascii: "=")
            written = 4
        case 2:
            Self.quad(pending0, pending1, 0, table, to: destination)
            destination[3] = UInt8(ascii: "=")
            written = 4
        default:
            break
        }
        // A padded group always fits: the column is below lineLength and both are multiples
        // of 4. One CRLF ends the last line; a line that just filled up already has its CRLF.
        if written > 0 || column > 0 {
            Self.lineBreak(to: destination + written)
            written += 2
        }
        pendingCount = 0
        column = 0
        return written
    }

    /// Appends up to two leftover bytes to the pending group (the caller guarantees they do not
    /// complete it).
    private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if pendingCount == 0 { pending0 = byte } else { pending1 = byte }
            pendingCount += 1
        }
        assert(pendingCount < 3, "Base64Encoder kept a whole group")
    }
}
