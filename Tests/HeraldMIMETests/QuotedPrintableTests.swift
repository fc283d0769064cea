import Foundation
import Testing
@testable import HeraldMIME

/// Quoted-printable: hand-worked expectations from RFC 2045 §6.7, structural checks on every
/// output line, and decoding by Python's `quopri` as an independent implementation.
struct QuotedPrintableTests {
    private func encode(_ text: String, lineLength: Int = 76) -> String {
        String(decoding: QuotedPrintable.encode(Array(text.utf8), lineLength: lineLength), as: UTF8.self)
    }

    private func x(_ count: Int) -> String { String(repeating: "x", count: count) }

    // MARK: Hand-worked cases (rules 1-5 of RFC 2045 §6.7)

    @Test func printableASCIIIsLiteralAndNoLineBreakIsAdded() {
        #expect(encode("Hello, world! ~{}[]") == "Hello, world! ~{}[]")
        #expect(encode("") == "")
    }

    @Test func equalsSignIsEscaped() {
        #expect(encode("a=b\n") == "a=3Db\r\n")
    }

    @Test func whiteSpaceIsEscapedOnlyAtTheEndOfALine() {
        #expect(encode("a b\tc  \n") == "a b\tc =20\r\n")
        #expect(encode("tab\t") == "tab=09")
        #expect(encode(" \r\n") == "=20\r\n")
    }

    @Test func nonASCIIAndControlsAreUppercaseHex() {
        #expect(encode("café") == "caf=C3=A9")
        #expect(encode("\u{0}\u{7F}\u{1B}") == "=00=7F=1B")
    }

    @Test func lineBreaksBecomeCRLFAndLoneCRIsEscaped() {
        #expect(encode("one\ntwo\r\nthree") == "one\r\ntwo\r\nthree")
        #expect(encode("a\rb\r\n") == "a=0Db\r\n")
        #expect(encode("a\r\r\n") == "a=0D\r\n")
        #expect(encode("\n\n") == "\r\n\r\n")
        #expect(encode("end\r") == "end=0D")
    }

    @Test func dotAtTheStartOfALineIsEscaped() {
        #expect(encode(".\n.. x\na.b") == "=2E\r\n=2E. x\r\na.b")
    }

    @Test func fromAtTheStartOfALineIsEscaped() {
        #expect(encode("From me\nSay From here\nFrom") == "=46rom me\r\nSay From here\r\nFrom")
        #expect(encode("From \n") == "=46rom=20\r\n")
    }

    @Test func longLineGetsSoftBreaksAt76IncludingTheEquals() {
        // 76 characters fit on the last line of a paragraph: no "=" is needed there.
        #expect(encode(x(76)) == x(76))
        // 77 do not: 75 characters and "=" make a 76-character line.
        #expect(encode(x(77)) == x(75) + "=\r\nxx")
        #expect(encode(x(150) + "\n") == x(75) + "=\r\n" + x(75) + "\r\n")
    }

    @Test func softBreakNeverSplitsAnEscape() {
        // "=C3" would end at column 77 with its soft break: it moves to the next line whole.
        #expect(encode(x(74) + "é") == x(74) + "=\r\n=C3=A9")
        // "=3D" ends the paragraph exactly at column 76, so it stays.
        #expect(encode(x(73) + "=") == x(73) + "=3D")
        #expect(encode(x(73) + "=y") == x(73) + "=\r\n=3Dy")
    }

    @Test func softBreakProtectsSpaceAndEscapesALeadingDot() {
        #expect(encode(x(74) + " abc") == x(74) + " =\r\nabc")
        #expect(encode(x(75) + ".y") == x(75) + "=\r\n=2Ey")
        #expect(encode(x(75) + "From x") == x(75) + "=\r\n=46rom x")
    }

    @Test func shorterLineLength() {
        #expect(encode("abcdefgh", lineLength: 5) == "abcd=\r\nefgh")
        // "=C3" fills the 4 columns before the "=", so the break comes between the two escapes.
        #expect(encode("aéb", lineLength: 5) == "a=C3=\r\n=A9b")
    }

    // MARK: Structure of the output

    /// Inputs that put every rule under pressure, including escapes at the soft-break boundary.
    static let trickyInputs: [String] = {
        var inputs = [
            "", "\n", "\n\n\n", "\r\n\r\n", "plain", "trailing space ", "trailing tab\t\n", "  \n\t\n",
            "a=b==c=\n", "=", ".", ".\n", "..\n.\n", "From the start\nFrom\nFrom \n>From\n",
            "a\rb\r\rc\r\n\r", "mixed\nline\r\nendings\n", "\u{0}\u{1}\u{7F}\u{80}", "cr at end\r",
            String(repeating: "x", count: 200), String(repeating: "x", count: 200) + "\n",
            String(repeating: "é", count: 100), String(repeating: "😀", count: 50) + "\n",
            String(repeating: " ", count: 100), String(repeating: "=", count: 60),
            String(repeating: ".", count: 160), String(repeating: "From ", count: 40),
        ]
        for prefix in 70...77 {
            inputs.append(String(repeating: "x", count: prefix) + "é." + String(repeating: "y", count: 80))
            inputs.append(String(repeating: "x", count: prefix) + " " + "\n")
            inputs.append(String(repeating: "x", count: prefix) + "😀😀 z")
            inputs.append(String(repeating: "x", count: prefix) + ".From x")
        }
        return inputs
    }()

