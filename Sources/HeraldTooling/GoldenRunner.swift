import Foundation
import Herald

/// Renders samples and compares them with their golden files, or records them.
public struct GoldenRunner: Sendable {
    public struct Mismatch: Equatable, Sendable, CustomStringConvertible {
        public var sample: String
        public var fileName: String
        /// A short, readable account of the first difference.
        public var detail: String

        public var description: String { "\(sample)/\(fileName): \(detail)" }
    }

    public var record: Bool
    /// Where to also write each rendered output (`<dir>/<sample>/<file>`), if anywhere.
    public var outputDirectory: URL?

    public init(record: Bool = false, outputDirectory: URL? = nil) {
        self.record = record
        self.outputDirectory = outputDirectory
    }

    /// Checks (or records) one sample; returns what did not match.
    public func run(_ sample: Sample) throws -> [Mismatch] {
        var mismatches: [Mismatch] = []
        for output in try sample.render() {
            let url = sample.directory.appendingPathComponent(output.fileName)
            if let outputDirectory {
                let folder = outputDirectory.appendingPathComponent(sample.name)
                try AtomicFile.write(Array(output.content.utf8), to: folder.appendingPathComponent(output.fileName).path)
            }
            if record {
                try AtomicFile.write(Array(output.content.utf8), to: url.path)
                continue
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                mismatches.append(Mismatch(sample: sample.name, fileName: output.fileName,
                    detail: "no golden file \(url.displayPath); record it with `herald golden DIR --record` and read it before committing"))
                continue
            }
            let expected = String(decoding: data, as: UTF8.self)
            if expected != output.content {
                mismatches.append(Mismatch(sample: sample.name, fileName: output.fileName,
                                           detail: "differs from \(url.displayPath):\n" + UnifiedDiff.text(expected: expected, actual: output.content,
                                                                                                       expectedName: url.displayPath, actualName: "rendered")))
            }
        }
        return mismatches
    }
}
