import Testing
@testable import HeraldMIME

/// Punycode against the RFC 3492 §7.1 samples, and IDNA's label rules.
struct PunycodeTests {
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let unicode: String
        let punycode: String
        var testDescription: String { name }
    }

    /// RFC 3492 §7.1, written as the code points the RFC lists (bidi and CJK text is easy to
    /// mistype), plus common real-world labels.
    static let samples: [Sample] = [
        Sample(name: "(A) Arabic (Egyptian)",
               unicode: "\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}",
               punycode: "egbpdaj6bu4bxfgehfvwxn"),
        Sample(name: "(B) Chinese (simplified)",
               unicode: "\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}",
               punycode: "ihqwcrb4cv8a8dqg056pqjye"),
        Sample(name: "(C) Chinese (traditional)",
               unicode: "\u{4ED6}\u{5011}\u{7232}\u{4EC0}\u{9EBD}\u{4E0D}\u{8AAA}\u{4E2D}\u{6587}",
               punycode: "ihqwctvzc91f659drss3x8bo0yb"),
        Sample(name: "(D) Czech",
               unicode: "Pro\u{10D}prost\u{11B}nemluv\u{ED}\u{10D}esky",
               punycode: "Proprostnemluvesky-uyb24dma41a"),
        Sample(name: "(L) 3<nen>B<gumi><kinpachi><sensei>",
               unicode: "3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}",
               punycode: "3B-ww4c5e180e575a65lsy2b"),
        Sample(name: "(O) <hitotsu><yane><no><shita>2",
               unicode: "\u{3072}\u{3068}\u{3064}\u{5C4B}\u{6839}\u{306E}\u{4E0B}2",
               punycode: "2-u9tlzr9756bt3uc0v"),
        Sample(name: "(R) -> $1.00 <-", unicode: "-> $1.00 <-", punycode: "-> $1.00 <--"),
        Sample(name: "bücher", unicode: "bücher", punycode: "bcher-kva"),
        Sample(name: "münchen", unicode: "münchen", punycode: "mnchen-3ya"),
        Sample(name: "例え", unicode: "例え", punycode: "r8jz45g"),
        Sample(name: "テスト", unicode: "テスト", punycode: "zckzah"),
        Sample(name: "emoji outside the BMP", unicode: "😀", punycode: "e28h"),
    ]

    @Test(arguments: samples)
    func encodesTheSample(_ sample: Sample) {
        #expect(Punycode.encode(sample.unicode) == sample.punycode)
    }

    @Test(arguments: samples)
    func decodesTheSample(_ sample: Sample) {
        #expect(Punycode.decode(sample.punycode) == sample.unicode)
        #expect(Punycode.decode(Punycode.encode(sample.unicode) ?? "") == sample.unicode)
    }

    @Test func decodingIgnoresTheCaseOfDigits() {
        #expect(Punycode.decode("BCHER-KVA") == "BüCHER", "basic code points keep their case")
        #expect(Punycode.decode("bcher-KVA") == "bücher")
    }

    @Test func emptyAndAllBasicLabels() {
        #expect(Punycode.encode("") == "")
        #expect(Punycode.decode("") == "")
        #expect(Punycode.encode("abc") == "abc-")
        #expect(Punycode.decode("abc-") == "abc")
    }

    @Test func combiningMarksStaySeparateCodePoints() {
        // "e" + U+0301 is one Character but two code points; NFC would be U+00E9 ("9ca").
        let decomposed = "e\u{301}"
        #expect(Punycode.encode(decomposed) == "e-xbb")
        #expect(Punycode.decode("e-xbb")?.unicodeScalars.map(\.value) == [0x65, 0x301])
    }

    @Test func encodeRefusesOverflow() {
        // delta reaches (0x10FFFF - 0x80) * 3001, past the RFC's 32-bit maxint.
        #expect(Punycode.encode(String(repeating: "a", count: 3_000) + "\u{10FFFF}") == nil)
        #expect(Punycode.encode(String(repeating: "a", count: 100) + "\u{10FFFF}") != nil)
    }

    @Test func decodeRefusesInvalidInput() {
        #expect(Punycode.decode("bcher-kv!") == nil, "not a base-36 digit")
        #expect(Punycode.decode("bücher-kva") == nil, "non-ASCII input")
        #expect(Punycode.decode("zzzzzzzzzzzz") == nil, "overflow")
        #expect(Punycode.decode("a-z") == nil, "an integer cut off in the middle")
        #expect(Punycode.decode("99999999") == nil, "an integer cut off in the middle")
        // Well-formed Punycode for code points that are not Unicode scalars (Python's codec
        // computes these too): U+D800, a surrogate, and U+110000, past the last code point.
        #expect(Punycode.decode("ib9b") == nil)
        #expect(Punycode.decode("en32g") == nil)
        #expect(Punycode.decode("dn32g") == "\u{10FFFF}", "the last code point itself is fine")
    }

    // MARK: IDNA

    @Test func toASCIIEncodesNonASCIILabels() {
        #expect(IDNA.toASCII("münchen.de") == "xn--mnchen-3ya.de")
        #expect(IDNA.toASCII("BÜCHER.example") == "xn--bcher-kva.example")
        #expect(IDNA.toASCII("例え.テスト") == "xn--r8jz45g.xn--zckzah")
    }

    @Test func toASCIILowercasesASCIIAndKeepsItOtherwise() {
        #expect(IDNA.toASCII("Mail.Example.COM") == "mail.example.com")
        #expect(IDNA.toASCII("a-1.b2") == "a-1.b2")
        #expect(IDNA.toASCII("xn--mnchen-3ya.de") == "xn--mnchen-3ya.de")
    }

    @Test func toASCIISplitsOnIdeographicAndFullwidthStops() {
        #expect(IDNA.toASCII("例え\u{3002}テスト") == "xn--r8jz45g.xn--zckzah")
        #expect(IDNA.toASCII("example\u{FF0E}com") == "example.com")
        #expect(IDNA.toASCII("example\u{FF61}com") == "example.com")
    }

    @Test func toASCIIDropsOneTrailingDot() {
        #expect(IDNA.toASCII("example.com.") == "example.com")
        #expect(IDNA.toASCII("例え。") == "xn--r8jz45g")
        #expect(IDNA.toASCII("example.com..") == nil)
    }

    @Test func toASCIIRefusesEmptyLabels() {
        #expect(IDNA.toASCII("") == nil)
        #expect(IDNA.toASCII(".") == nil)
        #expect(IDNA.toASCII(".example.com") == nil)
        #expect(IDNA.toASCII("example..com") == nil)
    }

    @Test func toASCIIRefusesCharactersOutsideLettersDigitsHyphen() {
        #expect(IDNA.toASCII("exa mple.com") == nil)
        #expect(IDNA.toASCII("exa_mple.com") == nil)
        #expect(IDNA.toASCII("user@example.com") == nil)
        #expect(IDNA.toASCII("ü b.example") == nil, "ASCII in a non-ASCII label follows the same rule")
        #expect(IDNA.toASCII("ü\u{A0}b.example") == nil, "no-break space")
        #expect(IDNA.toASCII("ü\u{0085}.example") == nil, "C1 control")
    }

    @Test func toASCIIRefusesInvisibleCharactersAndMapsFullWidthLetters() {
        // Zero-width and bidi characters would make an invisible lookalike of a real domain.
        for invisible in ["\u{200B}", "\u{2060}", "\u{202E}", "\u{FEFF}"] {
            #expect(IDNA.toASCII("example.com\(invisible)") == nil, "U+\(String(invisible.unicodeScalars.first?.value ?? 0, radix: 16))")
        }
        // UTS #46 maps full-width letters to ASCII: the same domain, not a new punycode label.
        #expect(IDNA.toASCII("ｅｘａｍｐｌｅ.com") == "example.com")
    }

    @Test func toASCIIRefusesHyphenAtTheEdges() {
        #expect(IDNA.toASCII("-example.com") == nil)
        #expect(IDNA.toASCII("example-.com") == nil)
        #expect(IDNA.toASCII("-ü.com") == nil)
        #expect(IDNA.toASCII("ü-.com") == nil)
        #expect(IDNA.toASCII("ex-ample.com") == "ex-ample.com")
    }

    @Test func toASCIILabelLengthIsCountedAfterEncoding() {
        let sixtyThree = String(repeating: "a", count: 63)
        #expect(IDNA.toASCII(sixtyThree + ".com") == sixtyThree + ".com")
        #expect(IDNA.toASCII(sixtyThree + "a.com") == nil)
        // 60 characters (120 UTF-8 bytes) become "xn--9c" + 60 "a": 66 bytes, too long.
        let accented = String(repeating: "é", count: 60)
        #expect(IDNA.toASCII(String(repeating: "é", count: 57) + ".com") == "xn--9c" + String(repeating: "a", count: 57) + ".com")
        #expect(IDNA.toASCII(accented + ".com") == nil)
        // "xn--" + 55 a's + "-8yf" is exactly 63 bytes (Python's codec agrees); one more a is 64.
        #expect(IDNA.toASCII(String(repeating: "a", count: 55) + "ü.com") == "xn--" + String(repeating: "a", count: 55) + "-8yf.com")
        #expect(IDNA.toASCII(String(repeating: "a", count: 56) + "ü.com") == nil)
    }

    @Test func aLabelsMustBeValidPunycodeOfAValidULabel() throws {
        #expect(IDNA.toASCII("xn--mnchen-3ya.de") == "xn--mnchen-3ya.de")
        #expect(IDNA.toASCII("XN--MNCHEN-3YA.de") == "xn--mnchen-3ya.de", "DNS letters are case-insensitive")
        #expect(IDNA.toASCII("xn--zz.com") == nil, "not Punycode at all")
        #expect(IDNA.toASCII("xn--.com") == nil, "decodes to nothing")
        #expect(IDNA.toASCII("xn--abc-.com") == nil, "decodes to ASCII only: not an A-label")
        // Valid Punycode of labels IDNA refuses as U-labels: a bidi override, an uppercase
        // letter that ToASCII would have lowercased, a full-width letter it would have mapped.
        for refused in ["a\u{202E}b", "mÜnchen", "ｅxämple"] {
            let punycode = try #require(Punycode.encode(refused))
            #expect(IDNA.toASCII("xn--\(punycode).com") == nil, "\(refused) as xn--\(punycode)")
        }
    }

    @Test func toASCIIDomainLengthLimit() {
        let label = String(repeating: "a", count: 63)
        let limit = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(limit.utf8.count == 253)
        #expect(IDNA.toASCII(limit) == limit)
        #expect(IDNA.toASCII(limit + "b") == nil)
        #expect(IDNA.toASCII(limit + ".") == limit, "the trailing dot is not counted")
    }
}
