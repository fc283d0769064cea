import Foundation
import Herald
import HeraldTestSupport
import Testing

/// Templates through the real `herald`: render with --data and --locale, send to a real SMTP
/// server and to the WhatsApp stand-in, lint, preview, and golden's diff on a change.
@Suite(.serialized) struct TemplateCommandsTests {
    let templates = HeraldProcess.repository.appendingPathComponent("Templates")

    func write(_ text: String, to name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    static let hostileData = #"""
        {"customer_name": "**Bob** <script>alert(1)</script>\r\nBcc: victim@example.com",
         "order": {"id": "A-1001", "eta": "Friday", "carrier": "UPS", "tracking_number": "1Z", "tracking_url": "https://herald-home.example/track/A-1001"},
         "items": [{"name": "| injected | cell |", "qty": 1, "price": "$1.00"}],
         "unsubscribe_token": "t-1"}
        """#

    @Test func hostileDataIsLiteralInEveryChannel() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try write(Self.hostileData, to: "data.json", in: directory)
        let input = templates.appendingPathComponent("order-shipped.md").path

        let html = try HeraldProcess.run(["render", input, "--data", data.path])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.contains("Hi **Bob** &lt;script&gt;alert(1)&lt;/script&gt;<br>"))
        #expect(!html.stdout.contains("<script>") && html.stdout.contains("| injected | cell |"))

        let eml = try HeraldProcess.run(["render", input, "--data", data.path, "--format", "eml", "--to", "ana@example.com", "--deterministic"])
        #expect(eml.status == 0, "\(eml.stderr)")
        let headers = eml.stdout.components(separatedBy: "\r\n\r\n").first ?? ""
        // The value's line break is a line break in the text part's body, never a header.
        #expect(!headers.lowercased().contains("bcc") && !headers.contains("victim"))
        #expect(try ExternalEmailTools.checkMessage(Array(eml.stdout.utf8)) == [])

        let sms = try HeraldProcess.run(["render", input, "--data", data.path, "--channel", "sms", "--format", "text"])
        #expect(sms.stdout.hasPrefix("Hi **Bob** <script>alert(1)</script>\nBcc: victim@example.com, your Herald Home order A-1001"))

        let whatsapp = try HeraldProcess.run(["render", input, "--data", data.path, "--channel", "whatsapp", "--format", "text"])
        // WhatsApp has no escape: a word joiner (U+2060) after each * keeps **Bob** from turning bold.
        #expect(whatsapp.stdout.hasPrefix("Hi *\u{2060}*\u{2060}Bob*\u{2060}*\u{2060} <script>alert(1)</script> Bcc: victim@example.com, your order A-1001"))
    }

    @Test func missingDataNamesTheTemplateLineAndVariable() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try write(#"{"order": {"id": "A-1"}, "unsubscribe_token": "t"}"#, to: "data.json", in: directory)
        let result = try HeraldProcess.run(["render", "Templates/order-shipped.md", "--data", data.path])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("error: Templates/order-shipped.md:36: template order-shipped: the required variable customer_name has no value"))
        #expect(result.stdout.isEmpty)

        // send never falls back to the examples.
        let send = try HeraldProcess.run(["send", templates.appendingPathComponent("welcome.md").path, "--to", "ana@example.com"], in: directory)
        #expect(send.status == 65 && send.stderr.contains("is a template: give its data (a JSON file of its variables), or use the examples of its front matter"))
    }

    @Test func aLocaleIsChosenWithFallback() throws {
        let result = try HeraldProcess.run(["render", "Templates/welcome.md", "--locale", "es-MX", "--format", "text"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try String(contentsOf: templates.appendingPathComponent("golden/welcome.es/golden.txt"), encoding: .utf8)))
        let fallback = try HeraldProcess.run(["render", "Templates/welcome.md", "--locale", "fr", "--format", "text"])
        #expect(fallback.stdout == (try String(contentsOf: templates.appendingPathComponent("golden/welcome/golden.txt"), encoding: .utf8)))
    }

    @Test func aTemplateIsSentOverSMTPWithItsLayoutAndAttachment() throws {
        let server = try TestServer([])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try HeraldProcess.run(["send", templates.appendingPathComponent("invoice.md").path, "--example-data", "--to", "ana@example.com",
                                            "--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none"], in: directory)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let received = try #require(try server.received().first)
        #expect(received.mailFrom == "hello@herald-home.example" && received.recipients == ["ana@example.com"])
        let inspection = try ExternalEmailTools.inspect(received.bytes)
        #expect(inspection.subject == "Invoice 2026-0142 from Herald Home — $123.05 due December 15, 2026")
        #expect(inspection.leaves.contains { $0.filename == "invoice-2026-0142.pdf" && $0.content_type == "application/pdf" })
        #expect(String(decoding: received.bytes, as: UTF8.self).contains("List-Unsubscribe: <https://herald-home.example/email-preferences/u-7Hq2Zr>"))
    }

    @Test func aTemplatesWhatsAppPartIsItsApprovedTemplate() throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["HERALD_WHATSAPP_URL": "http://127.0.0.1:\(server.port)/v23.0", "HERALD_WHATSAPP_PHONE_NUMBER_ID": "1065",
                           "HERALD_WHATSAPP_TOKEN": "test-token"]
        let result = try HeraldProcess.run(["send", templates.appendingPathComponent("order-shipped.md").path, "--example-data", "--channel", "whatsapp",
                                            "--to", "+14155550123"], in: directory, environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let request = try #require(try server.requests().first)
        // Byte for byte the golden request body the template's goldens hold.
        #expect(String(decoding: request.body, as: UTF8.self) == (try String(contentsOf: templates.appendingPathComponent("golden/order-shipped/golden.whatsapp.json"), encoding: .utf8)))
    }

    @Test func lintReportsFileLineAndExitsNonzeroOnErrors() throws {
        let clean = try HeraldProcess.run(["lint", "Templates"])
        #expect(clean.status == 0 && clean.stdout == "7 templates: 0 errors, 0 warnings\n", "\(clean.stdout)\(clean.stderr)")

        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write("---\nname: bad\nsubject: \"Hi {{nmae}}\"\nvariables:\n  name: {type: string, example: Ana}\n---\nHi {{name}}\n\n![](https://x.example/a.png)\n", to: "bad.md", in: directory)
        let result = try HeraldProcess.run(["lint", directory.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("bad.md:3: error: {{nmae}} uses nmae, which is not declared"))
        #expect(result.stdout.contains("bad.md:9: warning: an image without alt text"))
        #expect(result.stdout.hasSuffix("1 template: 1 error, 1 warning\n"))
        // One file can be linted on its own.
        let single = try HeraldProcess.run(["lint", directory.appendingPathComponent("bad.md").path])
        #expect(single.status == 1 && single.stdout.hasSuffix("1 template: 1 error, 1 warning\n"))

        let json = try HeraldProcess.run(["lint", directory.path, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["errors"] as? Int == 1 && report?["warnings"] as? Int == 1)
        let first = (report?["diagnostics"] as? [[String: Any]])?.first
        #expect(first?["rule"] as? String == "undeclared-variable" && first?["line"] as? Int == 3)
    }

    @Test func previewShowsEveryChannelOnOnePage() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("preview.html")
        let result = try HeraldProcess.run(["preview", "Templates/order-shipped.md", "--output", page.path])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        // The email twice (desktop and phone widths), sandboxed; the text part; the SMS with its
        // encoding and segments; the WhatsApp template message.
        #expect(html.components(separatedBy: "<iframe sandbox=\"\"").count == 3)
        #expect(html.contains("width=\"640\"") && html.contains("width=\"375\""))
        #expect(html.contains("srcdoc=\"&lt;!DOCTYPE html&gt;"))
        #expect(html.contains("Your order is on its way\n========================"))
        #expect(html.contains("GSM-7, 110 septets, 1 segment<"))
        #expect(html.contains("Approved template <b>order_shipped</b>"))
        // The bubble as WhatsApp shows it: marks applied, not shown raw; the button as a button.
        #expect(html.contains("<span class=\"wa-button\">Track your order</span>") && !html.contains("[ Track your order ]"))
        #expect(html.contains("<div class=\"bubble\">Hi Ana, your order A-1001 has shipped with UPS"))
        // libxml2 reads the page without complaint, and it holds no script.
        let report = HTMLSyntaxCheck.inspect(html)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(!report.elements.contains { $0.name == "script" })
    }

    @Test func goldenPrintsAUnifiedDiffOnAChange() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("layouts"), withIntermediateDirectories: true)
        for file in ["welcome.md", "layouts/default.yml"] {
            try FileManager.default.copyItem(at: templates.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        #expect(try HeraldProcess.run(["golden", directory.path, "--record"]).status == 0)
        #expect(try HeraldProcess.run(["golden", directory.path]).stdout.hasSuffix("1 passed, 0 failed\n"))

        let template = directory.appendingPathComponent("welcome.md")
        try Data(try String(contentsOf: template, encoding: .utf8).replacingOccurrences(of: "See you soon,", with: "See you later,").utf8).write(to: template)
        let result = try HeraldProcess.run(["golden", directory.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL  welcome/golden.txt: differs from "))
        #expect(result.stdout.contains("+++ rendered\n@@ -"))
        #expect(result.stdout.contains("\n-See you soon,\n+See you later,\n"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
    }
}
