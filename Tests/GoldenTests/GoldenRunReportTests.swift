import Foundation
import Herald
@testable import HeraldTooling
import Testing

/// What a golden run says: each sample's line, the run's last lines, and its failure.
struct GoldenRunReportTests {
    @Test func aCheckSaysEachSampleThenHowManyPassedAndFailsOnAMismatch() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-golden-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("note"), withIntermediateDirectories: true)
        try "Hello.\n".write(to: root.appendingPathComponent("note/input.md"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: root) }
        let sample = try #require(try GoldenRunner.samples(in: root.path).first)
        let mismatch = GoldenRunner.Mismatch(sample: "note", fileName: "golden.html", detail: "line 3 differs")

        let check = GoldenRunner()
        #expect(check.lines(for: sample, []) == ["ok  note"])
        #expect(check.lines(for: sample, [mismatch, mismatch]) == ["FAIL  note/golden.html: line 3 differs", "FAIL  note/golden.html: line 3 differs"])
        #expect(check.summary(samples: 3, failures: 1, in: root) == ["2 passed, 1 failed"])
        #expect(check.failure(samples: 3, failures: 1) == "1 of 3 samples differ from their golden files")
        #expect(check.failure(samples: 3, failures: 0) == nil)

        let out = URL(fileURLWithPath: "/tmp/rendered")
        #expect(GoldenRunner(outputDirectory: out).summary(samples: 3, failures: 0, in: root) == ["rendered outputs are in /tmp/rendered", "3 passed, 0 failed"])

        let recording = GoldenRunner(record: true)
        #expect(recording.lines(for: sample, []) == ["recorded  note"])
        #expect(recording.summary(samples: 3, failures: 0, in: root) == ["recorded 3 samples in \(root.path); read the changes before committing"])
        #expect(recording.failure(samples: 3, failures: 2) == nil)
    }
}
