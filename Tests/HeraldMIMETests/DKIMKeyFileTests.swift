import Foundation
@testable import HeraldMIME
import Testing

/// `herald dkim keygen|verify` as the library does them: a key file by its key type, the record
/// line to publish, and the failure of a check.
struct DKIMKeyFileTests {
    @Test func aKeyIsWrittenToANewFileAndItsRecordLineIsSaid() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (key, path) = try DKIMKey.generateFile(keyType: "ed25519", domain: "example.com", selector: "s1", path: folder + "/s1.pem")
        #expect(path == folder + "/s1.pem" && key.algorithm == .ed25519 && key.defaultFileName == "s1.example.com.pem")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key.pemRepresentation)
        #expect(key.recordLine == "s1._domainkey.example.com TXT \"\(key.record)\"" && key.record.hasPrefix("v=DKIM1; k=ed25519; p="))
        // Never over an existing file.
        #expect(throws: HeraldError.self) { try DKIMKey.generateFile(keyType: "rsa", domain: "example.com", selector: "s1", path: path) }
        #expect(throws: HeraldError(.usage, "--algorithm 'dsa' is not ed25519 or rsa")) {
            try DKIMKey.generateFile(keyType: "dsa", keyTypeName: "--algorithm", domain: "example.com", selector: "s2", path: folder + "/s2.pem")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/s2.pem"))
    }

    @Test func aCheckFailsWithoutSignaturesOrWithOneThatDidNotPass() {
        let pass = DKIMVerification(domain: "example.com", selector: "s1", algorithm: "ed25519-sha256", failure: nil)
        let fail = DKIMVerification(domain: "example.com", selector: "s2", algorithm: "rsa-sha256", failure: "body hash differs")
        #expect(DKIMVerification.failure(of: [], file: "m.eml") == "m.eml has no DKIM-Signature")
        #expect(DKIMVerification.failure(of: [pass, fail], file: "m.eml") == "1 of 2 DKIM signatures of m.eml failed")
        #expect(DKIMVerification.failure(of: [pass], file: "m.eml") == nil)
    }
}
