import ArgumentParser
import Foundation
import Herald

/// How the input is read — shared by `render`, `send` and `preview`: a Markdown document, or a
/// template (a Markdown file with a front matter) filled with `--data`.
struct InputOptions: ParsableArguments {
    @Option(help: "Template data: a JSON object of the template's variables.") var data: String?
    @Flag(name: .customLong("example-data"), help: "Fill a template with the examples of its front matter instead of --data.") var exampleData = false
    @Option(help: "The template's locale, e.g. es or es-MX: welcome.es-MX.md, then welcome.es.md, then welcome.md.") var locale: String?
    @Option(name: .customLong("input-format"), help: "markdown or html (an editor's HTML, sanitized); by default .html and .htm files are HTML, the rest Markdown.") var inputFormat: Draft.Format?
    @Option(name: .customLong("text"), help: "Email: this UTF-8 file is the plain-text alternative, instead of the one rendered from the input.") var textFile: String?
    @Option(name: .customLong("max-input-mb"),
            help: "The largest message text read, in MB: the input (a file or standard input) and --data each (default 5).")
    var maximumInputMegabytes: Int = Draft.defaultMaximumInputBytes / 1_048_576

    var format: Draft.Format? { inputFormat }

    var maximumInputBytes: Int { maximumInputMegabytes * 1_048_576 }

    func validate() throws {
        if data != nil && exampleData { throw ValidationError("give --data or --example-data, not both") }
        // 1 GB of message text would need tens of GB of memory to render.
        guard (1...1024).contains(maximumInputMegabytes) else { throw ValidationError("--max-input-mb must be between 1 and 1024") }
        if let locale, !locale.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) || locale.isEmpty {
            throw ValidationError("--locale '\(locale)' is not a locale; expected letters, digits, - and _, like es, es-MX or pt_BR")
        }
    }

    /// Usage errors: an input file whose type is unknown (unless `checksType` is false or
    /// --input-format says it), --text on a channel without a plain-text alternative (`verb`: what
    /// the command does with the input, "renders" or "sends").
    func check(_ input: String, checksType: Bool = true, for channel: ChannelID, verb: String) throws {
        do {
            if checksType && input != "-" && inputFormat == nil { try Draft.Format.checkInput(input, formatName: "--input-format") }
            if textFile != nil { try Composer.checkPlainTextAlternative(for: channel, named: "--text", verb: verb) }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Reads the input; `examplesByDefault` lets `render` and `preview` fall back to a
    /// template's examples (they deliver nothing), while `send` insists on data.
    func draft(_ input: String, examplesByDefault: Bool) throws -> Draft {
        do {
            if input == "-", data != nil || exampleData || locale != nil {
                throw fail("standard input is read as a Markdown document; a template with --data, --example-data or --locale must be a file", status: ExitStatus.usage)
            }
            let source: Draft.DataSource? = data.map { .file(URL(fileURLWithPath: $0)) } ?? (exampleData ? .examples : nil)
            let read = try Draft.read(input: input, data: source, locale: locale, format: format, examplesByDefault: examplesByDefault,
                                      maximumInputBytes: maximumInputBytes)
            for warning in read.warnings { warn(warning) }
            return try withText(read.draft)
        } catch let error as InputTooLarge {
            // The library's message, and the flag that raises the limit (the library names no flag).
            let flag = error.megabytesNeeded.map { "--max-input-mb \($0)" } ?? "--max-input-mb"
            throw fail("\(error.description); raise the limit with \(flag)", status: ExitStatus.badInput)
        } catch let error as CommandFailure {
            throw error
        } catch let error as any CategorizedError {
            throw error
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
    }

    /// The draft with `--text`'s file as its plain-text alternative.
    private func withText(_ draft: Draft) throws -> Draft {
        guard let textFile else { return draft }
        var draft = draft
        draft.plainText = try Draft.plainText(reading: URL(fileURLWithPath: textFile), maximumInputBytes: maximumInputBytes)
        return draft
    }

    /// Every file this command may have read (see `Draft.filesRead`): no output goes over one.
    func filesRead(by input: String, draft: Draft, request: MessageRequest?) -> [String] {
        draft.filesRead(input: input, data: data, request: request) + [textFile].compactMap { $0 }
    }
}
