/// The quoted-printable content-transfer-encoding of RFC 2045 §6.7, for text bodies that are
/// mostly ASCII (the writer switches to base64 when escapes would make them bigger).
///
/// Beyond the RFC's rules, two characters are escaped at the start of an output line because
/// software between Herald and the reader mangles them there:
/// - "." (as `=2E`): an SMTP client that forgets dot-stuffing would end the message at a line
///   that is just ".", or drop the dot of a line starting with "..";
/// - the "F" of "From " (as `=46`): mbox files mark the start of a message with "From ", and
///   some local delivery agents quote such lines with ">", changing the text.
/// Both escapes decode to the same bytes, so they cost three characters and change nothing.
public enum QuotedPrintable {
    /// Encodes text bytes (UTF-8). LF and CRLF in the input are hard line breaks and come out as
    /// CRLF; a CR not followed by LF is encoded as =0D. Output lines are at most `lineLength`
    /// (76) characters including a trailing soft break "="; soft breaks never split an "=XX".
    ///
    /// The output ends with CRLF only if the input ended with a line break: the encoding adds
    /// no line break of its own, so decoding gives back exactly the input (hard breaks as
    /// CRLF). A part body that must end with CRLF should be given text that ends with one.
    ///
    /// `lineLength` must be in 4...76 (room for "=XX" plus a soft break; 76 is the RFC
    /// maximum); anything else is a programming error and traps.
    public static func encode(_ text: [UInt8], lineLength: Int = 76) -> [UInt8] {
        precondition((4...76).contains(lineLength), "QuotedPrintable lineLength must be in 4...76, not \(lineLength)")
        // Every input byte becomes at most three output bytes (an LF becomes two), and a soft
        // break ("=" CRLF) follows at most every lineLength - 4 output characters (at least
        // every character for lineLength 4).
        let bound = text.count * 3 + (text.count * 3 / max(lineLength - 4, 1) + 2) * 3 + 8
        // Written through raw pointers: this runs over every HTML part.
        return [UInt8](unsafeUninitializedCapacity: bound) { output, written in
            written = 0
            guard let destination = output.baseAddress else { return }
            text.withUnsafeBufferPointer { input in
                guard let source = input.baseAddress else { return }
                written = Encoder(source: source, count: input.count, lineLength: lineLength).encode(into: destination)
                precondition(written <= bound, "QuotedPrintable wrote past its bound")
            }
        }
    }

