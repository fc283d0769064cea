import Foundation
import Herald
import HeraldTooling
import HeraldTestSupport
import Testing

/// Every golden message is a conforming email: the workplace's RFC checker accepts it, Python's
/// strict parser reads it without defects, each attachment decodes to the sample's file byte
/// for byte, its HTML and text parts are the sample's golden.html and golden.txt, and no Bcc
/// recipient appears anywhere in it.
@Suite struct GoldenMessageTests {
    static let samplesWithMessages = GoldenSampleTests.samples.filter {
        FileManager.default.fileExists(atPath: $0.directory.appendingPathComponent("golden.eml").path)
    }.map(\.name)

    @Test func severalSamplesHaveMessages() {
        #expect(Self.samplesWithMessages.count >= 6)
    }

    @Test(arguments: samplesWithMessages)
    func goldenMessageIsConformingAndComplete(_ name: String) throws {
        let sample = Sample(directory: GoldenSampleTests.samplesDirectory.appendingPathComponent(name))
        let settings = try sample.settings()
        let bytes = [UInt8](try Data(contentsOf: sample.directory.appendingPathComponent("golden.eml")))
        let draft = try sample.draft()
        var request = settings
        request.attachments = settings.attachments.map { sample.directory.appendingPathComponent($0).path }
        let composed = try Herald.composeEmail(draft, request: request)

        #expect(try ExternalEmailTools.checkMessage(bytes, smtputf8: composed.message.needsSMTPUTF8) == [])
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.defects.isEmpty, "\(inspection.defects)")
        #expect(inspection.subject == (settings.subject ?? draft.template?.subject))

        let html = try #require(inspection.leaves.first { $0.content_type == "text/html" })
        #expect(html.text?.replacingOccurrences(of: "\r\n", with: "\n") == (try String(contentsOf: sample.directory.appendingPathComponent("golden.html"), encoding: .utf8)))
        let text = try #require(inspection.leaves.first { $0.content_type == "text/plain" })
        #expect(text.text?.replacingOccurrences(of: "\r\n", with: "\n") == (try String(contentsOf: sample.directory.appendingPathComponent("golden.txt"), encoding: .utf8)))

        let files = inspection.leaves.filter { $0.filename != nil }
        #expect(files.map(\.filename) == settings.attachments.map { Optional($0) })
        for file in files {
            let original = sample.directory.appendingPathComponent(file.filename ?? "")
            #expect(file.sha256 == (try ExternalEmailTools.sha256(ofFile: original)), "\(file.filename ?? "") does not decode to the original")
        }

        let written = String(decoding: bytes, as: UTF8.self)
        #expect(!inspection.headerNames.contains("bcc"))
        for hidden in composed.message.bcc {
            #expect(!written.contains(hidden.addrSpec), "Bcc \(hidden.addrSpec) leaked into \(name)")
        }
    }
}
