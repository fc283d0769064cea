import Foundation
import Herald

/// A golden run over a whole samples folder, as `herald golden` and CI make it: the folder's
/// samples, a check that rendered copies cannot land on the golden files, and every sample in
/// turn.
extension GoldenRunner {
    /// A sample that could not be rendered, or its files not written: the sample's name and the
    /// error's own words and category (I/O for a golden file that is not writable); what no
    /// category classifies — or calls a delivery failure — is the sample's input.
    public struct SampleFailure: CategorizedError, Sendable {
        public var sample: String
        public var category: HeraldError.Category
        public var reason: String

        public var description: String { "\(sample): \(reason)" }

        init(sample: String, error: any Error) {
            self.sample = sample
            let category = (error as? any CategorizedError)?.category ?? .input
            self.category = category == .delivery ? .input : category
            reason = "\(error)"
        }
    }

    /// The samples of the folder at `path` (as `Sample.all`), refusing a folder that cannot be
    /// read (I/O) or holds none (input); errors name the folder as given.
    public static func samples(in path: String) throws -> [Sample] {
        let samples: [Sample]
        do {
            samples = try Sample.all(in: URL(fileURLWithPath: path))
        } catch {
            throw HeraldError(.io, "cannot read samples folder '\(path)': \(error.localizedDescription)")
        }
        guard !samples.isEmpty else { throw HeraldError(.input, "'\(path)' holds no sample (a folder with an input.md)") }
        return samples
    }

    /// Whether `folder` is the samples folder `root` or inside it, symbolic links resolved: the
    /// golden files live there (Samples/NAME/, Templates/golden/NAME/), so rendered files written
    /// anywhere in it could replace them.
    public static func isInside(_ folder: URL, samplesFolder root: URL) -> Bool {
        let path = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        return path == rootPath || path.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/")
    }

    /// Checks (or records) every sample in order, telling `each` what did not match as each one
    /// is done; returns how many samples did not match. The first sample that cannot be rendered
    /// stops the run (`SampleFailure`).
    public func run(_ samples: [Sample], each: (Sample, [Mismatch]) -> Void) throws -> Int {
        var failures = 0
        for sample in samples {
            let mismatches: [Mismatch]
            do {
                mismatches = try run(sample)
            } catch {
                throw SampleFailure(sample: sample.name, error: error)
            }
            if !mismatches.isEmpty { failures += 1 }
            each(sample, mismatches)
        }
        return failures
    }
}