    /// Whether `text` needs no encoding at all for a 7bit part: only ASCII 1...127 without NUL or lone CR,
    /// every line ≤ 998 bytes, and no line that is exactly "." (kept for callers).
    ///
    /// Lines end at LF or CRLF; the 998 counts the bytes before the break (RFC 5322 §2.1.1). A
    /// bare LF is accepted as a line break because callers turn every line break into CRLF
    /// before writing (`MIMEWriter.crlfLines`); a lone CR is refused because it would have to
    /// become a line break, changing the text. A line of just "." is refused so that the
    /// message never relies on the SMTP client's dot-stuffing.
    public static func isSevenBitSafe(_ text: [UInt8]) -> Bool {
        var lineLength = 0
        var lineIsDot = false
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == 0 || byte >= 0x80 { return false }
            if byte == cr {
                guard index + 1 < text.count, text[index + 1] == lf else { return false }
                index += 1
                continue
            }
            if byte == lf {
                if lineIsDot { return false }
                lineLength = 0
                lineIsDot = false
            } else {
                lineLength += 1
                if lineLength > maximumLineLength { return false }
                lineIsDot = lineLength == 1 && byte == UInt8(ascii: ".")
            }
            index += 1
        }
        return !lineIsDot
    }

    // MARK: Private

    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09
    /// RFC 5322 §2.1.1: lines of at most 998 characters, excluding the CRLF.
    private static let maximumLineLength = 998
    private static let hexDigits: StaticString = "0123456789ABCDEF"
    private static let from: [UInt8] = Array("From ".utf8)

    /// One encoding: the input, and the output line's bookkeeping.
    ///
    /// The line rules (where soft breaks go, which white space, "." and "F" are escaped) are
    /// decided per token by `tokenWidth` and `restFits`, exactly as the RFC text reads; what makes
    /// it fast is that the common case, a run of bytes that stand for themselves on a line with
    /// room for them, is found 8 bytes at a time and copied as a whole, the column advancing once
    /// per run. Hard line breaks are found on the way: a run stops at CR and LF (both below
    /// 0x20), so the input is read once.
    ///
    /// In bounds: `destination` has room for `bound` bytes (see `encode`), at least the final
    /// output size plus 8 (the bound counts 3n / (lineLength - 4) + 2 soft breaks where at most
    /// 3n / (lineLength - 3) + 1 occur). Every input byte yields at least one output byte, so
    /// after `index` input bytes the output so far plus `count - index` is at most the final
    /// size: an 8-byte store at `out` while 8 input bytes remain stays within it, and the 4-byte
    /// store of a 3-byte escape uses one of the 8 spare bytes.
    private struct Encoder {
        let source: UnsafePointer<UInt8>
        let count: Int
        let lineLength: Int

        /// Whether a hard line break (LF, or CR followed by LF) starts at `index`; the end of
        /// the input counts as one (the last line ends there).
        @inline(__always)
        func isBreak(at index: Int) -> Bool {
            guard index < count else { return true }
            let byte = source[index]
            return byte == lf || (byte == cr && index &+ 1 < count && source[index &+ 1] == lf)
        }

        /// The encoding; returns the number of bytes written to `destination`.
        func encode(into destination: UnsafeMutablePointer<UInt8>) -> Int {
            // Room for text on a line that a soft break continues: the "=" takes the last column.
            let softLimit = lineLength &- 1
            let digits = hexDigits.utf8Start
            var out = 0
            var column = 0
            var index = 0
            while index < count {
                // 1. A run of bytes that stand for themselves, up to the soft-break column.
                //    '.' and 'F' are only plain mid-line: at the start of a line they go to 3.
                let first = source[index]
                if column > 0 || (first != UInt8(ascii: ".") && first != UInt8(ascii: "F")) {
                    // The line bookkeeping of a run: `lineLimit` is the input index at which the
                    // column would reach the soft-break column if every byte from here took one
                    // character, so column == softLimit - (lineLimit - index) throughout; an
                    // escape inside the run (three characters for one byte) moves it back by 2.
                    var lineLimit = index &+ (softLimit &- column)
                    while true {
                        let end = min(lineLimit, count)
                        if index &+ 8 <= end {
                            // Eight bytes at once: bytes below 0x20 (controls, tab, CR, LF),
                            // from 0x7F up, and "=" are flagged with their high bit; the lowest
                            // flag is exact (a borrow or carry only spills into later bytes), so
                            // every byte before it is plain. Space is plain unless the line ends
                            // right after it, which is checked for the last byte taken.
                            let word = UInt64(littleEndian: UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self))
                            let ones: UInt64 = 0x0101_0101_0101_0101
                            let highs: UInt64 = 0x8080_8080_8080_8080
                            let below = (word &- ones &* 0x20) & ~word & highs
                            let above = ((word &+ ones) | word) & highs
                            let equals = word ^ (ones &* 0x3D)
                            let equal = (equals &- ones) & ~equals & highs
                            let flags = below | above | equal
                            var taken = flags == 0 ? 8 : flags.trailingZeroBitCount / 8
                            if taken > 0 && source[index &+ taken &- 1] == space && isBreak(at: index &+ taken) {
                                taken -= 1
                            }
                            UnsafeMutableRawPointer(destination + out).storeBytes(of: word, as: UInt64.self)
                            out &+= taken
                            index &+= taken
                            if taken == 8 { continue }
                        } else if index < end {
                            // The last few bytes before the limit, one at a time.
                            let byte = source[index]
                            let plain = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                                || ((byte == space || byte == tab) && !isBreak(at: index &+ 1))
                            if plain {
                                destination[out] = byte
                                out &+= 1
                                index &+= 1
                                continue
                            }
                        }
                        // The common escape without leaving the run: a byte always escaped
                        // (non-ASCII, "=") whose "=XX" ends before the soft-break column
                        // (column + 3 <= softLimit); the same as step 2 below.
                        guard index < count, index &+ 3 <= lineLimit else { break }
                        let byte = source[index]
                        guard byte >= 0x80 || byte == UInt8(ascii: "=") else { break }
                        let escape = UInt32(UInt8(ascii: "=")) | UInt32(digits[Int(byte >> 4)]) << 8 | UInt32(digits[Int(byte & 0x0F)]) << 16
                        UnsafeMutableRawPointer(destination + out).storeBytes(of: escape.littleEndian, as: UInt32.self)
                        out &+= 3
                        index &+= 1
                        lineLimit &-= 2
                    }
                    column = softLimit &- (lineLimit &- index)
                    guard index < count else { break }
                }

                // 2. Bytes that are always escaped (non-ASCII, "=") while their "=XX" ends before
                //    the soft-break column: the common escape (two per accented letter), which
                //    needs none of the line-end checks below; then back to a run.
                let escapeStart = index
                while index < count && column &+ 3 <= softLimit {
                    let byte = source[index]
                    guard byte >= 0x80 || byte == UInt8(ascii: "=") else { break }
                    // "=XX" as one 4-byte store; the fourth byte is overwritten next. In bounds:
                    // the bound's 8 spare bytes (see `encode`) cover the one byte past "=XX".
                    let escape = UInt32(UInt8(ascii: "=")) | UInt32(digits[Int(byte >> 4)]) << 8 | UInt32(digits[Int(byte & 0x0F)]) << 16
                    UnsafeMutableRawPointer(destination + out).storeBytes(of: escape.littleEndian, as: UInt32.self)
                    out &+= 3
                    column &+= 3
                    index &+= 1
                }
                if index != escapeStart { continue }

                // 3. One byte that neither took: a hard break, another escape, white space
                //    at the end of a line, '.' or 'F' at its start, or a byte at the soft-break
                //    column.
                if isBreak(at: index) {
                    destination[out] = cr
                    destination[out &+ 1] = lf
                    out &+= 2
                    index &+= source[index] == cr ? 2 : 1
                    column = 0
                    continue
                }
                var width = tokenWidth(at: index, atLineStart: column == 0)
                if column &+ width > softLimit && !restFits(from: index, room: lineLength &- column, atLineStart: column == 0) {
                    destination[out] = UInt8(ascii: "=")
                    destination[out &+ 1] = cr
                    destination[out &+ 2] = lf
                    out &+= 3
                    column = 0
                    // At the start of a line '.' and 'F' may need escaping: the width can change.
                    width = tokenWidth(at: index, atLineStart: true)
                }
                let byte = source[index]
                if width == 1 {
                    destination[out] = byte
                    out &+= 1
                } else {
                    destination[out] = UInt8(ascii: "=")
                    destination[out &+ 1] = digits[Int(byte >> 4)]
                    destination[out &+ 2] = digits[Int(byte & 0x0F)]
                    out &+= 3
                }
                column &+= width
                index &+= 1
            }
            return out
        }

        /// Whether the bytes from `start` to the end of the line take at most `room` characters,
        /// so that they can end the output line without a soft break. Looks at no more than
        /// `room + 1` bytes, so the encoder stays linear however long the line is.
        func restFits(from start: Int, room: Int, atLineStart: Bool) -> Bool {
            var used = 0
            var index = start
            while !isBreak(at: index) {
                used += tokenWidth(at: index, atLineStart: atLineStart && index == start)
                if used > room { return false }
                index += 1
            }
            return true
        }

        /// 1 when the byte at `index` (not a hard break) is written as it is, 3 when it is
        /// written as "=XX".
        @inline(__always)
        func tokenWidth(at index: Int, atLineStart: Bool) -> Int {
            let byte = source[index]
            switch byte {
            case UInt8(ascii: "="):
                return 3
            case space, tab:
                // Trailing white space is removed by some gateways (and by RFC 2045 decoders), so
                // it is escaped at the end of the line; before a soft break the "=" protects it.
                return isBreak(at: index + 1) ? 3 : 1
            case UInt8(ascii: "."):
                return atLineStart ? 3 : 1
            case UInt8(ascii: "F"):
                // "From " has no break inside, so it is on this line if its five bytes are there.
                guard atLineStart, count - index >= from.count else { return 1 }
                for offset in 1..<from.count where source[index + offset] != from[offset] { return 1 }
                return 3
            case 33...126:
                return 1
            default:
                return 3
            }
        }
    }
}
