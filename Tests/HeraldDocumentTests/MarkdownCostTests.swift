import Foundation
@testable import HeraldDocument
import Testing

/// Markdown made of markup is refused before it is parsed: its estimated reading memory
/// (`MarkdownCost`) is over 32 times its size and over 64 MB. Real Markdown of the same size is
/// read, with room to spare. (The memory itself is measured by Benchmarks/input-memory.sh.)
@Suite struct MarkdownCostTests {
    static let limit = 5 * 1_048_576

    /// `unit` repeated to exactly `bytes` bytes (2 MB: refused from there on, the floor of
    /// 64 MB being 32 times 2 MB).
    static func fill(_ unit: String, _ bytes: Int = 2 * 1_048_576) -> [UInt8] {
        repeated(Array(unit.utf8), to: bytes)
    }

    static func repeated(_ unit: [UInt8], to bytes: Int) -> [UInt8] {
        var text = unit
        while text.count < bytes { text += text }
        text.removeLast(text.count - bytes)
        return text
    }

    /// This repository's own Markdown — the README, docs, templates and samples — end to end,
    /// repeated to `bytes`.
    static func realMarkdown(_ bytes: Int = limit) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var files = [root.appendingPathComponent("README.md")]
        for folder in ["docs", "Templates"] {
            files += try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "md" }.sorted { $0.path < $1.path }
        }
        files += try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent("Samples"), includingPropertiesForKeys: nil)
            .map { $0.appendingPathComponent("input.md") }.filter { FileManager.default.fileExists(atPath: $0.path) }.sorted { $0.path < $1.path }
        var unit: [UInt8] = []
        for file in files { unit += try [UInt8](Data(contentsOf: file)) + Array("\n\n".utf8) }
        #expect(files.count > 20 && unit.count > 100_000)
        return repeated(unit, to: bytes)
    }

    /// The benchmark's hostile shapes, and more of the same kind: 2 MB of one construct.
    static let hostile: [(name: String, text: [UInt8], mostly: MarkdownCost.Construct?)] = [
        ("emphasis openers", fill("**a "), .delimiterRuns),
        ("emphasis openers in short paragraphs", fill("**a **a **a **a **a **a **a **a **a **a \n\n"), .delimiterRuns),
        ("highlight openers", fill("==a "), .delimiterRuns),
        ("brackets", fill("[a] "), .brackets),
        ("links", fill("[a](b) "), .brackets),
        ("bare links", fill("https://example.com/a/b?c=d "), .autolinks),
        ("bare links in paragraphs", fill("https://example.com/a/b?c=d https://example.com/a/b?c=d https://example.com/a/b?c=d\n\n"), .autolinks),
        ("www links", fill("www.example.com/a/b?c=d "), .autolinks),
        ("code spans", fill("`a` "), .backtickRuns),
        ("angle brackets", fill("<a "), .rawHTMLAndEscapes),
        ("escapes", fill("\\* "), .rawHTMLAndEscapes),
        ("entities", fill("&amp; "), .entities),
        ("list items", fill("- a\n"), .listItems),
        ("headings", fill("# a\n"), .headings),
        ("short lines", fill("abc\n"), .lines),
        ("w after w", fill("w", 1_048_576), .textBreaks),
        // cmark-gfm's e-mail autolinker copies the rest of the line for each address.
        ("a 1 MB line with addresses", fill("Write to ab@example.com or call us, the team replies within a day. ", 1_048_576), nil),
        // Each row gets a cell per header column: 8 KB, two million cells.
        ("a table of 1,000 columns", Array(("|" + String(repeating: "a|", count: 1_000) + "\n|" + String(repeating: "-|", count: 1_000) + "\n"
                                            + String(repeating: "a\n", count: 2_000)).utf8), .tableCells),
    ]

    @Test(arguments: 0..<hostile.count)
    func markupBeyondItsSizeIsRefused(_ index: Int) {
        let shape = Self.hostile[index]
        let cost = MarkdownCost(shape.text)
        #expect(!cost.isAccepted, "\(shape.name): \(cost.estimatedBytes / max(1, cost.size))×")
        #expect(cost.estimatedBytes > MarkdownCost.floor)
        let refusal = cost.refusal(of: "'x.md'") ?? ""
        #expect(refusal.hasPrefix("'x.md' is "))
        if let construct = shape.mostly {
            #expect(refusal.contains("mostly for its \(MarkdownCost.grouped(cost.count(construct))) \(construct.name)"), "\(refusal)")
        } else {
            #expect(refusal.contains("e-mail autolinker copies"), "\(refusal)")
        }
    }

    @Test func realMarkdownOfTheSameSizeIsReadWithRoomToSpare() throws {
        let cost = MarkdownCost(try Self.realMarkdown())
        #expect(cost.isAccepted)
        #expect(cost.refusal(of: "'x.md'") == nil)
        // At most 60% of the ratio that is refused (it is about half).
        #expect(cost.estimatedBytes * 10 <= 6 * MarkdownCost.maximumRatio * cost.size, "\(cost.estimatedBytes / cost.size)×")
    }

    @Test func theSamplesAndTemplatesAreRead() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for folder in ["Samples", "Templates", "docs"] {
            let files = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)!
                .compactMap { $0 as? URL }.filter { $0.pathExtension == "md" }
            #expect(!files.isEmpty)
            for file in files { #expect(MarkdownCost(try [UInt8](Data(contentsOf: file))).isAccepted, "\(file.path)") }
        }
        #expect(MarkdownCost(try [UInt8](Data(contentsOf: root.appendingPathComponent("README.md")))).isAccepted)
    }

    /// A message up to 256 KB is read however much markup it has: its absolute cost is small.
    @Test(arguments: ["**a ", "[a] ", "`a` ", "- a\n", "https://example.com/a/b?c=d "])
    func aSmallMessageIsReadWhateverItsMarkup(_ unit: String) {
        let cost = MarkdownCost(Self.fill(unit, 262_144))
        #expect(cost.isAccepted, "\(cost.estimatedBytes / 1_048_576) MB")
        #expect(cost.estimatedBytes > MarkdownCost.maximumRatio * cost.size)
    }

    @Test func whatIsCounted() {
        let text = """
        # Title

        Some **bold** and [a link](https://example.com), `code` & <b>html</b>, write to ana@example.com.

        - one
        - two

        | a | b |
        |---|---|
        | 1 |
        | 3 | 4 |

        ```
        **not counted** [in code]
        ```
        [ref]: https://example.com
        > quoted
        """
        let cost = MarkdownCost(Array(text.utf8))
        #expect(cost.count(.headings) == 1)
        #expect(cost.count(.listItems) == 2)
        #expect(cost.count(.quoteMarkers) == 1)
        #expect(cost.count(.codeFences) == 1)
        #expect(cost.count(.referenceDefinitions) == 1)
        #expect(cost.count(.delimiterRuns) == 2)
        #expect(cost.count(.brackets) == 2)
        #expect(cost.count(.backtickRuns) == 2)
        #expect(cost.count(.entities) == 1)
        #expect(cost.count(.rawHTMLAndEscapes) == 2)
        #expect(cost.count(.autolinks) == 1)
        #expect(cost.count(.emailAddresses) == 1)
        // The header and delimiter rows (2 columns each), then two rows of 2 cells however many
        // they hold, and the text in each cell (one per pipe).
        #expect(cost.count(.tableCells) == 2 * 2 + (2 + 2) + (2 + 3))
        // The w of "write" and "two" (the link's `:` counts as a link).
        #expect(cost.count(.textBreaks) == 2)
        #expect(cost.emailCopies == Array(", write to ana@example.com.".utf8).count - Array(", write to ana".utf8).count)
        #expect(cost.isAccepted)
    }

    @Test func theRefusalSaysWhatWasCountedAndWhatIsRead() {
        let refusal = MarkdownCost(Self.fill("**a ", Self.limit)).refusal(of: "'notes.md'")
        #expect(refusal == "'notes.md' is 5 MB of Markdown whose markup would take about 323.5 MB of memory to read, 64 times its size,"
            + " mostly for its 1,310,720 runs of * _ ~ = + (one every 4 bytes); Herald reads Markdown that takes at most 32 times its size,"
            + " or 64 MB, which messages do: split the text, or write it with less markup")
    }
}
