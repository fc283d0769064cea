import ArgumentParser
import Foundation
import Herald
import HeraldTooling

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden",
        abstract: "Render every sample and compare it byte for byte with its golden files.",
        discussion: "Exits 1 on any mismatch. --record rewrites the golden files: read them before committing.")

    @Argument(help: "The samples folder: one folder per sample, each with an input.md.")
    var samplesDirectory: String = "Samples"

    @Flag(help: "Rewrite the golden files from the current output instead of comparing.")
    var record = false

    @Option(help: "Also write every rendered output here, one folder per sample, to open and read.")
    var output: String?

    func run() throws {
        let root = URL(fileURLWithPath: samplesDirectory)
        let samples: [Sample]
        do {
            samples = try Sample.all(in: root)
        } catch {
            throw fail("cannot read samples folder '\(samplesDirectory)': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        guard !samples.isEmpty else {
            throw fail("'\(samplesDirectory)' holds no sample (a folder with an input.md)", status: ExitStatus.badInput)
        }
        if let output {
            // The golden files live inside the samples folder (Samples/NAME/, Templates/golden/NAME/):
            // rendered files written anywhere in it could replace them.
            let outputPath = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
            let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
            if outputPath == rootPath || outputPath.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/") {
                throw fail("--output '\(output)' is inside the samples folder '\(samplesDirectory)': the rendered files could replace the golden files; use --record for that, or a folder outside it",
                           status: ExitStatus.usage)
            }
        }
        let runner = GoldenRunner(record: record, outputDirectory: output.map { URL(fileURLWithPath: $0) })
        var failures = 0
        for sample in samples {
            let mismatches: [GoldenRunner.Mismatch]
            do {
                mismatches = try runner.run(sample)
            } catch {
                // The error's own words and status (a golden file not writable is I/O), named by
                // sample; what nothing classifies is the sample's input.
                let (status, message) = ExitStatus.of(error)
                throw fail("\(sample.name): \(message)", status: status == ExitStatus.failure ? ExitStatus.badInput : status)
            }
            if mismatches.isEmpty {
                print("\(record ? "recorded" : "ok")  \(sample.name)")
            } else {
                failures += 1
                for mismatch in mismatches { print("FAIL  \(mismatch)") }
            }
        }
        if record {
            print("recorded \(samples.count) samples in \(root.path); read the changes before committing")
        } else {
            if let output { print("rendered outputs are in \(URL(fileURLWithPath: output).path)") }
            print("\(samples.count - failures) passed, \(failures) failed")
            if failures > 0 {
                throw fail("\(failures) of \(samples.count) samples differ from their golden files", status: ExitStatus.failure)
            }
        }
    }
}
