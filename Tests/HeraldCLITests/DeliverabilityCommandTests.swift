import Foundation
import HeraldTestSupport
import Testing

/// `--list-unsubscribe` with one-click, `--text`, `--feedback-id`, `--auto-submitted`, and a bulk
/// send's unsubscribe check (`--strict`), through real `herald` processes.
@Suite(.serialized) struct DeliverabilityCommandTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path

    func render(_ extra: [String]) throws -> HeraldProcess.Result {
        try HeraldProcess.run(["render", input, "--format", "eml", "--deterministic", "--from", "news@example.com", "--to", "ana@example.net"] + extra)
    }

    @Test func anHTTPSUnsubscribeURLGetsOneClick() throws {
        let result = try render(["--list-unsubscribe", "https://example.com/u/8f3a"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\r\nList-Unsubscribe: <https://example.com/u/8f3a>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        #expect(try ExternalEmailTools.checkMessage(Array(result.stdout.utf8)) == [])
        let mailto = try render(["--list-unsubscribe", "mailto:leave@example.com"])
        #expect(mailto.status == 0 && mailto.stdout.contains("List-Unsubscribe: <mailto:leave@example.com>") && !mailto.stdout.contains("List-Unsubscribe-Post"))
    }

    @Test func feedbackIDAndAutoSubmitted() throws {
        let result = try render(["--feedback-id", "spring:4821:newsletter:herald", "--auto-submitted"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\r\nFeedback-ID: spring:4821:newsletter:herald\r\n"))
        #expect(result.stdout.contains("\r\nAuto-Submitted: auto-generated\r\n"))
        #expect(try ExternalEmailTools.checkMessage(Array(result.stdout.utf8)) == [])
        let plain = try render([])
        #expect(!plain.stdout.contains("Auto-Submitted") && !plain.stdout.contains("Feedback-ID"))
        let injected = try render(["--feedback-id", "x\r\nBcc: eve@example.com"])
        #expect(injected.status == 65 && injected.stdout.isEmpty, "\(injected.status) \(injected.stderr)")
        #expect(injected.stderr.contains("Feedback-ID"))
        // The same from a request file; the option turns it off again.
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let request = directory.appendingPathComponent("request.json")
        try Data(#"{"feedbackID": "autumn:17:receipt:herald", "autoSubmitted": true}"#.utf8).write(to: request)
        let fromFile = try render(["--request", request.path])
        #expect(fromFile.stdout.contains("\r\nFeedback-ID: autumn:17:receipt:herald\r\n") && fromFile.stdout.contains("\r\nAuto-Submitted: auto-generated\r\n"))
        let turnedOff = try render(["--request", request.path, "--no-auto-submitted"])
        #expect(turnedOff.status == 0 && !turnedOff.stdout.contains("Auto-Submitted"))
        let custom = try render(["--header", "Auto-Submitted: no"])
        #expect(custom.status == 65 && custom.stdout.isEmpty, "\(custom.status) \(custom.stderr)")
    }

    @Test func theAuthorsOwnTextReplacesTheRenderedOne() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("reply.txt")
        try Data("Hola Ana,\r\nwritten by hand: el reembolso está en camino.\r\n".utf8).write(to: file)
        let result = try render(["--text", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try ExternalEmailTools.checkMessage(Array(result.stdout.utf8)) == [])
        let parts = try ExternalEmailTools.inspect(Array(result.stdout.utf8)).leaves
        #expect(parts.first { $0.content_type == "text/plain" }?.text?.replacingOccurrences(of: "\r\n", with: "\n") == "Hola Ana,\nwritten by hand: el reembolso está en camino.\n")
        #expect(parts.contains { $0.content_type == "text/html" })
        let text = try HeraldProcess.run(["render", input, "--format", "text", "--text", file.path])
        #expect(text.stdout == "Hola Ana,\r\nwritten by hand: el reembolso está en camino.\r\n")

        let latin1 = directory.appendingPathComponent("latin1.txt")
        try Data([0x65, 0x6C, 0x20, 0x72, 0x65, 0x65, 0x6D, 0x62, 0x6F, 0x6C, 0x73, 0x6F, 0x20, 0x65, 0x73, 0x74, 0xE1, 0x0A]).write(to: latin1)
        let refused = try render(["--text", latin1.path])
        #expect(refused.status == 65 && refused.stdout.isEmpty && refused.stderr.contains("is not UTF-8 text"), "\(refused.stderr)")
        let large = directory.appendingPathComponent("large.txt")
        try Data(repeating: 0x61, count: 1_048_577).write(to: large)
        let tooLarge = try render(["--text", large.path, "--max-input-mb", "1"])
        #expect(tooLarge.status == 65 && tooLarge.stderr.contains("--max-input-mb 2"), "\(tooLarge.stderr)")
        let missing = try render(["--text", directory.appendingPathComponent("none.txt").path])
        #expect(missing.status == 74, "\(missing.stderr)")
        let sms = try HeraldProcess.run(["render", input, "--channel", "sms", "--format", "text", "--text", file.path])
        #expect(sms.status == 64 && sms.stderr.contains("--text is an email's plain-text alternative"), "\(sms.stderr)")
        // The file --text reads is never written over.
        let over = try render(["--text", file.path, "--output", file.path])
        #expect(over.status != 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == "Hola Ana,\r\nwritten by hand: el reembolso está en camino.\r\n")

        // The same in a --request file: "text" relative to the request; --text wins over it;
        // the request's text file is never written over either.
        try Data("Por la petición.\n".utf8).write(to: directory.appendingPathComponent("request.txt"))
        let request = directory.appendingPathComponent("request.json")
        try Data(#"{"from": "me@example.com", "to": ["ana@example.net"], "text": "request.txt"}"#.utf8).write(to: request)
        let fromRequest = try HeraldProcess.run(["render", input, "--format", "text", "--request", request.path])
        #expect(fromRequest.stdout == "Por la petición.\n", "\(fromRequest.stderr)")
        let eml = try HeraldProcess.run(["render", input, "--format", "eml", "--request", request.path])
        let leaves = try ExternalEmailTools.inspect(Array(eml.stdout.utf8)).leaves
        #expect(leaves.first { $0.content_type == "text/plain" }?.text?.replacingOccurrences(of: "\r\n", with: "\n") == "Por la petición.\n")
        let both = try HeraldProcess.run(["render", input, "--format", "text", "--request", request.path, "--text", file.path])
        #expect(both.stdout.hasPrefix("Hola Ana,"))
        let overRequestText = try HeraldProcess.run(["render", input, "--request", request.path, "--output", directory.appendingPathComponent("request.txt").path])
        #expect(overRequestText.status != 0)
        #expect(try String(contentsOf: directory.appendingPathComponent("request.txt"), encoding: .utf8) == "Por la petición.\n")
    }

    /// A bulk send: Auto-Submitted by default; no unsubscribe target is a warning, refused with --strict.
    @Test func bulkSends() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("recipients.txt")
        try Data("ana@example.com\nbo@example.com\n".utf8).write(to: list)
        let maildir = directory.appendingPathComponent(".herald/maildir/new")
        func stored() throws -> [String] {
            try ((try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []).sorted().map {
                String(decoding: try Data(contentsOf: maildir.appendingPathComponent($0)), as: UTF8.self)
            }
        }
        let base = ["send", input, "--from", "news@example.com", "--subject", "News", "--recipients-file", list.path]

        let strict = try HeraldProcess.run(base + ["--strict"], in: directory)
        #expect(strict.status == 65, "\(strict.stderr)")
        #expect(strict.stderr.contains("a bulk send without an unsubscribe target") && strict.stderr.contains("nothing was stored or sent"))
        #expect(try stored().isEmpty)

        let warned = try HeraldProcess.run(base, in: directory)
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stderr.contains("warning: a bulk send without an unsubscribe target"))
        let messages = try stored()
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.contains("\r\nAuto-Submitted: auto-generated\r\n") && !$0.contains("List-Unsubscribe") })
        for message in messages { #expect(try ExternalEmailTools.checkMessage(Array(message.utf8)) == []) }

        let other = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: other) }
        let unsubscribed = try HeraldProcess.run(base + ["--strict", "--list-unsubscribe", "https://example.com/u", "--no-auto-submitted"], in: other)
        #expect(unsubscribed.status == 0 && !unsubscribed.stderr.contains("unsubscribe target"), "\(unsubscribed.stderr)")
        let sent = try FileManager.default.contentsOfDirectory(atPath: other.appendingPathComponent(".herald/maildir/new").path).map {
            String(decoding: try Data(contentsOf: other.appendingPathComponent(".herald/maildir/new").appendingPathComponent($0)), as: UTF8.self)
        }
        #expect(sent.count == 2)
        #expect(sent.allSatisfy { $0.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") && !$0.contains("Auto-Submitted") })
    }
}
