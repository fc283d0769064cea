import Foundation

/// Independent judges of the messages Herald writes: Python's email package in strict mode
/// (`Tests/HeraldTestSupport/Scripts/inspect-eml.py`) and the workplace's RFC checker (`../shared/tools/check-message`).
public enum ExternalEmailTools {
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What a receiving client sees in a message.
    public struct Inspection: Decodable, Sendable {
        public struct Part: Decodable, Sendable {
            public var content_type: String
            public var multipart: Bool?
            public var charset: String?
            public var encoding: String?
            public var disposition: String?
            public var filename: String?
            /// Content-Type's `name` parameter (RFC 2231 decoded).
            public var name: String?
            public var content_id: String?
            public var size: Int?
            public var sha256: String?
            public var text: String?
        }

        public var headers: [[String]]
        /// Unfolded as written, and decoded by Python's RFC 2047 decoder (`email.header`).
        public var raw_headers: [[String]]?
        public var rfc2047_headers: [[String]]?
        public var subject: String?
        public var from: [[String]]
        public var to: [[String]]
        public var cc: [[String]]
        public var reply_to: [[String]]?
        public var defects: [String]
        public var parts: [Part]

        public var headerNames: [String] { headers.map { $0[0].lowercased() } }

        public func raw(_ name: String) -> String? { raw_headers?.first { $0[0].lowercased() == name.lowercased() }?[1] }
        public func rfc2047(_ name: String) -> String? { rfc2047_headers?.first { $0[0].lowercased() == name.lowercased() }?[1] }
        public var leaves: [Part] { parts.filter { $0.multipart != true } }
    }

    public struct ToolError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Parses `bytes` with `email.parser.BytesParser(policy=policy.strict)`.
    public static func inspect(_ bytes: [UInt8]) throws -> Inspection {
        let file = try temporaryFile(bytes, suffix: ".eml")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run("/usr/bin/env", ["python3", repository.appendingPathComponent("Tests/HeraldTestSupport/Scripts/inspect-eml.py").path, file.path])
        guard result.status == 0 else { throw ToolError(description: "Python's strict email parser refused the message: \(result.stderr)") }
        return try JSONDecoder().decode(Inspection.self, from: Data(result.stdout.utf8))
    }

    /// Runs `check-message` (found beside the repository, as in CI, or at $HERALD_CHECK_MESSAGE);
    /// returns its errors, empty when the message conforms.
    public static func checkMessage(_ bytes: [UInt8], smtputf8: Bool = false) throws -> [String] {
        let file = try temporaryFile(bytes, suffix: ".eml")
        defer { try? FileManager.default.removeItem(at: file) }
        return try checkMessage(file: file, smtputf8: smtputf8)
    }

    public static func checkMessage(file: URL, smtputf8: Bool = false) throws -> [String] {
        let tool = ProcessInfo.processInfo.environment["HERALD_CHECK_MESSAGE"]
            ?? repository.deletingLastPathComponent().appendingPathComponent("shared/tools/check-message").path
        guard FileManager.default.isExecutableFile(atPath: tool) || FileManager.default.fileExists(atPath: tool) else {
            throw ToolError(description: "check-message not found at \(tool); set HERALD_CHECK_MESSAGE to its path")
        }
        let result = try run("/usr/bin/env", ["python3", tool] + (smtputf8 ? ["--smtputf8"] : []) + [file.path])
        struct Report: Decodable { var errors: [String]; var warnings: [String] }
        guard let line = result.stdout.split(separator: "\n").first,
              let report = try? JSONDecoder().decode(Report.self, from: Data(line.utf8)) else {
            throw ToolError(description: "check-message printed no report: \(result.stdout) \(result.stderr)")
        }
        return report.errors
    }

    public static func temporaryFile(_ bytes: [UInt8], suffix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url
    }

    public static func sha256(ofFile url: URL) throws -> String {
        let result = try run("/usr/bin/env", ["sha256sum", url.path])
        return String(result.stdout.prefix(64))
    }

    public static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
