import HeraldChannels
import HeraldDocument
import Testing

@Suite struct SMSEncoderTests {
    let encoder = SMSEncoder()

    @Test func gsmTextUpTo160SeptetsIsOneSegment() {
        let exactly = encoder.analyze(String(repeating: "a", count: 160))
        #expect(exactly.encoding == .gsm7 && exactly.units == 160 && exactly.segments.count == 1)
        let over = encoder.analyze(String(repeating: "a", count: 161))
        #expect(over.segments.map(\.count) == [153, 8])
    }

    @Test func extensionCharactersCostTwoAndAreNeverSplit() {
        let euro = encoder.analyze("€")
        #expect(euro.encoding == .gsm7 && euro.units == 2)
        // 152 septets then '[' (2 septets) does not fit the 153rd slot: it opens the second part.
        let analysis = encoder.analyze(String(repeating: "a", count: 152) + "[" + String(repeating: "b", count: 7))
        #expect(analysis.units == 161)
        #expect(analysis.segments.map(\.count) == [152, 8])
        #expect(analysis.segments[1].hasPrefix("["))
    }

    @Test func oneNonGSMCharacterMakesTheWholeMessageUCS2() {
        let analysis = encoder.analyze("Hello “world”")
        #expect(analysis.encoding == .ucs2)
        #expect(analysis.nonGSMCharacters == ["“", "”"])
        // Accented letters outside the alphabet: 70 fit one SMS, 71 need two (67 + 4).
        #expect(encoder.analyze(String(repeating: "Á", count: 70)).segments.count == 1)
        #expect(encoder.analyze(String(repeating: "Á", count: 71)).segments.map(\.count) == [67, 4])
        // Letters that are in the GSM alphabet stay GSM-7.
        #expect(encoder.analyze("¿Qué pasó? Ñandú è ü").encoding == .ucs2)  // ó and ú are not GSM
        #expect(encoder.analyze("Ñ é ü à ß Å").encoding == .gsm7)
    }

    @Test func aCharacterLongerThanAPartIsCutBetweenItsScalarsAndNoPartIsEmpty() {
        // One letter under 80 combining marks is one character of 81 UTF-16 units: no part can
        // hold it, so it is cut between its scalars (never inside one) — not sent as an
        // oversized part, and never after an empty part.
        let marks = String(repeating: "\u{0301}", count: 80)
        let zalgo = "a" + marks
        let analysis = encoder.analyze("xy" + zalgo + "b")
        #expect(analysis.encoding == .ucs2 && analysis.units == 84)
        #expect(analysis.segments == ["xy", "a" + String(repeating: "\u{0301}", count: 66), String(repeating: "\u{0301}", count: 14), "b"])
        #expect(analysis.segments.allSatisfy { !$0.isEmpty && $0.utf16.count <= 67 })
        #expect(analysis.segments.joined() == "xy" + zalgo + "b")
        #expect(encoder.analyze(zalgo + "b").segments.first?.unicodeScalars.count == 67)
    }

    @Test func manyDistinctNonGSMCharactersAreListedOnceInOrder() {
        // 20,000 distinct CJK characters, each twice: every one listed once, in order.
        let characters = (0..<20_000).compactMap { Unicode.Scalar(UInt32(0x4E00 + $0)).map(Character.init) }
        let analysis = encoder.analyze(String(characters) + String(characters))
        #expect(analysis.nonGSMCharacters == characters.map { String($0) })
        #expect(analysis.units == 40_000 && analysis.segments.count == 598)
    }

    @Test func emojiCountUTF16UnitsAndSurrogatesAreNeverSplit() {
        #expect(encoder.analyze("😜" + String(repeating: "1", count: 68)).segments.count == 1)
        let split = encoder.analyze("😜" + String(repeating: "1", count: 69))
        #expect(split.units == 71 && split.segments.count == 2)
        // 66 units, then an emoji of 2 units does not fit the 67-unit part: it moves whole.
        let moved = encoder.analyze(String(repeating: "a", count: 66) + "😀" + String(repeating: "b", count: 10))
        #expect(moved.segments.map { $0.utf16.count } == [66, 12])
        #expect(moved.segments[1].hasPrefix("😀"))
        // A flag is 4 units and one character.
        #expect(encoder.analyze("🇮🇹").units == 4)
    }

    @Test func combiningMarksForceUCS2AndCRLFCountsOnce() {
        #expect(encoder.analyze("e\u{0301}").encoding == .ucs2)
        #expect(encoder.analyze("a\r\nb").units == 3)
    }

    @Test func transliterationReplacesTypographyAndReportsIt() {
        let analysis = SMSEncoder(transliterate: true).analyze("“Hola” — it’s here… • ok")
        #expect(analysis.text == "\"Hola\" - it's here... - ok")
        #expect(analysis.encoding == .gsm7)
        #expect(analysis.replacements.map(\.from) == ["“", "”", "—", "’", "…", "•"])
        // Accented letters are words, not typography: they stay and keep UCS-2.
        #expect(SMSEncoder(transliterate: true).analyze("acción").encoding == .ucs2)
    }

    @Test func emptyTextHasNoSegment() {
        #expect(encoder.analyze("").segments.isEmpty)
    }
}

@Suite struct SMSTextRendererTests {
    func sms(_ markdown: String) -> String {
        SMSTextRenderer().render(MarkdownReader().read(markdown))
    }

    @Test func formattingDegradesToPlainText() {
        #expect(sms("# Title\n\n**Bold** ==hl== and [docs](https://e.com/d) or <https://e.com>") == "Title\n\nBold hl and docs https://e.com/d or https://e.com")
    }

    @Test func listsKeepMarkersAndNesting() {
        #expect(sms("- one\n  - nested\n- two\n\n3. three\n4. four") == "- one\n  - nested\n- two\n\n3. three\n4. four")
        // An empty item is its marker alone, once (SMS and WhatsApp share this layout).
        #expect(sms("- a\n-\n- b") == "- a\n-\n- b")
        #expect(WhatsAppTextRenderer().render(MarkdownReader().read("1. a\n2.\n3. **b**")) == "1. a\n2.\n3. *b*")
    }

    @Test func tablesBecomeColumnValueLines() {
        #expect(sms("| Item | Qty |\n|---|--:|\n| Mug | 2 |\n| Pot | 1 |") == "Item: Mug\nQty: 2\n\nItem: Pot\nQty: 1")
    }

    @Test func quotesImagesAndRules() {
        #expect(sms("> quoted\n\n![Logo](https://e.com/l.png)\n\n---\n\n[Call](tel:+15550100)") == "> quoted\n\nLogo\n\n---\n\nCall +15550100")
    }
}
