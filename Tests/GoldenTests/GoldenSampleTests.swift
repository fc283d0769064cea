import Foundation
import Herald
import HeraldTooling
import Testing

/// Every sample renders byte for byte to its golden files.
///
/// To re-record after an intended change: `HERALD_RECORD_GOLDEN=1 swift test --filter GoldenTests`
/// (or `swift run herald golden Samples --record`), then read every changed file — open the HTML
/// in a browser — before committing.
@Suite struct GoldenSampleTests {
    static let samplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    static let samples: [Sample] = (try? Sample.all(in: samplesDirectory)) ?? []
    static var recording: Bool { ProcessInfo.processInfo.environment["HERALD_RECORD_GOLDEN"] == "1" }

    @Test func theSamplesCoverTheComposer() {
        // The issue asks for at least ten; losing the folder must not pass silently.
        #expect(Self.samples.count >= 10, "found \(Self.samples.count) samples in \(Self.samplesDirectory.path)")
    }

    @Test func aTemplatedSampleHasItsWhatsAppRequestBody() throws {
        let outputs = try Sample(directory: Self.samplesDirectory.appendingPathComponent("agent-reply")).render()
        let body = try #require(outputs.first { $0.fileName == "golden.whatsapp.json" })
        let object = try JSONSerialization.jsonObject(with: Data(body.content.utf8)) as? [String: Any]
        #expect(object?["type"] as? String == "template" && object?["to"] as? String == "+14155550142")

        // A sample whose values do not fit its template is refused, naming the file.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("Hi".utf8).write(to: directory.appendingPathComponent("input.md"))
        try Data(#"{"to": "+14155550142", "template": {"name": "t", "language": "en", "category": "UTILITY", "body": "Hi {{1}} {{2}}"}, "parameters": ["Ana"]}"#.utf8)
            .write(to: directory.appendingPathComponent("whatsapp.json"))
        do {
            _ = try Sample(directory: directory).render()
            Issue.record("a template short of a value was accepted")
        } catch let error as HeraldError {
            #expect(error.localizedDescription.contains("whatsapp.json: template t takes 2 body parameter(s)") && error.localizedDescription.contains("1 given"))
        }
    }

    @Test(arguments: samples.map(\.name))
    func sampleMatchesItsGoldenFiles(_ name: String) throws {
        let sample = Sample(directory: Self.samplesDirectory.appendingPathComponent(name))
        let mismatches = try GoldenRunner(record: Self.recording).run(sample)
        #expect(mismatches.isEmpty, "\(mismatches.map(\.description).joined(separator: "\n"))")
    }
}
