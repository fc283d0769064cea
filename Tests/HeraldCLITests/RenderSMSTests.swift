import Foundation
import Testing

/// `herald render --channel sms`, run as a real process.
@Suite struct RenderSMSTests {
    struct Report: Decodable {
        var text: String
        var encoding: String
        var units: Int
        var segmentCount: Int
        var segments: [String]
        var nonGSMCharacters: [String]
        var warnings: [String]
    }

    @Test func jsonReportsEncodingSegmentsAndTheCharactersThatForcedUCS2() throws {
        let result = try HeraldProcess.run(["render", "-", "--channel", "sms", "--format", "json"], stdin: "**Hi** Ana — your order *shipped*.")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.text == "Hi Ana — your order shipped.")
        #expect(report.encoding == "UCS-2")
        #expect(report.nonGSMCharacters == ["—"])
        #expect(report.segmentCount == 1 && report.segments == [report.text])
        #expect(result.stderr.contains("warning: UCS-2 because of —"))
    }

    @Test func transliterationKeepsGSMAndTextFormatPrintsTheMessage() throws {
        let result = try HeraldProcess.run(["render", "-", "--channel", "sms", "--format", "text", "--transliterate"],
                                           stdin: "Ana — “your” order…")
        #expect(result.status == 0)
        #expect(result.stdout == "Ana - \"your\" order...\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func longMessagesWarnAboveTheSegmentLimit() throws {
        let result = try HeraldProcess.run(["render", "-", "--channel", "sms", "--format", "json", "--max-segments", "1"],
                                           stdin: String(repeating: "word ", count: 40))
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.encoding == "GSM-7" && report.segmentCount == 2)
        #expect(report.segments.map(\.count) == [153, 46])
        #expect(result.stderr.contains("warning: the SMS needs 2 segments (GSM-7), more than 1"))
    }

    @Test func attachmentsAreRefusedAndEmailFormatsAreUsageErrors() throws {
        let pdf = HeraldProcess.repository.appendingPathComponent("Tests/Fixtures/attachments/sample.pdf").path
        let attached = try HeraldProcess.run(["render", "-", "--channel", "sms", "--format", "text", "--attach", pdf], stdin: "Hi")
        #expect(attached.status == 65)
        #expect(attached.stderr.contains("error: an SMS carries no attachments"))
        #expect(attached.stdout.isEmpty)
        let html = try HeraldProcess.run(["render", "-", "--channel", "sms", "--format", "html"], stdin: "Hi")
        #expect(html.status == 64)
        #expect(html.stderr.contains("error: sms renders as text or json, not html"))
    }
}

/// `herald render --channel whatsapp`, run as a real process.
@Suite struct RenderWhatsAppTests {
    @Test func textIsWhatTheCustomerSees() throws {
        let result = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "text"], stdin: "# Hi\n\n**Your order** has ==shipped==.")
        #expect(result.status == 0)
        #expect(result.stdout == "*Hi*\n\n*Your order* has shipped.\n")
    }

    @Test func jsonIsTheCloudAPIBodyForANormalizedNumber() throws {
        let recent = String(Int(Date().timeIntervalSince1970) - 3600)
        let result = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "612 345 678", "--country-code", "34",
                                            "--last-inbound", recent], stdin: "Hola *Ana*")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"to\" : \"+34612345678\""))
        #expect(result.stdout.contains("\"body\" : \"Hola _Ana_\""))
        let bad = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "612 345 678"], stdin: "x")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("error: invalid phone number \"612 345 678\": it has no country code"))
    }
}

@Suite struct WhatsAppRulesCLITests {
    func template(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-hsm-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url.path
    }

    @Test func freeFormOutsideTheWindowIsRefused() throws {
        let start = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "+34612345678"], stdin: "Hi")
        #expect(start.status == 65)
        #expect(start.stderr.contains("a free-form WhatsApp message cannot start a conversation; send an approved template"))
        let old = String(Int(Date().timeIntervalSince1970) - 30 * 3600)
        let late = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "+34612345678", "--last-inbound", old], stdin: "Hi")
        #expect(late.status == 65)
        #expect(late.stderr.contains("30 hours ago, outside the 24-hour window"))
    }

    @Test func templateParametersAreCheckedAndTheBodyBuilt() throws {
        let path = try template(#"{"name": "order_shipped", "language": "en_US", "category": "UTILITY", "body": "Hi {{1}}, order {{2}} has shipped.", "buttons": [{"type": "URL", "text": "Track", "url": "https://e.com/t/{{1}}"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let arguments = ["render", "-", "--channel", "whatsapp", "--to", "+34612345678", "--whatsapp-template", path]
        let text = try HeraldProcess.run(arguments + ["--format", "text", "--param", "Ana", "--param", "A-1001", "--button-param", "A-1001"], stdin: "")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout == "Hi Ana, order A-1001 has shipped.\n")
        let json = try HeraldProcess.run(arguments + ["--format", "json", "--param", "Ana", "--param", "A-1001", "--button-param", "A-1001"], stdin: "")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["type"] as? String == "template")
        let body = (object?["template"] as? [String: Any])?["components"] as? [[String: Any]]
        #expect(body?.map { $0["type"] as? String } == ["body", "button"])
        #expect((body?[0]["parameters"] as? [[String: String]])?.map { $0["text"] } == ["Ana", "A-1001"])
        let missing = try HeraldProcess.run(arguments + ["--format", "json", "--param", "Ana", "--button-param", "x"], stdin: "")
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("template order_shipped takes 2 body parameter(s) ({{1}}…{{2}}), 1 given"))
        let newline = try HeraldProcess.run(arguments + ["--format", "json", "--param", "Ana\nX", "--param", "B", "--button-param", "x"], stdin: "")
        #expect(newline.status == 65)
        #expect(newline.stderr.contains("contains a line break or a tab"))
    }
}
