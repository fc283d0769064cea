import Foundation
import Testing
@testable import HeraldMIME

/// Differential tests for the MIME encoders: the optimised encoders against simple references
/// written here, over many seeded random inputs (sizes 0...5,000). For base64 the reference is
/// Foundation's encoder split into 76-character lines, each ended by CRLF (the last too), fed to
/// `Base64Encoder` in random chunk splits; for quoted-printable it is
/// `ReferenceQuotedPrintable`, a byte-by-byte copy of the straightforward encoder that the
/// optimised one replaced, on inputs biased to the bytes and line lengths where its rules bite.
struct EncoderDifferentialTests {
    /// SplitMix64: seeded, so a failure reproduces from the printed seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Foundation's base64 in lines of `lineLength` characters, each followed by CRLF; nothing
    /// for empty input.
    static func referenceBase64(_ bytes: [UInt8], lineLength: Int = 76) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var output: [UInt8] = []
        var start = 0
        while start < encoded.count {
            let end = min(start + lineLength, encoded.count)
            output += encoded[start..<end]
            output += [0x0D, 0x0A]
            start = end
        }
        return output
    }

    @Test func base64MatchesFoundationInRandomChunks() {
        var random = SeededGenerator(state: 0xB64)
        for round in 0..<400 {
            let size = round < 200 ? round : Int.random(in: 0...5_000, using: &random)
            let input = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
            let lineLength = round % 5 == 4 ? 4 * Int.random(in: 1...19, using: &random) : 76
            let expected = Self.referenceBase64(input, lineLength: lineLength)
            #expect(Base64Encoder.encode(input, lineLength: lineLength) == expected, "one-shot, \(size) bytes, round \(round)")

            // The same input in random pieces (empty ones included), several splits per input,
            // appended to output that already holds something.
            for _ in 0..<3 {
                var encoder = Base64Encoder(lineLength: lineLength)
                var output: [UInt8] = [0x41, 0x42]
                var start = 0
                while start < input.count {
                    let piece = Int.random(in: 0...(Bool.random(using: &random) ? 8 : 200), using: &random)
                    let end = min(start + piece, input.count)
                    input[start..<end].withUnsafeBytes { encoder.encode($0, into: &output) }
                    start = end
                }
                encoder.finish(into: &output)
                #expect(Array(output.dropFirst(2)) == expected, "chunked, \(size) bytes, round \(round)")
                // finish resets: the encoder is reusable.
                var again: [UInt8] = []
                encoder.encode(input, into: &again)
                encoder.finish(into: &again)
                #expect(again == expected, "reused encoder, \(size) bytes, round \(round)")
            }
        }
    }

    /// Random text biased to what quoted-printable treats specially: spaces and tabs (escaped
    /// only at the end of a line), CR and LF (lone CR, CRLF, bare LF), "=", non-ASCII and
    /// controls, "." and "From " at the start of lines, and lines of exactly 75, 76 and 77
    /// characters (around the soft-break column).
    static func qpText(_ random: inout SeededGenerator, size: Int) -> [UInt8] {
        let pieces: [[UInt8]] = [
            [0x20], [0x09], [0x0D], [0x0A], [0x0D, 0x0A], [0x3D], [0x2E], Array("From ".utf8), Array("Fro".utf8),
            Array("ñ".utf8), Array("€".utf8), [0x00], [0x7F], [0xFF], [0x20, 0x0A], [0x09, 0x0D, 0x0A], [0x20, 0x0D],
        ]
        var text: [UInt8] = []
        while text.count < size {
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                // A run of plain letters, sometimes long.
                let count = Int.random(in: 0...(Bool.random(using: &random) ? 12 : 160), using: &random)
                text += (0..<count).map { _ in UInt8.random(in: 0x61...0x7A, using: &random) }
            case 4:
                // A line of exactly 74...78 characters, maybe ending in white space or "=".
                var line = (0..<Int.random(in: 74...78, using: &random)).map { _ in UInt8.random(in: 0x41...0x5A, using: &random) }
                if Bool.random(using: &random), let last = line.indices.last {
                    line[last] = [0x20, 0x09, 0x3D, 0xC3][Int.random(in: 0..<4, using: &random)]
                }
                text += line + (Bool.random(using: &random) ? [0x0A] : [0x0D, 0x0A])
            case 5:
                text += (0..<Int.random(in: 1...6, using: &random)).map { _ in [0x20, 0x09][Int.random(in: 0...1, using: &random)] }
            case 6:
                text.append(UInt8.random(in: 0...255, using: &random))
            default:
                text += pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }
        }
        return Array(text.prefix(size))
    }

    @Test func quotedPrintableMatchesTheReference() {
        var random = SeededGenerator(state: 0x9F)
        for round in 0..<2_000 {
            let size = round < 300 ? round : Int.random(in: 0...5_000, using: &random)
            let text = Self.qpText(&random, size: size)
            let lineLength = round % 7 == 6 ? Int.random(in: 4...76, using: &random) : 76
            let expected = ReferenceQuotedPrintable.encode(text, lineLength: lineLength)
            let actual = QuotedPrintable.encode(text, lineLength: lineLength)
            #expect(actual == expected, "round \(round), \(size) bytes, lineLength \(lineLength)")
            if actual != expected { return }
        }
    }

    @Test func quotedPrintableMatchesTheReferenceOnUniformBytesAndLongLines() {
        var random = SeededGenerator(state: 0x51)
        for round in 0..<300 {
            let size = Int.random(in: 0...5_000, using: &random)
            let text: [UInt8]
            switch round % 3 {
            case 0: text = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1: text = (0..<size).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
            default:
                // The benchmark's shape: Spanish text without line breaks.
                let sentence = Array("Confirmación de envío: su pedido nº 10482 llegará mañana. = ".utf8)
                text = Array((0..<(size / sentence.count + 1)).flatMap { _ in sentence }.prefix(size))
            }
            #expect(QuotedPrintable.encode(text) == ReferenceQuotedPrintable.encode(text), "round \(round), \(size) bytes")
            // The shortest line length (the encoder used to divide by zero there).
            #expect(QuotedPrintable.encode(text, lineLength: 4) == ReferenceQuotedPrintable.encode(text, lineLength: 4), "round \(round), lineLength 4")
        }
    }
}

