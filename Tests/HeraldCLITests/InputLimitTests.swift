import Foundation
import Herald
import Testing

/// Message text is read up to a limit (5 MB unless --max-input-mb says otherwise): a file, standard
/// input or template data over it is refused with its name, its size and the flag, exit 65, and
/// nothing is rendered. (Memory at the limit: Benchmarks/input-memory.sh.)
@Suite struct InputLimitTests {
    /// A file of `bytes` bytes of plain words in a fresh temporary folder.
    static func file(_ name: String, bytes: Int, in directory: URL) throws -> URL {
        let unit = Array("word ".utf8)
        let content = (0..<bytes).map { unit[$0 % unit.count] }
        let url = directory.appendingPathComponent(name)
        try Data(content).write(to: url)
        return url
    }

    /// `herald` with standard input coming through a real pipe from `command` (run by sh), so a
    /// refusal that stops reading cannot break this process's own write.
    static func run(piping command: String, into arguments: [String], in directory: URL) throws -> HeraldProcess.Result {
        let quoted = ([HeraldProcess.executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The producer's complaints are not Herald's: when SIGPIPE is ignored (a disposition the
        // test process may pass on), `head` reports the pipe Herald closed on standard error.
        process.arguments = ["-c", "( \(command) ) 2>/dev/null | \(quoted.joined(separator: " "))"]
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return HeraldProcess.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                    stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func aFileOverTheDefaultLimitIsRefusedWithItsSizeAndTheFlag() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.file("big.md", bytes: 5 * 1_048_576 + 1, in: directory)
        let result = try HeraldProcess.run(["render", "big.md", "--format", "text"], in: directory)
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: 'big.md' is 5.0 MB (5242881 bytes); message text is read up to 5 MB (5242880 bytes); raise the limit with --max-input-mb 6\n")
    }

    @Test func theFlagRaisesAndLowersTheLimit() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.file("reply.html", bytes: 1_572_864, in: directory)
        let refused = try HeraldProcess.run(["render", "reply.html", "--format", "text", "--max-input-mb", "1"], in: directory)
        #expect(refused.status == 65)
        #expect(refused.stderr == "error: 'reply.html' is 1.5 MB (1572864 bytes); message text is read up to 1 MB (1048576 bytes); raise the limit with --max-input-mb 2\n")
        let accepted = try HeraldProcess.run(["render", "reply.html", "--format", "text", "--max-input-mb", "2"], in: directory)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.hasPrefix("word word word"))
        #expect(accepted.stdout.filter { $0 == "w" }.count == 1_572_864 / 5 + 1)
    }

    @Test func standardInputStopsBeingReadPastTheLimit() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(piping: "yes 'word word word' | head -c 3000000", into: ["render", "-", "--format", "text", "--max-input-mb", "1"], in: directory)
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: standard input is over 1 MB; message text is read up to 1 MB (1048576 bytes); raise the limit with --max-input-mb\n")
        let within = try Self.run(piping: "yes 'word word word' | head -c 100000", into: ["render", "-", "--channel", "sms", "--format", "text", "--max-input-mb", "1"], in: directory)
        #expect(within.status == 0, "\(within.stderr)")
        #expect(within.stdout.hasPrefix("word word word word"))
    }

