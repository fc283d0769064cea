import Foundation
import HeraldTestSupport
import Testing

/// What `herald render` does with an attachment's name and text: a name that could disguise the
/// file is sent changed, with a warning; a text file says its charset.
@Suite struct RenderAttachmentNameTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path
    let fixtures = HeraldProcess.repository.appendingPathComponent("Tests/Fixtures/attachments")
    let addressing = ["--format", "eml", "--deterministic", "--from", "a@example.com", "--to", "b@example.com"]

    @Test func aBidiOverrideInANameIsReplacedAndTheSenderWarned() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Shows as "rtlfdp.jpg" in a reader that honours the override; it is a PDF.
        let disguised = directory.appendingPathComponent("rtl\u{202E}gpj.pdf")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("sample.pdf"), to: disguised)
        let result = try HeraldProcess.run(["render", input, "--attach", disguised.path] + addressing)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "warning: attachment \"rtl\\u{202e}gpj.pdf\" is sent as \"rtl_gpj.pdf\": its name held U+202E RIGHT-TO-LEFT OVERRIDE, "
                + "which can make a file name read as something else; controls, line separators and bidi controls in a name become \"_\"\n")
        let bytes = Array(result.stdout.utf8)
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        let file = try #require(try ExternalEmailTools.inspect(bytes).leaves.last)
        #expect(file.filename == "rtl_gpj.pdf" && file.name == "rtl_gpj.pdf")
    }

    @Test func aUTF8TextAttachmentSaysSo() throws {
        let result = try HeraldProcess.run(["render", input, "--attach", fixtures.appendingPathComponent("sample.txt").path] + addressing)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Content-Type: text/plain; charset=utf-8; name=\"sample.txt\"\r\n"))
        let file = try #require(try ExternalEmailTools.inspect(Array(result.stdout.utf8)).leaves.last)
        let original = try String(contentsOf: fixtures.appendingPathComponent("sample.txt"), encoding: .utf8)
        #expect(file.charset == "utf-8")
        #expect(file.text == original)
    }

    @Test func aOneByteTextFileIsAttached() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("blank.txt")
        try Data([0x0A]).write(to: file)
        let result = try HeraldProcess.run(["render", input, "--attach", file.path] + addressing)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Content-Type: text/plain; charset=us-ascii; name=\"blank.txt\"\r\n"))
    }
}
