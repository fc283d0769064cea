import Foundation
import Herald
import HeraldTooling
import Testing

/// A golden run over a samples folder on disk: recorded, checked, broken.
struct GoldenRunTests {
    private func samplesFolder(_ samples: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-golden-run-\(UUID().uuidString)")
        for (name, markdown) in samples {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try markdown.write(to: folder.appendingPathComponent("input.md"), atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func recordedSamplesMatchUntilAGoldenFileChanges() throws {
        let root = try samplesFolder(["a-note": "# Note\n\nHello.\n", "b-list": "- one\n- two\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let samples = try GoldenRunner.samples(in: root.path)
        #expect(samples.map(\.name) == ["a-note", "b-list"])

        var heard: [String] = []
        #expect(try GoldenRunner(record: true).run(samples) { sample, mismatches in heard.append("\(sample.name) \(mismatches.count)") } == 0)
        #expect(heard == ["a-note 0", "b-list 0"])
        let golden = try #require(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("a-note").path).first { $0.hasPrefix("golden") })

        #expect(try GoldenRunner().run(samples) { _, _ in } == 0)
        try "changed".write(to: root.appendingPathComponent("a-note").appendingPathComponent(golden), atomically: true, encoding: .utf8)
        var failed: [GoldenRunner.Mismatch] = []
        #expect(try GoldenRunner().run(samples) { _, mismatches in failed += mismatches } == 1)
        #expect(failed.map(\.sample) == ["a-note"] && failed.first?.fileName == golden)
    }

    @Test func aFolderWithoutSamplesOrUnreadableIsRefused() throws {
        let empty = try samplesFolder([:])
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: HeraldError(.input, "'\(empty.path)' holds no sample (a folder with an input.md)")) { try GoldenRunner.samples(in: empty.path) }
        let missing = empty.appendingPathComponent("nothing").path
        #expect { try GoldenRunner.samples(in: missing) } throws: { error in
            (error as? HeraldError)?.category == .io && "\(error)".hasPrefix("cannot read samples folder '\(missing)': ")
        }
    }

    @Test func aSampleThatCannotRenderStopsTheRunNamingIt() throws {
        let root = try samplesFolder(["broken": "# Broken\n", "fine": "Fine.\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        try "{not json".write(to: root.appendingPathComponent("broken/sample.json"), atomically: true, encoding: .utf8)
        var heard: [String] = []
        #expect { try GoldenRunner(record: true).run(try GoldenRunner.samples(in: root.path)) { sample, _ in heard.append(sample.name) } } throws: { error in
            guard let failure = error as? GoldenRunner.SampleFailure else { return false }
            return failure.sample == "broken" && failure.category == .input && failure.description.hasPrefix("broken: ")
        }
        #expect(heard.isEmpty)
    }

    @Test func theSamplesFolderAndWhatIsInsideItAreInside() throws {
        let root = try samplesFolder(["a": "A\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let link = root.deletingLastPathComponent().appendingPathComponent("herald-golden-link-\(UUID().uuidString)")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: root)
        defer { try? FileManager.default.removeItem(at: link) }
        #expect(GoldenRunner.isInside(root, samplesFolder: root))
        #expect(GoldenRunner.isInside(root.appendingPathComponent("a/out"), samplesFolder: root))
        #expect(GoldenRunner.isInside(link, samplesFolder: root))
        #expect(GoldenRunner.isInside(link.appendingPathComponent("a"), samplesFolder: root))
        #expect(!GoldenRunner.isInside(URL(fileURLWithPath: root.path + "-rendered"), samplesFolder: root))
        #expect(!GoldenRunner.isInside(root.deletingLastPathComponent(), samplesFolder: root))
    }
}