    @Test(arguments: trickyInputs)
    func everyOutputLineIsWellFormed(_ input: String) {
        let output = encode(input)
        var lines = output.components(separatedBy: "\r\n")
        if output.hasSuffix("\r\n") { lines.removeLast() }
        for line in lines {
            let bytes = Array(line.utf8)
            #expect(bytes.count <= 76, "line \(line.debugDescription) is \(bytes.count) long")
            #expect(bytes.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) }, "line \(line.debugDescription)")
            #expect(bytes.last != 0x20 && bytes.last != 0x09, "trailing white space in \(line.debugDescription)")
            #expect(!line.hasPrefix(".") && !line.hasPrefix("From "), "line \(line.debugDescription)")
            // Every "=" is a soft break at the very end or starts two uppercase hex digits.
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "=") && index != bytes.count - 1 {
                    let hex = bytes[(index + 1)...].prefix(2)
                    #expect(hex.count == 2 && hex.allSatisfy { Array("0123456789ABCDEF".utf8).contains($0) },
                            "bad escape in \(line.debugDescription)")
                    index += 3
                } else {
                    index += 1
                }
            }
        }
        let endsWithBreak = input.utf8.last == 0x0A
        #expect(output.hasSuffix("\r\n") == endsWithBreak || output.isEmpty)
    }

    // MARK: Decoding by an independent implementation

    /// Runs Python's `quopri.decodestring` on each encoding (hex in, hex out, one per line).
    private func pythonDecode(_ encodings: [[UInt8]]) throws -> [[UInt8]] {
        let script = """
        import sys, quopri, binascii
        for line in sys.stdin.read().split("\\n"):
            if line == "#":
                print(binascii.hexlify(quopri.decodestring(b"")).decode())
            elif line:
                print(binascii.hexlify(quopri.decodestring(binascii.unhexlify(line))).decode())
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let request = encodings.map { $0.isEmpty ? "#" : $0.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n") + "\n"
        // Write from another thread: a large request could otherwise fill both pipes.
        let writer = stdin.fileHandleForWriting
        let data = Data(request.utf8)
        let writing = Thread {
            writer.write(data)
            try? writer.close()
        }
        writing.start()
        let reply = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with quopri is needed for this test")
        // One line per input; an empty decoding is an empty line, so empty lines are kept.
        var lines = String(decoding: reply, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.map { hex in
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
                bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
                index = next
            }
            return bytes
        }
    }

    /// The input with every hard break (LF or CRLF) written as CRLF, as the encoding defines it.
    private func withCRLFBreaks(_ input: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for (index, byte) in input.enumerated() {
            if byte == 0x0A && (index == 0 || input[index - 1] != 0x0D) { result.append(0x0D) }
            result.append(byte)
        }
        return result
    }

    @Test func pythonQuopriDecodesBackExactly() throws {
        let inputs = Self.trickyInputs.map { Array($0.utf8) }
        let decoded = try pythonDecode(inputs.map { QuotedPrintable.encode($0) })
        try #require(decoded.count == inputs.count)
        for (input, result) in zip(inputs, decoded) {
            #expect(result == withCRLFBreaks(input), "input \(String(decoding: input, as: UTF8.self).debugDescription)")
        }
    }

    // MARK: isSevenBitSafe

    @Test func sevenBitSafeText() {
        #expect(QuotedPrintable.isSevenBitSafe([]))
        #expect(QuotedPrintable.isSevenBitSafe(Array("Hello\r\nworld\r\n".utf8)))
        #expect(QuotedPrintable.isSevenBitSafe(Array("..\r\n.x\r\na.\r\n \r\n".utf8)))
        #expect(QuotedPrintable.isSevenBitSafe([0x01, 0x7F, 0x09]))
        #expect(QuotedPrintable.isSevenBitSafe(Array((String(repeating: "a", count: 998) + "\r\nb").utf8)))
    }

    @Test func notSevenBitSafe() {
        #expect(!QuotedPrintable.isSevenBitSafe(Array("café".utf8)))
        #expect(!QuotedPrintable.isSevenBitSafe([UInt8(ascii: "a"), 0x00]))
        #expect(!QuotedPrintable.isSevenBitSafe(Array("a\rb".utf8)))
        #expect(!QuotedPrintable.isSevenBitSafe(Array("a\r".utf8)))
        #expect(!QuotedPrintable.isSevenBitSafe(Array((String(repeating: "a", count: 999) + "\r\n").utf8)))
        #expect(!QuotedPrintable.isSevenBitSafe(Array(("x\r\n" + String(repeating: "a", count: 999)).utf8)))
        #expect(!QuotedPrintable.isSevenBitSafe(Array("a\r\n.\r\nb".utf8)))
        #expect(!QuotedPrintable.isSevenBitSafe(Array("a\r\n.".utf8)))
        #expect(!QuotedPrintable.isSevenBitSafe(Array(".\n".utf8)))
    }
}
