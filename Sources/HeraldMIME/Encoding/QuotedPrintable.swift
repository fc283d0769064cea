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
        // break ("=" CRLF) follows at most every lineLength - 4 output characters.
        let bound = text.count * 3 + (text.count * 3 / (lineLength - 4) + 2) * 3 + 8
        // Written through raw buffers: this runs over every HTML part, byte by byte.
        return [UInt8](unsafeUninitializedCapacity: bound) { output, written in
            text.withUnsafeBufferPointer { input in
                var out = 0
                var lineStart = 0
                var index = 0
                while index < input.count {
                    let byte = input[index]
                    if byte == lf || (byte == cr && index + 1 < input.count && input[index + 1] == lf) {
                        encodeLine(input, from: lineStart, to: index, lineLength: lineLength, into: output, at: &out)
                        output[out] = cr
                        output[out + 1] = lf
                        out += 2
                        index += byte == cr ? 2 : 1
                        lineStart = index
                    } else {
                        index += 1
                    }
                }
                if lineStart < input.count {
                    encodeLine(input, from: lineStart, to: input.count, lineLength: lineLength, into: output, at: &out)
                }
                written = out
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

    /// Encodes the bytes of one input line (no hard break inside) with soft breaks as needed.
    private static func encodeLine(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, lineLength: Int,
                                   into output: UnsafeMutableBufferPointer<UInt8>, at out: inout Int) {
        // Room for text on a line that a soft break continues: the "=" takes the last column.
        let softLimit = lineLength - 1
        var column = 0
        var index = start
        while index < end {
            // Fast run: printable bytes that stand for themselves, while they cannot reach the
            // soft-break column ('.' and 'F' only mid-line; space and tab never last).
            while index < end && column < softLimit {
                let byte = input[index]
                let plain = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == space || byte == tab) && index != end - 1)
                guard plain, column > 0 || (byte != UInt8(ascii: ".") && byte != UInt8(ascii: "F")) else { break }
                output[out] = byte
                out += 1
                column += 1
                index += 1
            }
            guard index < end else { break }
            var width = tokenWidth(input, at: index, lineEnd: end, atLineStart: column == 0)
            if column + width > softLimit && !restFits(input, from: index, lineEnd: end, room: lineLength - column, atLineStart: column == 0) {
                output[out] = UInt8(ascii: "=")
                output[out + 1] = cr
                output[out + 2] = lf
                out += 3
                column = 0
                // At the start of a line '.' and 'F' may need escaping: the width can change.
                width = tokenWidth(input, at: index, lineEnd: end, atLineStart: true)
            }
            let byte = input[index]
            if width == 1 {
                output[out] = byte
                out += 1
            } else {
                let digits = hexDigits.utf8Start
                output[out] = UInt8(ascii: "=")
                output[out + 1] = digits[Int(byte >> 4)]
                output[out + 2] = digits[Int(byte & 0x0F)]
                out += 3
            }
            column += width
            index += 1
        }
    }

    /// Whether the bytes from `start` to the end of the line take at most `room` characters,
    /// so that they can end the output line without a soft break. Looks at no more than `room`
    /// bytes, so the encoder stays linear however long the line is.
    private static func restFits(_ input: UnsafeBufferPointer<UInt8>, from start: Int, lineEnd: Int, room: Int, atLineStart: Bool) -> Bool {
        var used = 0
        var index = start
        while index < lineEnd {
            used += tokenWidth(input, at: index, lineEnd: lineEnd, atLineStart: atLineStart && index == start)
            if used > room { return false }
            index += 1
        }
        return true
    }

    /// 1 when the byte at `index` is written as it is, 3 when it is written as "=XX".
    @inline(__always)
    private static func tokenWidth(_ input: UnsafeBufferPointer<UInt8>, at index: Int, lineEnd: Int, atLineStart: Bool) -> Int {
        let byte = input[index]
        switch byte {
        case UInt8(ascii: "="):
            return 3
        case space, tab:
            // Trailing white space is removed by some gateways (and by RFC 2045 decoders), so
            // it is escaped at the end of the line; before a soft break the "=" protects it.
            return index == lineEnd - 1 ? 3 : 1
        case UInt8(ascii: "."):
            return atLineStart ? 3 : 1
        case UInt8(ascii: "F"):
            guard atLineStart, lineEnd - index >= from.count else { return 1 }
            for offset in 1..<from.count where input[index + offset] != from[offset] { return 1 }
            return 3
        case 33...126:
            return 1
        default:
            return 3
        }
    }
}
