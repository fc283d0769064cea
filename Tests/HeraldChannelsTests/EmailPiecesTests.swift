import HeraldChannels
import HeraldDocument
import Testing

/// `renderUTF8` gives the email HTML and text as pieces, so that a large message is written to
/// its file without being copied into one String: the pieces must be the bytes `render` gives,
/// cut only between whole blocks or lines, and each of about the piece size.
@Suite struct EmailPiecesTests {
    /// About 3 MB of HTML: paragraphs, lists, quotes, code, a table, marks and links, and
    /// trailing spaces and hard breaks (the text part trims and wraps lines).
    static let document: Document = {
        let unit = """
            # Título \(String(repeating: "é", count: 3))

            Some **bold** and *italic* text with a [link](https://example.com/a?b=c&d=e) and `code`,  \\
            then a hard break, then émojis 😀 and CJK 漢字 so that no piece ends inside a character.

            - one
            - two with trailing spaces   
              - nested

            > quoted <b>html</b> & more

            ```
            code   line
            ```

            | a | b |
            |---|--:|
            | 1 | 2,50 € |


            """
        return MarkdownReader().read(String(repeating: unit, count: 6_000))
    }()

    @Test func htmlPiecesAreTheRenderedHTML() {
        let options = EmailRenderOptions(title: "Pieces", preheader: "Large")
        let whole = EmailHTMLRenderer().render(Self.document, options: options)
        let pieces = EmailHTMLRenderer().renderUTF8(Self.document, options: options)
        #expect(pieces.utf8.count > 2)
        #expect(pieces.utf8.dropLast().allSatisfy { $0.count >= 1_048_576 && $0.count < 1_048_576 + 4096 })
        #expect(pieces.utf8.flatMap { $0 } == Array(whole.html.utf8))
        #expect(pieces.warnings == whole.warnings)
        #expect(pieces.warnings.map(\.code) == [.gmailClipping])
    }

    @Test func textPiecesAreTheRenderedText() {
        let options = EmailRenderOptions(preheader: "Large")
        let whole = EmailTextRenderer().render(Self.document, options: options)
        let pieces = EmailTextRenderer().renderUTF8(Self.document, options: options)
        #expect(pieces.count > 1)
        // Cut after whole lines only.
        #expect(pieces.allSatisfy { $0.last == 0x0A })
        #expect(pieces.flatMap { $0 } == Array(whole.utf8))
    }

    @Test func aSmallMessageIsOnePiece() {
        let document = MarkdownReader().read("Hello **there**.\n")
        let pieces = EmailHTMLRenderer().renderUTF8(document)
        #expect(pieces.utf8.count == 1)
        #expect(pieces.utf8.flatMap { $0 } == Array(EmailHTMLRenderer().render(document).html.utf8))
        #expect(EmailTextRenderer().renderUTF8(document).flatMap { $0 } == Array(EmailTextRenderer().render(document).utf8))
    }
}
