import ArgumentParser
import Foundation
import Herald

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a Markdown document as email HTML or its plain-text alternative.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, text
    }

    @Argument(help: "The input document (Markdown: .md, .markdown or .txt; '-' reads standard input).")
    var input: String

    @Option(help: "What to write: html or text.")
    var format: Format = .html

    @Option(help: "The subject: the HTML <title> and the article's accessible name.")
    var subject: String?

    @Option(help: "Preview text shown after the subject in inbox lists.")
    var preheader: String?

    @Option(name: .customLong("lang"), help: "The content's language tag, e.g. es or zh-Hans (sets lang).")
    var language: String?

    @Option(help: "Write here instead of standard output (atomically: never a half-written file).")
    var output: String?

    func validate() throws {
        if input != "-" {
            let ext = URL(fileURLWithPath: input).pathExtension.lowercased()
            guard ["md", "markdown", "txt"].contains(ext) else {
                throw ValidationError("cannot read '\(input)': unsupported input type '.\(ext)'; expected a Markdown file (.md, .markdown or .txt)")
            }
        }
        if let language, !language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            throw ValidationError("--lang '\(language)' is not a language tag; expected letters, digits and '-', like en, es-MX or zh-Hans")
        }
    }

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = try readInput()
        } catch {
            throw fail("cannot read '\(input)': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        let options = EmailRenderOptions(title: subject, preheader: preheader, language: language)
        let email = Herald.renderEmail(markdown: bytes, options: options)
        for warning in email.warnings { warn(warning.message) }
        let rendered = format == .html ? email.html : email.text
        do {
            if let output {
                let url = URL(fileURLWithPath: output)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(rendered.utf8).write(to: url, options: .atomic)
            } else {
                FileHandle.standardOutput.write(Data(rendered.utf8))
            }
        } catch {
            throw fail("cannot write '\(output ?? "standard output")': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
    }

    private func readInput() throws -> [UInt8] {
        if input == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: input)))
    }
}
