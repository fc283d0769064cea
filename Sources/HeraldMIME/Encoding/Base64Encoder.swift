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
/// columns) with a 4096-entry table of character pairs (two lookups per 3-byte group), reserves
/// the output once per call, encodes blocks of whole lines into a small buffer that stays in
/// cache and appends each block with one copy; it never appends byte by byte.
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
        output.reserveCapacity(output.count + size)
        // Encodes a block of whole lines at a time into a small buffer that stays in L1, then
        // appended with one copy: the output is written once, where zero-filling its new tail
        // first (the only other way to get writable storage of an existing array without
        // underscored API) wrote every output byte to memory twice.
        let blockInput = lineInputLength * Self.linesPerBlock
        let capacity = Self.maximumEncodedCount(of: blockInput, lineLength: lineLength)
        Self.pairs.withUnsafeBufferPointer { pairs in
            guard let table = pairs.baseAddress else { return }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch in
                guard let block = scratch.baseAddress else { return }
                var offset = 0
                while offset < input.count {
                    let end = min(offset + blockInput, input.count)
                    let written = write(UnsafeRawBufferPointer(rebasing: input[offset..<end]), table: table, to: block)
                    precondition(written <= capacity, "Base64Encoder overran its block buffer")
                    output.append(contentsOf: UnsafeBufferPointer(start: block, count: written))
                    offset = end
                }
            }
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
                var written = Self.pairs.withUnsafeBufferPointer { pairs in
                    guard let table = pairs.baseAddress else { return 0 }
                    return encoder.write(input, table: table, to: base)
                }
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

    /// An upper bound of what `write` produces for `count` input bytes whatever the state (two
    /// pending bytes, the column just before the end of a line): the block buffer's size.
    private static func maximumEncodedCount(of count: Int, lineLength: Int) -> Int {
        let characters = (count + 2) / 3 * 4
        return characters + (lineLength - 4 + characters) / lineLength * 2
    }

    /// Lines encoded into the block buffer between two appends to the output: 64 lines of 76
    /// are 4,992 bytes, small enough to stay in L1, big enough that the append's fixed cost
    /// does not matter.
    private static let linesPerBlock = 64

    /// The exact number of bytes `writeFinish` produces.
    private var finishCount: Int {
        if pendingCount > 0 { return 4 + 2 }
        return column > 0 ? 2 : 0
    }

    // MARK: Writing

    /// The base64 alphabet (RFC 2045 Table 1). A `StaticString` is constant data in the binary:
    /// no lazy initialisation, no reference count, a plain pointer.
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// The two characters for every 12-bit value: entry `v` holds the character of `v >> 6` in
    /// its low byte and that of `v & 63` in its high byte, so that a little-endian 16-bit store
    /// writes them in order. A 3-byte group is two lookups and one 32-bit store instead of four
    /// lookups; the table is 8 KB and stays in L1.
    private static let pairs: [UInt16] = (0..<4096).map { value in
        let table = alphabet.utf8Start
        return UInt16(table[value >> 6]) | UInt16(table[value & 0x3F]) << 8
    }

    /// Writes the four characters for one 3-byte group as a single 32-bit store.
    @inline(__always)
    private static func quad(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ pairs: UnsafePointer<UInt16>,
                             to destination: UnsafeMutablePointer<UInt8>) {
        let group = UInt32(b0) << 16 | UInt32(b1) << 8 | UInt32(b2)
        let first = UInt32(pairs[Int(group >> 12)])
        let second = UInt32(pairs[Int(group & 0xFFF)])
        UnsafeMutableRawPointer(destination).storeBytes(of: (first | second << 16).littleEndian, as: UInt32.self)
    }

    /// Writes one whole line's groups: `groups` 3-byte groups from `source`, 4 characters each.
    /// Two groups per step: one 8-byte big-endian load whose top six bytes are the two groups
    /// (four 12-bit indices), one 64-bit store of their eight characters. The load reads two
    /// bytes past the pair, so it is used only while those are still inside the line
    /// (`3 * group + 8 <= 3 * groups`); with 19 groups (76 columns) that is every pair.
    @inline(__always)
    private static func line(_ source: UnsafePointer<UInt8>, groups: Int, _ pairs: UnsafePointer<UInt16>,
                             to destination: UnsafeMutablePointer<UInt8>) {
        var group = 0
        while group * 3 + 8 <= groups * 3 {
            let bits = UInt64(bigEndian: UnsafeRawPointer(source + group * 3).loadUnaligned(as: UInt64.self))
            let chars = UInt64(pairs[Int(bits >> 52)]) | UInt64(pairs[Int(bits >> 40 & 0xFFF)]) << 16
                | UInt64(pairs[Int(bits >> 28 & 0xFFF)]) << 32 | UInt64(pairs[Int(bits >> 16 & 0xFFF)]) << 48
            UnsafeMutableRawPointer(destination + group * 4).storeBytes(of: chars.littleEndian, as: UInt64.self)
            group += 2
        }
        while group + 2 <= groups {
            let s = source + group * 3
            let high = UInt32(s[0]) << 16 | UInt32(s[1]) << 8 | UInt32(s[2])
            let low = UInt32(s[3]) << 16 | UInt32(s[4]) << 8 | UInt32(s[5])
            let chars = UInt64(pairs[Int(high >> 12)]) | UInt64(pairs[Int(high & 0xFFF)]) << 16
                | UInt64(pairs[Int(low >> 12)]) << 32 | UInt64(pairs[Int(low & 0xFFF)]) << 48
            UnsafeMutableRawPointer(destination + group * 4).storeBytes(of: chars.littleEndian, as: UInt64.self)
            group += 2
        }
        if group < groups {
            let s = source + group * 3
            quad(s[0], s[1], s[2], pairs, to: destination + group * 4)
        }
    }

    /// `quad` through the 64-entry alphabet, for the padded last group (no table to set up).
    private static func quadFromAlphabet(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ table: UnsafePointer<UInt8>,
                                         to destination: UnsafeMutablePointer<UInt8>) {
        let group = UInt32(b0) << 16 | UInt32(b1) << 8 | UInt32(b2)
        for index in 0..<4 {
            destination[index] = table[Int(group >> (18 - 6 * UInt32(index)) & 0x3F)]
        }
    }

    @inline(__always)
    private static func lineBreak(to destination: UnsafeMutablePointer<UInt8>) {
        destination[0] = 0x0D
        destination[1] = 0x0A
    }

    /// Encodes the pending bytes and `input` into `destination`, which has room for
    /// `encodedCount(adding: input.count)` bytes; returns how many were written.
    private mutating func write(_ input: UnsafeRawBufferPointer, table: UnsafePointer<UInt16>,
                                to destination: UnsafeMutablePointer<UInt8>) -> Int {
        guard let inputBase = input.baseAddress else { return 0 }
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
            let groups = lineInputLength / 3
            while remaining >= lineInputLength {
                Self.line(source, groups: groups, table, to: output)
                Self.lineBreak(to: output + lineLength)
                source += lineInputLength
                output += lineLength + 2
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
            Self.quadFromAlphabet(pending0, 0, 0, table, to: destination)
            destination[2] = UInt8(ascii: "=")
            destination[3] = UInt8(ascii: "=")
            written = 4
        case 2:
            Self.quadFromAlphabet(pending0, pending1, 0, table, to: destination)
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
