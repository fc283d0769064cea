import Foundation

/// Two independent DKIM verifiers, run offline with the test's key records: dkimpy
/// (`Scripts/dkimpy-verify.py`) and OpenDKIM in test mode (`Scripts/opendkim-verify.sh`).
public enum ExternalDKIMVerifiers {
    static let scripts = ExternalEmailTools.repository.appendingPathComponent("Tests/HeraldTestSupport/Scripts")

    /// dkimpy's verdict on each DKIM-Signature, in order. `records`: "s._domainkey.d" → TXT record.
    public static func dkimpy(_ message: [UInt8], records: [String: String]) throws -> [Bool] {
        let file = try ExternalEmailTools.temporaryFile(message, suffix: ".eml")
        let recordFile = try ExternalEmailTools.temporaryFile(Array(try JSONEncoder().encode(records)), suffix: ".json")
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: recordFile)
        }
        let result = try ExternalEmailTools.run("/usr/bin/env", ["python3", scripts.appendingPathComponent("dkimpy-verify.py").path, file.path, recordFile.path])
        struct Report: Decodable { var results: [Bool] }
        guard result.status == 0, let report = try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8)) else {
            throw ExternalEmailTools.ToolError(description: "dkimpy-verify.py failed (is dkimpy installed? .ci/python-requirements.txt): \(result.stdout) \(result.stderr)")
        }
        return report.results
    }

    /// OpenDKIM's line on the message's first DKIM-Signature; it contains "succeeded" when it passed.
    public static func opendkim(_ message: [UInt8], records: [String: String]) throws -> String {
        let file = try ExternalEmailTools.temporaryFile(message, suffix: ".eml")
        let keys = records.map { "\($0.key) \($0.value)" }.sorted().joined(separator: "\n") + "\n"
        let keyFile = try ExternalEmailTools.temporaryFile(Array(keys.utf8), suffix: ".txt")
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: keyFile)
        }
        let result = try ExternalEmailTools.run("/bin/sh", [scripts.appendingPathComponent("opendkim-verify.sh").path, file.path, keyFile.path])
        guard result.status == 0, result.stdout.contains("verification") else {
            throw ExternalEmailTools.ToolError(description: "opendkim-verify.sh failed (is opendkim installed? .ci/packages.txt): \(result.stdout) \(result.stderr)")
        }
        return result.stdout
    }
}
