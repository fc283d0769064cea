import Foundation
import HeraldTestSupport
import Testing

/// Header values from every door of `herald render` — options, `--request`, a template's
/// `from:` — are written in lines a reader cannot misread: at most 998 octets, passing
/// `check-message`, read back by Python.
@Suite struct RenderHeaderLimitsTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path
    static let longName = String(repeating: "N", count: 10_000)

    func longestLine(_ text: String) -> Int {
        text.components(separatedBy: "\r\n").map(\.utf8.count).max() ?? 0
    }

    func expectLegal(_ result: HeraldProcess.Result, _ context: String) throws {
        #expect(result.status == 0, "\(context): \(result.stderr)")
        #expect(longestLine(result.stdout) <= 998, "\(context)")
        #expect(try ExternalEmailTools.checkMessage(Array(result.stdout.utf8)) == [], "\(context)")
    }

    @Test func aTenThousandCharacterNameFromTheOptions() throws {
        let mailbox = "\(Self.longName) <a@example.com>"
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--deterministic", "--from", mailbox, "--to", mailbox,
                                            "--cc", mailbox, "--reply-to", mailbox])
        try expectLegal(result, "options")
        let inspection = try ExternalEmailTools.inspect(Array(result.stdout.utf8))
        #expect(inspection.rfc2047("From") == mailbox)
        #expect(inspection.rfc2047("Reply-To") == mailbox)
    }

    @Test func aTenThousandCharacterNameFromARequestFile() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mailbox = "\"\(Self.longName), Jr.\" <a@example.com>"
        let request: [String: Any] = ["from": mailbox, "to": [mailbox], "cc": [mailbox], "replyTo": [mailbox]]
        let file = directory.appendingPathComponent("request.json")
        try JSONSerialization.data(withJSONObject: request).write(to: file)
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--deterministic", "--request", file.path])
        try expectLegal(result, "--request")
        #expect(try ExternalEmailTools.inspect(Array(result.stdout.utf8)).rfc2047("To") == "\(Self.longName), Jr. <a@example.com>")
    }

    @Test func aTenThousandCharacterNameFromATemplateSender() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = directory.appendingPathComponent("note.md")
        try Data("---\nname: note\nsubject: \"A note\"\nfrom: \"{{sender}} <support@example.com>\"\nvariables:\n  sender: {type: string, example: Support}\n---\nHello.\n".utf8)
            .write(to: template)
        let data = directory.appendingPathComponent("data.json")
        try JSONSerialization.data(withJSONObject: ["sender": Self.longName]).write(to: data)
        let result = try HeraldProcess.run(["render", template.path, "--data", data.path, "--format", "eml", "--deterministic", "--to", "ana@example.com"])
        try expectLegal(result, "template from:")
        #expect(try ExternalEmailTools.inspect(Array(result.stdout.utf8)).rfc2047("From") == "\(Self.longName) <support@example.com>")
    }

    @Test func aNameThatLooksLikeAnEncodedWordIsShownAsTyped() throws {
        let spoof = "=?utf-8?b?UGF5UGFsIFNlY3VyaXR5IDxzZWN1cml0eUBwYXlwYWwuY29tPg==?="
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--deterministic", "--from", "\(spoof) <attacker@evil.example>",
                                            "--to", "ana@example.com"])
        try expectLegal(result, "spoof")
        let inspection = try ExternalEmailTools.inspect(Array(result.stdout.utf8))
        #expect(inspection.rfc2047("From") == "\(spoof) <attacker@evil.example>")
        #expect(inspection.from.first?[1] == "attacker@evil.example")
        #expect(!(inspection.from.first?[0].contains("paypal") ?? true), "Python decoded the look-alike: \(inspection.from)")
    }

    @Test func aListUnsubscribeURLNoLineCanHoldIsRefused() throws {
        let url = "https://example.com/unsubscribe?token=" + String(repeating: "t", count: 3_000)
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--from", "a@example.com", "--to", "b@example.com",
                                            "--list-unsubscribe", url])
        #expect(result.status == 65)
        #expect(result.stderr.hasSuffix("it is 3038 characters long; a header line holds at most 998, so a List-Unsubscribe URL can have at most 994\n"),
                "\(result.stderr.suffix(200))")
        #expect(result.stdout.isEmpty)
    }

    @Test func inReplyToAloneWritesReferences() throws {
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--deterministic", "--from", "a@example.com", "--to", "b@example.com",
                                            "--in-reply-to", "<parent@example.com>"])
        try expectLegal(result, "in-reply-to")
        #expect(result.stdout.contains("\r\nIn-Reply-To: <parent@example.com>\r\nReferences: <parent@example.com>\r\n"))
    }
}
