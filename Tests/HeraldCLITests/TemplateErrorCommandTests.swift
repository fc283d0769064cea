import Foundation
import Testing

/// Template mistakes through the real `herald`: one `error:` line naming the file and line that
/// is wrong, exit 65, and nothing rendered, stored or written.
@Suite struct TemplateErrorCommandTests {
    static let misspelt = """
        ---
        name: greeting
        subject: "Hello"
        variables:
          name: {type: string, required: true, example: Ana}
        ---
        Hi {{nmae}},

        welcome.
        """

    @Test func anUndeclaredTagFailsRenderSendAndPreview() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = directory.appendingPathComponent("greeting.md")
        try Data(Self.misspelt.utf8).write(to: template)
        let expected = "error: \(template.path):7: template greeting: {{nmae}} uses nmae, which is not declared; the variables are name;"

        let render = try HeraldProcess.run(["render", template.path], in: directory)
        #expect(render.status == 65)
        #expect(render.stderr.hasPrefix(expected), "\(render.stderr)")
        #expect(render.stderr.split(separator: "\n").count == 1 && render.stdout.isEmpty)

        let send = try HeraldProcess.run(["send", template.path, "--example-data", "--to", "ana@example.com", "--from", "shop@example.com"], in: directory)
        #expect(send.status == 65)
        #expect(send.stderr.hasPrefix(expected), "\(send.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".herald").path), "nothing may be stored")

        let preview = try HeraldProcess.run(["preview", template.path, "--output", "preview.html"], in: directory)
        #expect(preview.status == 65)
        #expect(preview.stderr.hasPrefix(expected), "\(preview.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("preview.html").path))

        // The golden runner loads templates the same way, and says what is wrong in words.
        let golden = try HeraldProcess.run(["golden", directory.path], in: directory)
        #expect(golden.status == 65)
        #expect(golden.stderr.hasPrefix("error: greeting: \(expected.dropFirst("error: ".count))"), "\(golden.stderr)")
    }

    @Test func aMissingLayoutVariableNamesTheLayoutFileAndLine() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data.json")
        try Data(#"{"customer_name": "Ana", "order": {"id": "A-1"}}"#.utf8).write(to: data)
        let result = try HeraldProcess.run(["render", "Templates/order-shipped.md", "--data", data.path])
        #expect(result.status == 65)
        // Line 17 of the layout is the unsubscribe URL that reads the variable; 24 declares it.
        #expect(result.stderr == "error: Templates/layouts/default.yml:17: template order-shipped: the required variable unsubscribe_token "
                + "(declared by the layout default, Templates/layouts/default.yml:24) has no value; the data gives customer_name, order\n")
        #expect(result.stdout.isEmpty)
    }
}
