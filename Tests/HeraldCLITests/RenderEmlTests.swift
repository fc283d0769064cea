import Foundation
import HeraldTestSupport
import Testing

/// `herald render --format eml|json`, run as a real process.
@Suite struct RenderEmlTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path
    let addressing = ["--from", "Daniel Okafor <daniel@herald-home.example>", "--to", "Priya Sharma <priya@example.com>",
                      "--cc", "Refunds <refunds@herald-home.example>", "--bcc", "audit@herald-home.example", "--subject", "Your refund"]

    @Test func writesACompleteMessageThatPassesTheCheckers() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("reply.eml")
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--output", output.path] + addressing)
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = [UInt8](try Data(contentsOf: output))
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.subject == "Your refund")
        #expect(inspection.parts.map(\.content_type) == ["multipart/alternative", "text/plain", "text/html"])
        #expect(!inspection.headerNames.contains("bcc"))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("audit@herald-home.example"))
        // Not deterministic: a real date and a random Message-ID.
        #expect(!String(decoding: bytes, as: UTF8.self).contains("Date: Mon, 01 Jan 2024"))
    }

    @Test func deterministicOutputIsReproducible() throws {
        let first = try HeraldProcess.run(["render", input, "--format", "eml", "--deterministic"] + addressing)
        let second = try HeraldProcess.run(["render", input, "--format", "eml", "--deterministic"] + addressing)
        #expect(first.status == 0 && second.status == 0)
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.hasPrefix("Date: Mon, 01 Jan 2024 00:00:00 +0000\r\n"))
    }

    @Test func jsonShowsTheEnvelopeWithBccAndTheStructure() throws {
        let result = try HeraldProcess.run(["render", input, "--format", "json", "--deterministic", "--to", "priya@example.com"] + addressing)
        #expect(result.status == 0, "\(result.stderr)")
        struct Report: Decodable {
            struct Envelope: Decodable { var mailFrom: String; var rcptTo: [String]; var smtputf8: Bool }
            struct Part: Decodable { var contentType: String; var parts: [Part]? }
            var envelope: Envelope
            var structure: Part
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.envelope.mailFrom == "daniel@herald-home.example")
        #expect(report.envelope.rcptTo == ["priya@example.com", "refunds@herald-home.example", "audit@herald-home.example"])
        #expect(report.envelope.smtputf8 == false)
        #expect(report.structure.contentType == "multipart/alternative")
        #expect(report.structure.parts?.map(\.contentType) == ["text/plain", "text/html"])
    }

    @Test func badInputsExit65WithTheReason() throws {
        let cases: [([String], String)] = [
            (["--from", "not-an-address", "--to", "a@example.com"], "error: invalid From address \"not-an-address\": missing '@' and domain"),
            (["--from", "a@example.com", "--to", "b@example.com", "--subject", "Hi\r\nBcc: evil@example.com"],
             "error: invalid subject \"Hi\\r\\nBcc: evil@example.com\": contains a carriage return (CR)"),
            (["--from", "a@example.com", "--to", "b@example.com", "--header", "Bcc: evil@example.com"], "Bcc is written by Herald"),
            (["--from", "a@example.com", "--to", "b@example.com", "--attach", "/nonexistent/file.pdf"],
             "error: attachment \"/nonexistent/file.pdf\" refused: no such file"),
        ]
        for (arguments, message) in cases {
            let result = try HeraldProcess.run(["render", input, "--format", "eml"] + arguments)
            #expect(result.status == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func missingSenderOrRecipientIsAUsageError() throws {
        let noSender = try HeraldProcess.run(["render", input, "--format", "eml", "--to", "a@example.com"])
        #expect(noSender.status == 64)
        #expect(noSender.stderr.contains("error: a whole message (eml) needs a sender: give a From address"))
        let noRecipient = try HeraldProcess.run(["render", input, "--format", "eml", "--from", "a@example.com"])
        #expect(noRecipient.status == 64)
        #expect(noRecipient.stderr.contains("error: a whole message (eml) needs a recipient: give at least one To, Cc or Bcc address"))
    }

    @Test func aRefusedAttachmentLeavesNoOutputFile() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = directory.appendingPathComponent("invoice.pdf")
        try Data([0x4D, 0x5A, 0x90, 0x00] + [UInt8](repeating: 0, count: 200)).write(to: fake)
        let output = directory.appendingPathComponent("out.eml")
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--attach", fake.path, "--output", output.path] + addressing)
        #expect(result.status == 65)
        #expect(result.stderr.contains("refused: its name claims .pdf (application/pdf) but its content is application/x-dosexec"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["invoice.pdf"])
    }

    @Test func relativeAttachmentPathsAreRelativeToTheWorkingDirectory() throws {
        // Not to the input's folder: `--attach` names a file as the shell sees it.
        let result = try HeraldProcess.run(["render", "Samples/agent-reply/input.md", "--format", "json", "--from", "a@example.com",
                                            "--to", "b@example.com", "--attach", "Samples/agent-reply/refund-receipt.pdf"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"filename\" : \"refund-receipt.pdf\""))
    }
}
