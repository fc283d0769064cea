import Foundation
import Herald
import HeraldTooling
import HeraldTestSupport
import Testing

/// The shipped templates render byte for byte to `Templates/golden/`, lint clean, and their
/// golden messages are conforming emails that carry what the template promises.
///
/// Re-record after an intended change: `swift run herald golden Templates --record`, then read
/// every changed file (open the HTML in a browser) before committing.
@Suite struct GoldenTemplateTests {
    static let templatesDirectory = ExternalEmailTools.repository.appendingPathComponent("Templates")
    static let samples: [Sample] = (try? Sample.all(in: templatesDirectory)) ?? []

    @Test func theSixTemplatesAndALocaleAreShipped() {
        // The issue asks for welcome, order shipped, password reset, appointment reminder,
        // invoice and support follow-up, and locales beside them.
        #expect(Set(Self.samples.map(\.name)).isSuperset(of: ["welcome", "welcome.es", "order-shipped", "password-reset",
                                                               "appointment-reminder", "invoice", "support-follow-up"]))
    }

    @Test(arguments: samples.map(\.name))
    func templateMatchesItsGoldenFiles(_ name: String) throws {
        let sample = try #require(Self.samples.first { $0.name == name })
        let mismatches = try GoldenRunner(record: GoldenSampleTests.recording).run(sample)
        #expect(mismatches.isEmpty, "\(mismatches.map(\.description).joined(separator: "\n"))")
        // Every template is for all three channels, so all seven goldens exist.
        for file in ["golden.html", "golden.txt", "golden.eml", "golden.sms.txt", "golden.sms.json", "golden.whatsapp.txt", "golden.whatsapp.json"] {
            #expect(FileManager.default.fileExists(atPath: sample.directory.appendingPathComponent(file).path), "\(name) has no \(file)")
        }
    }

    @Test(arguments: samples.map(\.name))
    func goldenMessageIsConforming(_ name: String) throws {
        let sample = try #require(Self.samples.first { $0.name == name })
        let bytes = [UInt8](try Data(contentsOf: sample.directory.appendingPathComponent("golden.eml")))
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.defects.isEmpty, "\(inspection.defects)")
        let draft = try sample.draft()
        #expect(inspection.subject == draft.template?.subject)
        let html = try #require(inspection.leaves.first { $0.content_type == "text/html" })
        #expect(html.text?.replacingOccurrences(of: "\r\n", with: "\n") == (try String(contentsOf: sample.directory.appendingPathComponent("golden.html"), encoding: .utf8)))
        // The layout's unsubscribe link is a header too; the security layout has none.
        let written = String(decoding: bytes, as: UTF8.self)
        #expect(written.contains("List-Unsubscribe: <https://herald-home.example/email-preferences/") == (name != "password-reset"))
    }

    @Test func theInvoiceCarriesItsPDF() throws {
        let sample = try #require(Self.samples.first { $0.name == "invoice" })
        let inspection = try ExternalEmailTools.inspect([UInt8](try Data(contentsOf: sample.directory.appendingPathComponent("golden.eml"))))
        let pdf = try #require(inspection.leaves.first { $0.filename == "invoice-2026-0142.pdf" })
        #expect(pdf.content_type == "application/pdf")
        #expect(pdf.sha256 == (try ExternalEmailTools.sha256(ofFile: Self.templatesDirectory.appendingPathComponent("files/invoice-2026-0142.pdf"))))
    }

    @Test func theShippedTemplatesLintClean() throws {
        let report = try TemplateLinter().lint(directory: Self.templatesDirectory)
        #expect(report.templates.count == Self.samples.count)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description).joined(separator: "\n"))")
    }
}
