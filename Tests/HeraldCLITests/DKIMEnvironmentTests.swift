import Foundation
import HeraldTestSupport
import Testing

/// DKIM keys given as PEM text in the environment (HERALD_DKIM_KEY_<NAME>), and domains that
/// require a key (`--dkim-require`, HERALD_DKIM_REQUIRE), through the built binary.
@Suite(.serialized) struct DKIMEnvironmentTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path

    /// A fresh key made by keygen: its PEM text and its record.
    func key(in directory: URL, selector: String) throws -> (pem: String, record: String) {
        let file = directory.appendingPathComponent("\(selector).pem")
        let made = try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", selector, "--output", file.path], in: directory)
        #expect(made.status == 0, "\(made.stderr)")
        let line = try #require(made.stdout.split(separator: "\n").first { $0.contains(" TXT \"") })
        let record = String(line.components(separatedBy: " TXT \"")[1].dropLast())
        let pem = try String(contentsOf: file, encoding: .utf8)
        try FileManager.default.removeItem(at: file)  // only the environment has it now
        return (pem, record)
    }

    func stored(_ directory: URL) throws -> [URL] {
        let folder = directory.appendingPathComponent(".herald/maildir/new")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).map { folder.appendingPathComponent($0) }
    }

    @Test func aPEMKeyFromTheEnvironmentSigns() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (pem, record) = try key(in: directory, selector: "ed1")
        let sent = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "ana@example.net", "--dkim-require", "example.com"],
                                         in: directory, environment: ["HERALD_DKIM_KEY_ED1": "example.com:ed1:" + pem])
        #expect(sent.status == 0, "\(sent.stderr)")
        let message = try #require(try stored(directory).first)
        let verified = try HeraldProcess.run(["dkim", "verify", message.path, "--record", record], in: directory)
        #expect(verified.status == 0 && verified.stdout == "pass: ed25519-sha256 ed1._domainkey.example.com\n", "\(verified.stdout)\(verified.stderr)")
    }

    @Test func aBadPEMIsAnErrorThatDoesNotShowIt() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n"
        let send = ["send", input, "--from", "me@example.com", "--to", "ana@example.net"]
        let bad = try HeraldProcess.run(send, in: directory, environment: ["HERALD_DKIM_KEY_MAIN": "example.com:s1:" + secret])
        #expect(bad.status == 65, "\(bad.stderr)")
        #expect(bad.stderr.contains("the PEM key in HERALD_DKIM_KEY_MAIN (for s1._domainkey.example.com) holds no private key"))
        let shape = try HeraldProcess.run(send, in: directory, environment: ["HERALD_DKIM_KEY_MAIN": "example.com" + secret])
        #expect(shape.status == 64, "\(shape.stderr)")
        for result in [bad, shape] { #expect(!result.stderr.contains("U0VDUkVU") && !result.stdout.contains("U0VDUkVU")) }
        #expect(try stored(directory).isEmpty)
    }

    /// A required domain without a key stops the send before an outbox exists.
    @Test func aRequiredDomainWithoutAKeyIsRefused() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (pem, _) = try key(in: directory, selector: "ed1")
        let send = ["send", input, "--from", "me@example.org", "--to", "ana@example.net"]
        let option = try HeraldProcess.run(send + ["--dkim-require", "example.org"], in: directory,
                                           environment: ["HERALD_DKIM_KEY_ED1": "example.com:ed1:" + pem])
        #expect(option.status == 64, "\(option.stderr)")
        #expect(option.stderr.hasPrefix("error: --dkim-require requires DKIM signing for example.org, which has no key"))
        let variable = try HeraldProcess.run(send, in: directory, environment: ["HERALD_DKIM_REQUIRE": "example.com,Example.ORG"])
        #expect(variable.status == 64)
        #expect(variable.stderr.hasPrefix("error: HERALD_DKIM_REQUIRE requires DKIM signing for example.com, which has no key"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".herald/outbox.sqlite").path))
        #expect(try stored(directory).isEmpty)
    }
}