    @Test func templateDataOverTheLimitIsRefused() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("---\nname: note\nsubject: Note\nvariables:\n  name: {type: string, required: true, example: \"Ana\"}\n---\nHello {{name}}\n".utf8).write(to: directory.appendingPathComponent("note.md"))
        let json = "{\"name\": \"" + String(repeating: "a", count: 1_100_000) + "\"}"
        try Data(json.utf8).write(to: directory.appendingPathComponent("data.json"))
        let result = try HeraldProcess.run(["render", "note.md", "--data", "data.json", "--format", "text", "--max-input-mb", "1"], in: directory)
        #expect(result.status == 65)
        #expect(result.stderr == "error: the data file 'data.json' is 1.0 MB (1100012 bytes); message text is read up to 1 MB (1048576 bytes); raise the limit with --max-input-mb 2\n")
    }

    @Test(arguments: ["0", "-3", "1025", "99999999999999999"])
    func aLimitOutsideItsRangeIsAUsageError(_ value: String) throws {
        let result = try HeraldProcess.run(["render", "-", "--max-input-mb", value], stdin: "hi")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--max-input-mb"), "\(result.stderr)")
    }

    @Test func theLibraryTakesTheLimitAsAParameter() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Self.file("reply.md", bytes: 2_000, in: directory)
        #expect(throws: InputTooLarge(input: "'\(url.path)'", size: 2_000, limit: 1_000)) {
            try Draft.read(url, data: nil, maximumInputBytes: 1_000)
        }
        #expect(try Draft.read(url, data: nil, maximumInputBytes: 2_000).document.blocks.count == 1)
        #expect(throws: InputTooLarge(input: "the HTML", size: 11, limit: 10)) { try Draft.html(Array("<p>hello</p".utf8), maximumInputBytes: 10) }
        #expect(throws: InputTooLarge(input: "the Markdown", size: Draft.defaultMaximumInputBytes + 1, limit: Draft.defaultMaximumInputBytes)) {
            try Draft.markdown([UInt8](repeating: 0x61, count: Draft.defaultMaximumInputBytes + 1))
        }
    }

    /// Markdown whose markup would take more than 32 times its size to read (and more than
    /// 64 MB) is refused before it is parsed: one line naming the file, what was counted and what
    /// is read, exit 65, nothing rendered. Real Markdown of the same size is read.
    @Test func markdownMadeOfMarkupIsRefusedBeforeItIsParsed() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(String(repeating: "**a ", count: 5 * 1_048_576 / 4).utf8).write(to: directory.appendingPathComponent("notes.md"))
        let result = try HeraldProcess.run(["render", "notes.md", "--format", "html"], in: directory)
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: 'notes.md' is 5 MB of Markdown whose markup would take about 323.5 MB of memory to read, 64 times its size,"
            + " mostly for its 1,310,720 runs of * _ ~ = + (one every 4 bytes); Herald reads Markdown that takes at most 32 times its size,"
            + " or 64 MB, which messages do: split the text, or write it with less markup\n")
        // The same bytes as a template are refused the same way, before the template is read.
        try Data(("---\nname: note\nsubject: Note\n---\n" + String(repeating: "[a] ", count: 1_000_000)).utf8)
            .write(to: directory.appendingPathComponent("note.md"))
        let template = try HeraldProcess.run(["render", "note.md", "--example-data", "--format", "text"], in: directory)
        #expect(template.status == 65)
        #expect(template.stderr.hasPrefix("error: 'note.md' is 3.8 MB of Markdown whose markup would take about"), "\(template.stderr)")
        #expect(template.stderr.contains("mostly for its 2,000,000 brackets (one every 2 bytes)"), "\(template.stderr)")
    }

    @Test func theLibraryRefusesMarkupBeforeParsingAndReadsRealMarkdown() throws {
        let table = "|" + String(repeating: "a|", count: 1_000) + "\n|" + String(repeating: "-|", count: 1_000) + "\n" + String(repeating: "a\n", count: 2_000)
        #expect(throws: HeraldError.self) { try Draft.markdown(Array(table.utf8)) }
        do {
            _ = try Draft.markdown(Array(table.utf8))
        } catch let error as HeraldError {
            #expect(error.localizedDescription.hasPrefix("the Markdown is 7.8 KB of Markdown whose markup would take about 449"), "\(error.localizedDescription)")
            #expect(error.localizedDescription.contains("mostly for its 2,002,000 table cells, as many in a row as its header has"))
        }
        // Real Markdown is read.
        var docs: [UInt8] = []
        for name in ["fuzzing", "html-reader", "smtp-faults"] {
            docs += try [UInt8](Data(contentsOf: HeraldProcess.repository.appendingPathComponent("docs/\(name).md"))) + Array("\n\n".utf8)
        }
        #expect(try Draft.markdown(docs).document.blocks.count > 50)
    }
}