/// The quoted-printable encoder as it was before it was optimised (issue 19), kept as the
/// differential tests' reference: byte by byte, easy to check against RFC 2045 §6.7 and the
/// "." / "From " rules documented on `QuotedPrintable`.
enum ReferenceQuotedPrintable {
    static func encode(_ text: [UInt8], lineLength: Int = 76) -> [UInt8] {
        // `max(…, 1)`: the original divided by zero for lineLength 4 (fixed with the rewrite;
        // the bound only sizes the buffer, the output is unchanged).
        let bound = text.count * 3 + (text.count * 3 / max(lineLength - 4, 1) + 2) * 3 + 8
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

    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    private static let from: [UInt8] = Array("From ".utf8)

    private static func encodeLine(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, lineLength: Int,
                                   into output: UnsafeMutableBufferPointer<UInt8>, at out: inout Int) {
        let softLimit = lineLength - 1
        var column = 0
        var index = start
        while index < end {
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
                width = tokenWidth(input, at: index, lineEnd: end, atLineStart: true)
            }
            let byte = input[index]
            if width == 1 {
                output[out] = byte
                out += 1
            } else {
                output[out] = UInt8(ascii: "=")
                output[out + 1] = hexDigits[Int(byte >> 4)]
                output[out + 2] = hexDigits[Int(byte & 0x0F)]
                out += 3
            }
            column += width
            index += 1
        }
    }

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

    private static func tokenWidth(_ input: UnsafeBufferPointer<UInt8>, at index: Int, lineEnd: Int, atLineStart: Bool) -> Int {
        let byte = input[index]
        switch byte {
        case UInt8(ascii: "="):
            return 3
        case space, tab:
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
