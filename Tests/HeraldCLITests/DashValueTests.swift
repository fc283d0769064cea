import Foundation
import Testing

/// Free text and addresses that begin with "-" are values, not options: a subject "-50% off",
/// an address -sales@example.com, a WhatsApp parameter -5. Each is followed to the message the
/// real `herald` writes.
@Suite struct DashValueTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/blocks/input.md").path

    @Test func addressesSubjectAndPreheaderReachTheMessage() throws {
        let arguments = ["render", input, "--from", "-shop@example.com", "--to", "-ana@example.com", "--cc=-cc@example.com",
                         "--bcc", "-audit@example.com", "--reply-to", "-replies@example.com", "--subject", "-50% off",
                         "--preheader", "-20% today only", "--deterministic"]
        let eml = try HeraldProcess.run(arguments + ["--format", "eml"])
        #expect(eml.status == 0, "\(eml.stderr)")
        let headers = eml.stdout.components(separatedBy: "\r\n\r\n").first ?? ""
        for line in ["From: <-shop@example.com>", "To: <-ana@example.com>", "Cc: <-cc@example.com>",
                     "Reply-To: <-replies@example.com>", "Subject: -50% off"] {
            #expect(headers.contains("\r\n\(line)\r\n") || headers.hasPrefix("\(line)\r\n"), "\(line) in \(headers)")
        }
        // The preheader is the text part's first paragraph.
        #expect(eml.stdout.contains("-20% today only"))

        let json = try HeraldProcess.run(arguments + ["--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let envelope = report?["envelope"] as? [String: Any]
        #expect(envelope?["mailFrom"] as? String == "-shop@example.com")
        #expect(envelope?["rcptTo"] as? [String] == ["-ana@example.com", "-cc@example.com", "-audit@example.com"])
    }

    @Test func whatsAppParametersMayBeNegative() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = directory.appendingPathComponent("offer.json")
        try Data(#"{"name": "offer", "language": "en_US", "category": "MARKETING", "header": {"format": "TEXT", "text": "Save {{1}}"}, "body": "Prices {{1}} and {{2}} degrees.", "buttons": [{"type": "URL", "text": "Shop", "url": "https://e.com/o/{{1}}"}]}"#.utf8).write(to: template)
        let result = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "+34612345678",
                                            "--whatsapp-template", template.path, "--header-param", "-20%",
                                            "--param", "-5", "--param=-12", "--button-param", "-7"], stdin: "")
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let components = (object?["template"] as? [String: Any])?["components"] as? [[String: Any]] ?? []
        func texts(_ type: String) -> [String?] {
            (components.first { $0["type"] as? String == type }?["parameters"] as? [[String: Any]] ?? []).map { $0["text"] as? String }
        }
        #expect(texts("header") == ["-20%"])
        #expect(texts("body") == ["-5", "-12"])
        #expect(texts("button") == ["-7"])
    }

    @Test func sendStoresAndDeliversThem() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try HeraldProcess.run(["send", input, "--from", "-shop@example.com", "--to", "-ana@example.com",
                                            "--subject", "-50% off", "--idempotency-key", "-k1"], in: directory)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let show = try HeraldProcess.run(["outbox", "show", "1"], in: directory)
        #expect(show.stdout.contains("from -shop@example.com") && show.stdout.contains("idempotency key: -k1"), "\(show.stdout)")
        let delivered = directory.appendingPathComponent(".herald/maildir/new")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: delivered.path).first)
        let message = try String(contentsOf: delivered.appendingPathComponent(file), encoding: .utf8)
        #expect(message.contains("\r\nTo: <-ana@example.com>\r\n") && message.contains("\r\nSubject: -50% off\r\n"))
    }

    @Test func anOptionWithNoValueAtAllIsStillRefused() throws {
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--from", "shop@example.com", "--to"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("error: missing value for '--to <to>'\n"), "\(result.stderr)")
    }
}
