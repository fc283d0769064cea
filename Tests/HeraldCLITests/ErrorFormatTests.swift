import Foundation
import Herald
import Testing

/// One error format for every failure of the real `herald`: the first line on standard error is
/// the one `error: …` line (a usage error's usage lines follow it), and the exit status is the
/// README's (64 usage, 65 bad input, 74 I/O).
@Suite struct ErrorFormatTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/blocks/input.md").path

    /// The first line of standard error, after checking it is the only `error:` line.
    func errorLine(_ result: HeraldProcess.Result, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.filter { $0.hasPrefix("error: ") }.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Error: "), "\(result.stderr)", sourceLocation: sourceLocation)
        return lines.first ?? ""
    }

    /// The usage lines after the error line.
    func usage(_ result: HeraldProcess.Result) -> String {
        result.stderr.split(separator: "\n").dropFirst().joined(separator: "\n")
    }

    @Test func anUnknownOption() throws {
        let result = try HeraldProcess.run(["render", input, "--bogus"])
        #expect(result.status == 64)
        #expect(errorLine(result) == "error: unknown option '--bogus'")
        #expect(usage(result).hasPrefix("Usage: herald render [<options>] <input>"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aMissingArgument() throws {
        let result = try HeraldProcess.run(["render"])
        #expect(result.status == 64)
        #expect(errorLine(result) == "error: missing expected argument '<input>'")
        #expect(usage(result).contains("Usage: herald render [<options>] <input>"))
    }

    @Test func aBadEnumValue() throws {
        let result = try HeraldProcess.run(["render", input, "--format", "pdf"])
        #expect(result.status == 64)
        #expect(errorLine(result) == "error: the value 'pdf' is invalid for '--format <format>'. Please provide one of 'html', 'text', 'eml' or 'json'.")
    }

    @Test func aValidationErrorOfTheCommand() throws {
        let result = try HeraldProcess.run(["worker", "--concurrency", "0"])
        #expect(result.status == 64)
        #expect(errorLine(result) == "error: --concurrency must be at least 1")
        #expect(usage(result).hasPrefix("Usage: herald worker"))
    }

    @Test func aTypoedSubcommandGetsASuggestion() throws {
        let render = try HeraldProcess.run(["rendr", input])
        #expect(render.status == 64)
        #expect(errorLine(render) == "error: unknown command 'rendr'; did you mean 'render'? (the commands of herald are render, send, outbox, worker, golden, lint, preview, serve, inbox, inbound, dkim)")
        #expect(usage(render).hasPrefix("Usage: herald <subcommand>"))

        let send = try HeraldProcess.run(["sned", input])
        #expect(errorLine(send).hasPrefix("error: unknown command 'sned'; did you mean 'send'?"))

        let list = try HeraldProcess.run(["outbox", "lsit"])
        #expect(list.status == 64)
        #expect(errorLine(list) == "error: unknown command 'lsit'; did you mean 'list'? (the commands of herald outbox are list, show, retry, purge)")

        let nothingClose = try HeraldProcess.run(["frobnicate"])
        #expect(nothingClose.status == 64)
        #expect(errorLine(nothingClose) == "error: unknown command 'frobnicate'; the commands of herald are render, send, outbox, worker, golden, lint, preview, serve, inbox, inbound, dkim")
    }

    @Test func versionComesFromTheLibrary() throws {
        let result = try HeraldProcess.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Herald.version + "\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func helpIsNotAnError() throws {
        for arguments in [["--help"], ["help", "render"], ["render", "--help"]] {
            let result = try HeraldProcess.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("USAGE: herald") && result.stderr.isEmpty, "\(arguments)")
        }
    }

    @Test func aRequestFileWithAJSONSyntaxErrorNamesTheFileAndWhere() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let request = directory.appendingPathComponent("request.json")
        try Data("{\"from\": \"shop@example.com\",\n \"to\": [ana@example.com]}".utf8).write(to: request)
        // No --from: the sender was to come from the request, which used to be read with try?
        // and reported as "give --from" (64).
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--request", request.path])
        #expect(result.status == 65)
        #expect(errorLine(result) == "error: cannot use the request '\(request.path)': the JSON is not valid at line 2, column 9: Invalid value; "
                + "expected \(MessageRequest.expectedJSON)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stdout.isEmpty)
    }

    @Test func aRequestFileOfTheWrongTypeNamesTheFieldAndTheTypes() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let request = directory.appendingPathComponent("request.json")
        try Data(#"{"from": "shop@example.com", "to": "ana@example.com"}"#.utf8).write(to: request)
        let wrongField = try HeraldProcess.run(["render", input, "--format", "eml", "--request", request.path])
        #expect(wrongField.status == 65)
        #expect(errorLine(wrongField) == "error: cannot use the request '\(request.path)': \"to\": expected a list, found a string; expected \(MessageRequest.expectedJSON)")

        try Data(#"["shop@example.com"]"#.utf8).write(to: request)
        let notAnObject = try HeraldProcess.run(["send", input, "--request", request.path], in: directory)
        #expect(notAnObject.status == 65)
        #expect(errorLine(notAnObject).hasPrefix("error: cannot use the request '\(request.path)': the top level: expected an object, found an array;"))

        let missing = try HeraldProcess.run(["render", input, "--format", "eml", "--request", directory.appendingPathComponent("nope.json").path])
        #expect(missing.status == 74)
        #expect(errorLine(missing) == "error: cannot read the request '\(directory.path)/nope.json': there is no such file")
    }

    @Test func aRequestFileThatGivesTheSenderIsEnough() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let request = directory.appendingPathComponent("request.json")
        try Data(#"{"from": "shop@example.com", "to": ["ana@example.com"], "subject": "From the request"}"#.utf8).write(to: request)
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--request", request.path, "--deterministic"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\r\nFrom: <shop@example.com>\r\n") && result.stdout.contains("\r\nSubject: From the request\r\n"))

        let noSender = try HeraldProcess.run(["render", input, "--format", "eml", "--to", "ana@example.com"])
        #expect(noSender.status == 64)
        #expect(errorLine(noSender).hasPrefix("error: a whole message (eml) needs a sender: give a From address"))
    }

    @Test func aWhatsAppTemplateFileIsReadTheSameWay() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = directory.appendingPathComponent("hsm.json")
        try Data(#"{"name": "offer", "language": "en_US", "category": "MARKETING", "body": ["Hi {{1}}"]}"#.utf8).write(to: template)
        let arguments = ["render", "-", "--channel", "whatsapp", "--format", "json", "--to", "+34612345678", "--param", "Ana", "--whatsapp-template"]
        let wrongType = try HeraldProcess.run(arguments + [template.path], stdin: "")
        #expect(wrongType.status == 65)
        #expect(errorLine(wrongType).hasPrefix("error: cannot use the WhatsApp template '\(template.path)': \"body\": expected a string, found an array; expected an approved template"))

        let missing = try HeraldProcess.run(arguments + [directory.appendingPathComponent("nope.json").path], stdin: "")
        #expect(missing.status == 74)
        #expect(errorLine(missing) == "error: cannot read the WhatsApp template '\(directory.path)/nope.json': there is no such file")
    }

    @Test func lintAndGoldenFailuresEndWithOneErrorLine() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("---\nname: bad\nsubject: \"Hi {{nmae}}\"\n---\nx".utf8).write(to: directory.appendingPathComponent("bad.md"))
        let lint = try HeraldProcess.run(["lint", directory.path])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("bad.md:3: error: {{nmae}} uses nmae, which is not declared"))
        #expect(errorLine(lint) == "error: lint found 1 error in '\(directory.path)'")

        let sample = directory.appendingPathComponent("samples/one")
        try FileManager.default.createDirectory(at: sample, withIntermediateDirectories: true)
        try Data("# Hello\n".utf8).write(to: sample.appendingPathComponent("input.md"))
        let golden = try HeraldProcess.run(["golden", directory.appendingPathComponent("samples").path])
        #expect(golden.status == 1)
        #expect(errorLine(golden) == "error: 1 of 1 samples differ from their golden files")
    }
}
