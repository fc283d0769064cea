import HeraldDocument
import Testing

@Suite struct TextDirectionTests {
    @Test func firstStrongCharacterDecides() {
        #expect(TextDirection.detect(in: "123, مرحبا Herald") == .rtl)
        #expect(TextDirection.detect(in: "Herald مرحبا") == .ltr)
        #expect(TextDirection.detect(in: "שלום") == .rtl)
        #expect(TextDirection.detect(in: "你好") == .ltr)
        #expect(TextDirection.detect(in: "123 🎉 !") == nil)
    }

    @Test func documentDirectionSkipsNeutralBlocks() {
        let document = MarkdownReader().read("---\n\n123\n\nمرحبا\n\nHello")
        #expect(document.textDirection == .rtl)
        #expect(MarkdownReader().read("").textDirection == .ltr)
    }
}
