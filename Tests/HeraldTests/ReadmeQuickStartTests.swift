import Foundation
import HeraldTestSupport
import Testing

/// The README's Swift quick start is the example package's program (which CI builds and runs):
/// a change to the API that breaks one breaks the other's build, and they cannot drift apart.
@Suite struct ReadmeQuickStartTests {
    @Test func theReadmesSwiftQuickStartIsTheExamplesProgramWordForWord() throws {
        let repository = ExternalEmailTools.repository
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: repository.appendingPathComponent("Examples/SupportNotifications/Sources/SupportNotifications/main.swift"),
                                 encoding: .utf8)
        let section = try #require(readme.range(of: "## Herald as a Swift library"))
        let block = try #require(readme[section.upperBound...].range(of: "```swift\n"))
        let end = try #require(readme[block.upperBound...].range(of: "```"))
        let lines = readme[block.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.isEmpty && $0 != "import Herald" }
        #expect(lines.count >= 10)
        let start = try #require(example.range(of: "// The README's quick start, word for word"))
        let stop = try #require(example.range(of: "// (end of the quick start)"))
        let program = example[start.upperBound..<stop.lowerBound].split(separator: "\n").dropFirst().filter { !$0.isEmpty }
        #expect(program == lines)
    }
}
