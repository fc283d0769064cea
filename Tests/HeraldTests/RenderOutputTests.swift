import Foundation
import Herald
import Testing

/// What `herald render` leaves to the library: which input files it reads, and writing the
/// output to a file without ever replacing one of its inputs.
@Suite struct RenderOutputTests {
    @Test func anInputFileMustBeMarkdownOrEditorHTMLByItsExtension() throws {
        for name in ["a.md", "a.markdown", "a.txt", "A.HTML", "a.htm"] { try Draft.Format.checkInput(name) }
        #expect(throws: HeraldError(.usage, "cannot read 'report.pdf': unsupported input type '.pdf'; expected Markdown (.md, .markdown, .txt) or editor HTML (.html, .htm), or say --input-format")) {
            try Draft.Format.checkInput("report.pdf", formatName: "--input-format")
        }
        #expect(throws: HeraldError(.usage, "cannot read 'notes': unsupported input type '.'; expected Markdown (.md, .markdown, .txt) or editor HTML (.html, .htm), or say the input's format")) {
            try Draft.Format.checkInput("notes")
        }
    }

    @Test func theOutputGoesToItsFileAtomicallyAndNeverOverAnInput() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("note.md").path
        try Data("Hola **Ana**.\n".utf8).write(to: URL(fileURLWithPath: input))
        let rendered = try Composer().render(try Draft.read(URL(fileURLWithPath: input), data: nil), for: .sms, format: .text)

        let output = folder.appendingPathComponent("note.txt").path
        try rendered.write(toPath: output, inputs: [input])
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(try rendered.bytes))
        #expect(String(decoding: try rendered.bytes, as: UTF8.self) == "Hola Ana.\n")

        #expect(throws: (any Error).self) { try rendered.write(toPath: input, inputs: [input]) }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "Hola **Ana**.\n")
    }
}
