import ArgumentParser
import Foundation
import Herald
import HeraldTooling

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Render every sample and compare it byte for byte with its golden files.",
        discussion: "Exits 1 on any mismatch. --record rewrites the golden files: read them before committing.")

    @Argument(help: "The samples folder: one folder per sample, each with an input.md.") var samplesDirectory: String = "Samples"
    @Flag(help: "Rewrite the golden files from the current output instead of comparing.") var record = false
    @Option(help: "Also write every rendered output here, one folder per sample, to open and read.") var output: String?

    func run() throws {
        let root = URL(fileURLWithPath: samplesDirectory)
        let samples = try GoldenRunner.samples(in: samplesDirectory)
        if let output, GoldenRunner.isInside(URL(fileURLWithPath: output), samplesFolder: root) {
            throw fail("--output '\(output)' is inside the samples folder '\(samplesDirectory)': the rendered files could replace the golden files; use --record for that, or a folder outside it",
                       status: ExitStatus.usage)
        }
        let runner = GoldenRunner(record: record, outputDirectory: output.map { URL(fileURLWithPath: $0) })
        let failures = try runner.run(samples) { sample, mismatches in
            for line in runner.lines(for: sample, mismatches) { print(line) }
        }
        for line in runner.summary(samples: samples.count, failures: failures, in: root) { print(line) }
        if let failure = runner.failure(samples: samples.count, failures: failures) { throw fail(failure, status: ExitStatus.failure) }
    }
}
