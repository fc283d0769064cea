import Foundation
import Testing
@testable import HeraldMIME

/// Base64 body encoding: the RFC 4648 vectors, line layout, and that streaming in any chunks
/// matches the one-shot encoding byte for byte. Foundation's encoder is the independent
/// reference for random data.
struct Base64EncoderTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Deterministic pseudo-random bytes (a fixed LCG), so a failure reproduces.
    private func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// Foundation's encoding with CRLF after every line, including the last.
    private func reference(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return bytes.isEmpty ? [] : Array(encoded.utf8) + [0x0D, 0x0A]
    }

    @Test func rfc4648TestVectors() {
        #expect(Base64Encoder.encode([]) == [])
        #expect(text(Base64Encoder.encode(Array("f".utf8))) == "Zg==\r\n")
        #expect(text(Base64Encoder.encode(Array("fo".utf8))) == "Zm8=\r\n")
        #expect(text(Base64Encoder.encode(Array("foo".utf8))) == "Zm9v\r\n")
        #expect(text(Base64Encoder.encode(Array("foob".utf8))) == "Zm9vYg==\r\n")
        #expect(text(Base64Encoder.encode(Array("fooba".utf8))) == "Zm9vYmE=\r\n")
        #expect(text(Base64Encoder.encode(Array("foobar".utf8))) == "Zm9vYmFy\r\n")
    }

    @Test func usesTheWholeAlphabetIncludingPlusAndSlash() {
        // 0xFB 0xEF 0xBE is 111110 111110 111110 111110 (62, "+"); 0xFF 0xFF 0xFF is all 63 ("/").
        #expect(text(Base64Encoder.encode([0xFB, 0xEF, 0xBE, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00])) == "++++////AAAA\r\n")
    }

    @Test func fullLineEndsWithOneCRLFAndNoEmptyLine() {
        let line = Base64Encoder.encode([UInt8](repeating: 0, count: 57))
        #expect(line == [UInt8](repeating: UInt8(ascii: "A"), count: 76) + [0x0D, 0x0A])

        let twoLines = Base64Encoder.encode([UInt8](repeating: 0, count: 114))
        #expect(twoLines == ([UInt8](repeating: UInt8(ascii: "A"), count: 76) + [0x0D, 0x0A]) + ([UInt8](repeating: UInt8(ascii: "A"), count: 76) + [0x0D, 0x0A]))
    }

    @Test func oneByteMoreThanALineStartsAPaddedLine() {
        let encoded = text(Base64Encoder.encode([UInt8](repeating: 0, count: 58)))
        #expect(encoded == String(repeating: "A", count: 76) + "\r\nAA==\r\n")
    }

    @Test func everyLineIsAtMostTheLineLengthAndAllButTheLastAreFull() {
        for count in [1, 56, 57, 58, 100, 171, 1000] {
            let lines = text(Base64Encoder.encode(bytes(count, seed: UInt64(count)))).components(separatedBy: "\r\n")
            #expect(lines.last == "", "output must end with CRLF")
            let content = lines.dropLast()
            #expect(content.dropLast().allSatisfy { $0.count == 76 }, "\(count) bytes")
            #expect((content.last?.count ?? 0) >= 4 && (content.last?.count ?? 0) <= 76)
            #expect(!content.contains(""), "no empty line for \(count) bytes")
        }
    }

    @Test func customLineLength() {
        #expect(text(Base64Encoder.encode(Array("foobar".utf8), lineLength: 4)) == "Zm9v\r\nYmFy\r\n")
        #expect(text(Base64Encoder.encode(Array("foobarx".utf8), lineLength: 8)) == "Zm9vYmFy\r\neA==\r\n")
        let sixtyFour = Data(bytes(500, seed: 9)).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        #expect(text(Base64Encoder.encode(bytes(500, seed: 9), lineLength: 64)) == sixtyFour + "\r\n")
    }

    @Test func matchesFoundationForRandomData() {
        for count in Array(0...200) + [1_000, 4_096, 57 * 100 + 1, 100_003] {
            let input = bytes(count, seed: UInt64(count) &+ 1)
            #expect(Base64Encoder.encode(input) == reference(input), "\(count) bytes")
        }
    }

    @Test func everyByteValueDecodesBack() {
        let input = (0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) }
        let encoded = Base64Encoder.encode(input)
        let decoded = Data(base64Encoded: Data(encoded), options: .ignoreUnknownCharacters).map { [UInt8]($0) }
        #expect(decoded == input)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n".utf8)
        #expect(encoded.allSatisfy { allowed.contains($0) })
    }

    @Test func anyChunkingGivesTheOneShotBytes() {
        for count in [0, 1, 2, 3, 4, 56, 57, 58, 59, 113, 114, 115, 300, 1_000] {
            let input = bytes(count, seed: UInt64(count) &* 31)
            let expected = Base64Encoder.encode(input)
            for chunkSize in [1, 2, 3, 4, 5, 7, 56, 57, 58, 100, 2_000] {
                var encoder = Base64Encoder()
                var output: [UInt8] = []
                var start = 0
                while start < input.count {
                    let end = min(start + chunkSize, input.count)
                    encoder.encode(Array(input[start..<end]), into: &output)
                    start = end
                }
                encoder.finish(into: &output)
                #expect(output == expected, "\(count) bytes in chunks of \(chunkSize)")
            }
        }
    }

    @Test func irregularChunksThroughTheRawBufferAPI() {
        let input = bytes(5_000, seed: 77)
        let expected = Base64Encoder.encode(input)
        var sizes = [0, 1, 0, 2, 55, 1, 1, 57, 3, 4, 170, 0, 2]
        var encoder = Base64Encoder()
        var output: [UInt8] = []
        input.withUnsafeBytes { raw in
            var start = 0
            while start < raw.count {
                let size = sizes.isEmpty ? 97 : sizes.removeFirst()
                let end = min(start + size, raw.count)
                encoder.encode(UnsafeRawBufferPointer(rebasing: raw[start..<end]), into: &output)
                start = end
            }
        }
        encoder.finish(into: &output)
        #expect(output == expected)
    }

    @Test func encodeAppendsWholeLinesAndKeepsTheRest() {
        var encoder = Base64Encoder()
        var output = Array("prefix:".utf8)
        encoder.encode(Array("fooba".utf8), into: &output)
        // "foo" is a whole group; "ba" waits for more input or for finish.
        #expect(text(output) == "prefix:Zm9v")
        encoder.encode([UInt8(ascii: "r")], into: &output)
        #expect(text(output) == "prefix:Zm9vYmFy")
        encoder.finish(into: &output)
        #expect(text(output) == "prefix:Zm9vYmFy\r\n")
    }

    @Test func finishWritesNothingForEmptyInputAndResetsTheEncoder() {
        var encoder = Base64Encoder()
        var output: [UInt8] = []
        encoder.encode([], into: &output)
        encoder.finish(into: &output)
        #expect(output.isEmpty)

        encoder.encode(Array("fo".utf8), into: &output)
        encoder.finish(into: &output)
        #expect(text(output) == "Zm8=\r\n")
        // Finishing again adds nothing, and the next body starts on a fresh line state.
        encoder.finish(into: &output)
        encoder.encode(Array("foob".utf8), into: &output)
        encoder.finish(into: &output)
        #expect(text(output) == "Zm8=\r\nZm9vYg==\r\n")
    }

    @Test func paddedGroupThatFillsTheLineGetsOneCRLF() {
        // 56 bytes: 18 whole groups (72 characters) plus a padded group ending at column 76.
        let encoded = text(Base64Encoder.encode([UInt8](repeating: 0xFF, count: 56)))
        #expect(encoded == String(repeating: "/", count: 74) + "8=\r\n")
    }
}
