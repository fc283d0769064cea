import Foundation

// What a golden run says (`herald golden` prints these): a line for each sample as it is done,
// the lines that end the run, and the failure when samples differ from their golden files.
extension GoldenRunner {
    /// "ok  welcome" (or "recorded  welcome"), or a "FAIL  …" line for each mismatch.
    public func lines(for sample: Sample, _ mismatches: [Mismatch]) -> [String] {
        mismatches.isEmpty ? ["\(record ? "recorded" : "ok")  \(sample.name)"] : mismatches.map { "FAIL  \($0)" }
    }

    /// The lines after a run of `count` samples of the folder `root`, `failures` of them differing.
    public func summary(samples count: Int, failures: Int, in root: URL) -> [String] {
        if record { return ["recorded \(count) samples in \(root.path); read the changes before committing"] }
        return (outputDirectory.map { ["rendered outputs are in \($0.path)"] } ?? []) + ["\(count - failures) passed, \(failures) failed"]
    }

    /// Why a check failed when samples differ; nil when all matched (recording never fails so).
    public func failure(samples count: Int, failures: Int) -> String? {
        record || failures == 0 ? nil : "\(failures) of \(count) samples differ from their golden files"
    }
}
