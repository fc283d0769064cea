import Foundation
import HeraldChannels
import HeraldDocument
import Testing

/// The property that ties the two readers to the renderer: for every sample, Markdown → model →
/// email HTML → `HTMLReader` → model gives the model back. A reply quoted from a sent message,
/// or a message edited after sending, must not change on the way.
@Suite struct HTMLReaderRoundTripTests {
    static let samplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    static let sampleNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samplesDirectory.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: samplesDirectory.appendingPathComponent($0).appendingPathComponent("input.md").path) }.sorted()
    }()

    @Test func everySampleIsCovered() {
        #expect(Self.sampleNames.count >= 13)
    }

    @Test(arguments: sampleNames)
    func sampleSurvivesTheRoundTrip(_ name: String) throws {
        let markdown = try String(contentsOf: Self.samplesDirectory.appendingPathComponent(name).appendingPathComponent("input.md"), encoding: .utf8)
        let document = MarkdownReader().read(markdown)
        let html = EmailHTMLRenderer().render(document).html
        let reread = HTMLReader().read(html).document
        let expected = RoundTripNormalization.normalized(document)
        // Block by block, so a failure names the block instead of printing two whole documents.
        #expect(reread.blocks.count == expected.blocks.count)
        for (index, pair) in zip(reread.blocks, expected.blocks).enumerated() where pair.0 != pair.1 {
            Issue.record("\(name) block \(index):\nread back \(pair.0)\nexpected  \(pair.1)")
        }
    }
}
