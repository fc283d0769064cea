import Foundation
import Testing

/// `herald render INPUT.html`: an editor's HTML renders like Markdown in every channel, and the
/// agent is told what was removed.
@Suite struct RenderHTMLTests {
    let sample = HeraldProcess.repository.appendingPathComponent("Samples/editor-html")

    func golden(_ name: String) throws -> String {
        try String(contentsOf: sample.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func editorHTMLRendersInEveryChannel() throws {
        let input = sample.appendingPathComponent("input.html").path
        let html = try HeraldProcess.run(["render", input, "--subject", "Your replacement is on its way", "--lang", "en"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout == (try golden("golden.html")))
        // The agent is told, once, what the reader took out.
        #expect(html.stderr == "warning: removed from the HTML: 1 onclick attribute, 1 <script> element, 1 onerror attribute, 1 image without a scheme\n")

        let text = try HeraldProcess.run(["render", input, "--format", "text"])
        #expect(text.stdout == (try golden("golden.txt")))
        let sms = try HeraldProcess.run(["render", input, "--channel", "sms", "--format", "text"])
        #expect(sms.stdout == (try golden("golden.sms.txt")))
        let whatsapp = try HeraldProcess.run(["render", input, "--channel", "whatsapp", "--format", "text"])
        #expect(whatsapp.stdout == (try golden("golden.whatsapp.txt")))
    }

    @Test func standardInputIsReadAsHTMLWhenSaid() throws {
        let result = try HeraldProcess.run(["render", "-", "--input-format", "html", "--format", "text"],
                                           stdin: "<p>Hi <b>Ana</b><script>x()</script></p><ul><li>one</li></ul>")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "Hi Ana\n\n- one\n")
        #expect(result.stderr.contains("removed from the HTML: 1 <script> element"))
        // Without --input-format the same text is Markdown, whose raw HTML goes through the same
        // reader; what it removed is reported too, with the Markdown's own refused links.
        let markdown = try HeraldProcess.run(["render", "-", "--format", "text"], stdin: "<p>Hi <b>Ana</b><script>x()</script></p>\n\n[x](javascript:y)")
        #expect(markdown.stdout == "Hi Ana\n\nx\n")
        #expect(markdown.stderr == "warning: removed from the Markdown: 1 <script> element, 1 javascript: link\n")
    }

    @Test func textAfterAVoidElementAndCutAttributesAreReported() throws {
        // `<embed>` is void: the paragraphs after it are the agent's. 300 attributes on one
        // element: the first 256 are read, the rest cut, and the agent is told.
        let attributes = (0..<300).map { " data-a\($0)=\"v\"" }.joined()
        let result = try HeraldProcess.run(["render", "-", "--input-format", "html", "--format", "text"],
                                           stdin: "<p>a</p><embed src=\"x\"><p>after</p><p\(attributes)>b</p>")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "a\n\nafter\n\nb\n")
        #expect(result.stderr == "warning: removed from the HTML: 1 <p> element's attributes beyond the first 256, 1 <embed> element\n")
    }

    @Test func htmlTakesNoTemplateData() throws {
        let result = try HeraldProcess.run(["render", sample.appendingPathComponent("input.html").path, "--data", "data.json"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("is editor HTML, so template data and a locale mean nothing for it"))
    }

    @Test func aFolderOrAnHTMLFileOpeningWithARuleIsReadAsWhatItIs() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("folder.md"), withIntermediateDirectories: true)
        let folder = try HeraldProcess.run(["render", "folder.md"], in: directory)
        #expect(folder.status == 74 && folder.stderr == "error: cannot read 'folder.md': it is a folder, not a file\n")

        try Data("---\n<p>hi</p>\n".utf8).write(to: directory.appendingPathComponent("rule.html"))
        let html = try HeraldProcess.run(["render", "rule.html", "--format", "text"], in: directory)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout == "---\n\nhi\n")
    }
}
