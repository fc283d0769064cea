import Foundation
import Herald
import Testing

/// A draft read as a command line names its input: a file or standard input, with the warnings
/// the author should see.
@Suite struct DraftInputTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-input-\(UUID().uuidString)")

    func file(_ name: String, _ text: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func anEditorsHTMLFileIsReadSanitizedAndWhatWasRemovedIsAWarning() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try file("reply.html", "<p>Hola <b>Ana</b></p><script>alert(1)</script>")
        let read = try Draft.read(input: path, data: nil, locale: nil, format: nil, examplesByDefault: false)
        #expect(read.warnings == ["removed from the HTML: 1 <script> element"])
        #expect(try Composer().render(read.draft, for: .email, format: .text).text.contains("Hola Ana"))
        // Named Markdown, its raw HTML is Markdown's.
        let markdown = try Draft.read(input: path, data: nil, locale: nil, format: .markdown, examplesByDefault: false)
        #expect(markdown.warnings == ["removed from the Markdown: 1 <script> element"])
    }

    @Test func standardInputIsAMarkdownDocumentUnlessSaidHTML() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try file("stdin.txt", "Hola **Ana** <script>x</script>\n")
        let markdown = try Draft.read(input: "-", data: nil, locale: nil, format: nil, examplesByDefault: false,
                                      standardInput: try #require(FileHandle(forReadingAtPath: path)))
        #expect(markdown.warnings == ["removed from the Markdown: 1 <script> element"] && markdown.draft.template == nil)
        let html = try Draft.read(input: "-", data: nil, locale: nil, format: .html, examplesByDefault: false,
                                  standardInput: try #require(FileHandle(forReadingAtPath: path)))
        #expect(html.warnings == ["removed from the HTML: 1 <script> element"])
    }

    @Test func aCleanInputHasNoWarnings() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let read = try Draft.read(input: try file("note.md", "Just **text**.\n"), data: nil, locale: nil, format: nil, examplesByDefault: false)
        #expect(read.warnings.isEmpty && read.draft.removed.isEmpty)
    }
}
