import ArgumentParser
import Foundation
import Herald
import HeraldTooling

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Write one HTML page showing an input in every channel: the email at desktop and phone widths, its text part, the SMS and the WhatsApp message.",
        discussion: "A template is filled with --data, or with the examples of its front matter. Open the page in a browser.")

    @Argument(help: "A Markdown document or template.") var input: String
    @OptionGroup var inputOptions: InputOptions
    @Option(help: "Where to write the page.") var output: String = "preview.html"

    func run() throws {
        let draft = try inputOptions.draft(input, examplesByDefault: true)
        let title = draft.template.map { "\($0.templateName) — \(URL(fileURLWithPath: input).lastPathComponent)" } ?? URL(fileURLWithPath: input).lastPathComponent
        let page = PreviewPage.html(for: draft, title: title)
        do {
            try AtomicFile.write(Array(page.utf8), to: output, inputs: inputOptions.filesRead(by: input, draft: draft, request: nil))
        } catch {
            throw fail(String(describing: error), status: ExitStatus.ioError)
        }
        say("wrote \(output)")
    }
}
