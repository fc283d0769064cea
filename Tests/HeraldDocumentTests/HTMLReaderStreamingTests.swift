import Foundation
@testable import HeraldDocument
import Testing

/// The HTML reader walks libxml2's tree while libxml2 parses, freeing what it has read, so the
/// tree never holds much more than a piece of the input (64 KB). What it reads must not depend
/// on that: walking after every element (a piece of 1 byte) gives exactly the reading of one
/// walk after the whole parse — the tree libxml2 built without any node freed, as before.
/// (The memory it saves is measured by Benchmarks/input-memory.sh, not here.)
@Suite struct HTMLReaderStreamingTests {
    /// Walked after every element, every 64 bytes, at the default piece size, and once at the end.
    static func readings(_ bytes: [UInt8]) -> [HTMLReading] {
        [1, 64, HTMLReader.pieceSize].map { HTMLReader().read(bytes: bytes, pieceSize: $0) }
    }

    static let cases: [String] = [
        // Elements that span many walks; blocks inside an element still open (a wrapper).
        "<div><p>one <b>bold <i>both</i></b></p><p>two</p><ul><li>a<li>b</ul></div><p>after</p>",
        "<table><tr><td>a</td><td><b>b</b></td></tr><tr><td colspan=2>c</td></tr></table>tail",
        // Comments, conditional comments (reported), Word's downlevel conditionals, CDATA-like text.
        "<p>a<!-- one --><!-- two -->b</p><!--[if mso]><p>x</p><![endif]--><p>c</p>",
        "<p><![if !supportLists]>1.<![endif]>item</p><![CDATA[ <b>not a tag</b> ]]><p>after</p>",
        // Blanks after a block, before and after comments: libxml2 decides whether they are
        // content by looking at the last child before the comments, which must still be there.
        "<table><tr><td>x</td></tr></table><!-- c --> <b>y</b> <hr><!-- d --> \n <i>z</i>",
        "<ul><li>a</li> <!-- c --> <li>b</li></ul> <p>p</p>\n<!-- e -->\n<p>q</p>",
        "<p>a<img src=\"https://e.com/i.png\" alt=A><!-- c --> <b>b</b></p><p>c<br><!-- d --> <i>d</i></p>",
        // Multi-byte UTF-8 and entities across many elements.
        "<p>café 日本語 😀 &amp; &nbsp; &#x1F600; مرحبا</p><p>ünïcödé</p>" + String(repeating: "<b>ñ</b>✓", count: 50),
        // Code is gathered whole; script and style are removed whole.
        "<pre><code class=\"language-json\">{\n  \"a\": 1\n}</code></pre><p>x<code>c o d e</code>y</p>",
        "<p>a</p><script>if (a</b) x()</script><style>p{}</style><p>b</p><script></p>after",
        // An unclosed last element, unclosed marks, an unfinished tag at the end.
        "<p>one<p>two<b>bold<i>both",
        "<div><p>a</p><p>b",
        "<p>a</p><p class=\"x",
        // Content after </html>, a misplaced DOCTYPE, a head with a title, a second body.
        "<html><body><p>a</p></body></html><p>b</p> tail",
        "<p>a</p><!DOCTYPE html><p>b</p></html><p>c</p>",
        "<html><head><title>t</title><style>p{}</style></head><body dir=rtl><p>a</p><body dir=ltr><p>b</p></body></html>",
        "\u{FEFF}<p>after a byte order mark</p>",
        // Word list paragraphs and markers, direction and alignment.
        "<p style=\"mso-list:l0 level1 lfo1\"><span style=\"mso-list:Ignore\">1.<span> </span></span>first</p>"
            + "<p style=\"mso-list:l0 level1 lfo1\"><span style=\"mso-list:Ignore\">2.</span>second</p><p>after</p>",
        "<div dir=rtl><p align=center>a</p><blockquote><p>q</p></blockquote></div><h2 style=\"text-align:right\">h</h2>",
        // Removed elements keep the text after them.
        "<p>a</p><embed src=x><p>b</p><iframe><p>c</p></iframe><p>d</p><form><input><button>go</button></form>",
        // Links, images, unsafe URLs (reported).
        "<p><a href=\"https://example.com\">x</a> <a href=\"javascript:alert(1)\">y</a> <img src=\"https://e.com/i.png\" alt=z></p>",
    ]

    @Test(arguments: cases)
    func walkingAfterEveryElementReadsWhatOneWalkReads(_ html: String) {
        let bytes = Array(html.utf8)
        let whole = HTMLReader().read(bytes: bytes, pieceSize: nil)
        for reading in Self.readings(bytes) { #expect(reading == whole) }
    }

    /// Real pastes and the fuzz corpus (Word, Google Docs, the XSS seeds, Herald's own HTML).
    @Test func fixturesAndTheFuzzCorpus() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let folders = [tests.appendingPathComponent("Fixtures/html"), tests.deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/HTMLReader")]
        var count = 0
        for folder in folders {
            for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) {
                let bytes = try [UInt8](Data(contentsOf: file))
                let whole = HTMLReader().read(bytes: bytes, pieceSize: nil)
                for reading in Self.readings(bytes) { #expect(reading == whole, "\(file.lastPathComponent)") }
                count += 1
            }
        }
        #expect(count > 20)
    }

    /// Larger than several pieces of the default size: the first cases above (those that close
    /// what they open), one after another, many times over, so pieces end everywhere.
    @Test func aDocumentOfManyPieces() {
        let bytes = Array(String(repeating: Self.cases.prefix(8).joined(separator: "\n"), count: 400).utf8)
        #expect(bytes.count > 4 * HTMLReader.pieceSize)
        let whole = HTMLReader().read(bytes: bytes, pieceSize: nil)
        #expect(HTMLReader().read(bytes: bytes) == whole)
        #expect(HTMLReader().read(bytes: bytes, pieceSize: 1) == whole)
        #expect(whole.document.blocks.count > 4_000)
    }
}
