import Foundation
import Herald
import HeraldTestSupport
import Testing

/// `herald dkim keygen`, `herald dkim verify` and `herald send --dkim-key`, through the built binary;
/// what the SMTP test server received is judged by dkimpy and OpenDKIM too.
@Suite(.serialized) struct DKIMCommandTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path

    /// keygen's TXT line: (name, record).
    func record(_ stdout: String) throws -> (String, String) {
        let line = try #require(stdout.split(separator: "\n").first { $0.contains(" TXT \"") })
        let parts = line.components(separatedBy: " TXT \"")
        return (parts[0], String(parts[1].dropLast()))
    }

    @Test func keygenWritesAPrivateFileAndPrintsTheRecord() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try HeraldProcess.run(["dkim", "keygen", "--domain", "Example.com", "--selector", "s1"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let (name, record) = try record(result.stdout)
        #expect(name == "s1._domainkey.example.com")
        #expect(record.hasPrefix("v=DKIM1; k=ed25519; p="))
        let file = directory.appendingPathComponent("s1.example.com.pem").path
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(!result.stdout.contains("PRIVATE KEY"))

        let again = try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", "s1"], in: directory)
        #expect(again.status == 74)
        #expect(again.stderr.contains("s1.example.com.pem: it exists already"))

        let rsa = try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", "r1", "--algorithm", "rsa", "--output", "rsa.pem"], in: directory)
        #expect(rsa.status == 0, "\(rsa.stderr)")
        #expect(try self.record(rsa.stdout).1.hasPrefix("v=DKIM1; k=rsa; p=MIIBIjAN"))

        let wrong = try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", "x", "--algorithm", "dsa"], in: directory)
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("--algorithm 'dsa' is not ed25519 or rsa"))
    }

    /// Two keys (Ed25519 and RSA) sign what `herald send` delivers over SMTP; the received
    /// message verifies with herald dkim verify, dkimpy and OpenDKIM; a changed copy does not.
    @Test func sentMessagesVerifyOnTheReceivingSide() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ed = try record(try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", "ed", "--output", "ed.pem"], in: directory).stdout)
        let rsa = try record(try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", "rsa", "--algorithm", "rsa", "--output", "rsa.pem"],
                                                   in: directory).stdout)
        let server = try TestServer()
        let result = try HeraldProcess.run(["send", input, "--from", "Support <me@example.com>", "--to", "ana@example.net", "--subject", "Über dots",
                                            "--via", server.url, "--starttls", "none", "--dkim-key", "example.com:ed:ed.pem", "--dkim-key", "example.com:rsa:rsa.pem"],
                                           in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let received = try #require(try server.received().first).bytes
        let records = [ed.0: ed.1, rsa.0: rsa.1]
        #expect(try ExternalDKIMVerifiers.dkimpy(received, records: records) == [true, true])
        #expect(try ExternalDKIMVerifiers.opendkim(received, records: records).contains("succeeded"))

        let file = directory.appendingPathComponent("received.eml")
        try Data(received).write(to: file)
        let verified = try HeraldProcess.run(["dkim", "verify", file.path, "--record", ed.1], in: directory)
        // One record for both: the Ed25519 signature passes, the RSA one is told why it does not.
        #expect(verified.stdout.hasPrefix("pass: ed25519-sha256 ed._domainkey.example.com\nfail: rsa-sha256 rsa._domainkey.example.com — the record is k=ed25519"))
        #expect(verified.status == 1)
        let rsaOnly = try HeraldProcess.run(["dkim", "verify", file.path, "--record", rsa.1], in: directory)
        #expect(rsaOnly.stdout.contains("pass: rsa-sha256 rsa._domainkey.example.com"))

        let changed = directory.appendingPathComponent("changed.eml")
        try Data(String(decoding: received, as: UTF8.self).replacingOccurrences(of: "Subject:", with: "Subject: Re:").utf8).write(to: changed)
        let failed = try HeraldProcess.run(["dkim", "verify", changed.path, "--record", ed.1], in: directory)
        #expect(failed.status == 1)
        #expect(failed.stdout.hasPrefix("fail: ed25519-sha256 ed._domainkey.example.com — the signature does not match the signed headers"))
        #expect(try ExternalDKIMVerifiers.dkimpy(Array(try Data(contentsOf: changed)), records: records) == [false, false])
    }

    /// `render --format eml` signs what `send` would send: the file verifies with herald dkim
    /// verify and dkimpy; with --deterministic twice it is the same bytes (Ed25519 and RSA
    /// PKCS#1 v1.5 are deterministic, and t= is the fixed Date); without a key for the From
    /// domain nothing is signed; --format html is never signed.
    @Test func renderedMessagesAreSignedLikeSentOnes() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ed = try record(try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", "ed", "--output", "ed.pem"], in: directory).stdout)
        let rsa = try record(try HeraldProcess.run(["dkim", "keygen", "--domain", "example.com", "--selector", "rsa", "--algorithm", "rsa", "--output", "rsa.pem"],
                                                   in: directory).stdout)
        let render = ["render", input, "--format", "eml", "--deterministic", "--from", "Support <me@example.com>", "--to", "ana@example.net",
                      "--subject", "Über dots", "--dkim-key", "example.com:ed:ed.pem", "--dkim-key", "example.com:rsa:rsa.pem"]
        let first = try HeraldProcess.run(render + ["--output", "signed.eml"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let signed = Array(try Data(contentsOf: directory.appendingPathComponent("signed.eml")))
        let text = String(decoding: signed, as: UTF8.self)
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed;"))
        #expect(text.contains("\r\nDKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=rsa;"))
        #expect(try ExternalDKIMVerifiers.dkimpy(signed, records: [ed.0: ed.1, rsa.0: rsa.1]) == [true, true])
        let verified = try HeraldProcess.run(["dkim", "verify", "signed.eml", "--record", ed.1], in: directory)
        #expect(verified.stdout.hasPrefix("pass: ed25519-sha256 ed._domainkey.example.com"))
        let again = try HeraldProcess.run(render, in: directory)
        #expect(Array(again.stdout.utf8) == signed)

        let otherDomain = try HeraldProcess.run(render.map { $0 == "Support <me@example.com>" ? "me@example.org" : $0 }, in: directory)
        #expect(otherDomain.status == 0, "\(otherDomain.stderr)")
        #expect(otherDomain.stdout.hasPrefix("Date: "))
        #expect(!otherDomain.stdout.contains("DKIM-Signature"))
        let html = try HeraldProcess.run(render.map { $0 == "eml" ? "html" : $0 }, in: directory)
        #expect(html.status == 0 && html.stdout.hasPrefix("<!DOCTYPE html>") && !html.stdout.contains("DKIM"))
        // The environment configures render as it configures send.
        let fromEnvironment = try HeraldProcess.run(Array(render.prefix(11)), in: directory, environment: ["HERALD_DKIM_KEYS": "example.com:ed:ed.pem"])
        #expect(fromEnvironment.stdout.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256;"))
        #expect(!fromEnvironment.stdout.contains("a=rsa-sha256"))
        // HTML reads no key: a broken key setting does not stop it (a whole message it does).
        let broken = ["HERALD_DKIM_KEYS": "example.com:ed:missing.pem"]
        #expect(try HeraldProcess.run(["render", input, "--format", "html"], in: directory, environment: broken).status == 0)
        #expect(try HeraldProcess.run(Array(render.prefix(11)), in: directory, environment: broken).status == 74)
    }

    /// A key that cannot be read or parsed stops the send before an outbox exists.
    @Test func aBadKeyFileIsAnErrorBeforeAnythingIsStored() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let send = ["send", input, "--from", "me@example.com", "--to", "ana@example.net"]
        let missing = try HeraldProcess.run(send + ["--dkim-key", "example.com:s1:missing.pem"], in: directory)
        #expect(missing.status == 74)
        #expect(missing.stderr.hasPrefix("error: cannot read the DKIM key file missing.pem (for s1._domainkey.example.com)"))
        try Data("not a key\n".utf8).write(to: directory.appendingPathComponent("bad.pem"))
        let bad = try HeraldProcess.run(send, in: directory, environment: ["HERALD_DKIM_KEYS": "example.com:s1:bad.pem"])
        #expect(bad.status == 65)
        #expect(bad.stderr.hasPrefix("error: the DKIM key file bad.pem holds no private key Herald can sign with"))
        let shape = try HeraldProcess.run(send + ["--dkim-key", "example.com/bad.pem"], in: directory)
        #expect(shape.status == 64)
        #expect(shape.stderr.contains("--dkim-key 'example.com/bad.pem' is not DOMAIN:SELECTOR:FILE"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".herald/outbox.sqlite").path))
    }
}
