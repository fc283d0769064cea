import Foundation

/// A sample: one folder under `Samples/` holding an input and the golden outputs it must render
/// to, byte for byte.
///
///     Samples/agent-reply/input.md      the input (Markdown)
///     Samples/agent-reply/sample.json   optional: {"subject", "preheader", "language"}
///     Samples/agent-reply/golden.html   email HTML
///     Samples/agent-reply/golden.txt    email text alternative
public struct Sample: Sendable {
    public struct Settings: Codable, Equatable, Sendable {
        public var subject: String?
        public var preheader: String?
        public var language: String?
    }

    /// One rendered output and the golden file it is compared with.
    public struct Output: Equatable, Sendable {
        public var fileName: String
        public var content: String
    }

    public var directory: URL
    public var name: String { directory.lastPathComponent }

    public init(directory: URL) {
        self.directory = directory
    }

    /// Every folder of `root` that holds an `input.md`, sorted by name.
    public static func all(in root: URL) throws -> [Sample] {
        let entries = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)
        return entries
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("input.md").path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map(Sample.init)
    }

    public func settings() throws -> Settings {
        let url = directory.appendingPathComponent("sample.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return Settings() }
        do {
            return try JSONDecoder().decode(Settings.self, from: Data(contentsOf: url))
        } catch {
            throw HeraldError.badInput("\(url.path): \(error.localizedDescription); expected {\"subject\", \"preheader\", \"language\"} strings")
        }
    }

    /// Renders the sample's input into every output it has a golden file for.
    public func render() throws -> [Output] {
        let settings = try settings()
        let input = try Data(contentsOf: directory.appendingPathComponent("input.md"))
        let options = EmailRenderOptions(title: settings.subject, preheader: settings.preheader, language: settings.language)
        let email = Herald.renderEmail(markdown: [UInt8](input), options: options)
        return [Output(fileName: "golden.html", content: email.html), Output(fileName: "golden.txt", content: email.text)]
    }
}

/// Errors the façade reports; each names the input and what would be accepted.
public enum HeraldError: Error, LocalizedError, Equatable {
    case badInput(String)
    case io(String)

    public var errorDescription: String? {
        switch self {
        case .badInput(let message), .io(let message): return message
        }
    }
}
