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
        #expect(html.stderr.contains("--channel sms renders as text or json, not html"))
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
        let result = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "612 345 678", "--country-code", "34"],
                                           stdin: "Hola *Ana*")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"to\" : \"+34612345678\""))
        #expect(result.stdout.contains("\"body\" : \"Hola _Ana_\""))
        let bad = try HeraldProcess.run(["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "612 345 678"], stdin: "x")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("error: invalid phone number \"612 345 678\": it has no country code"))
    }
}
