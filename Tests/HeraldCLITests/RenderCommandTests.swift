import Foundation
import Testing

/// Runs the real `herald` executable, as scripts and CI use it.
struct HeraldProcess {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `herald` is built next to the test bundle; HERALD_TEST_EXECUTABLE runs the CLI tests
    /// against another build (say, the commit before a fix, to see its test fail).
    static let executable = ProcessInfo.processInfo.environment["HERALD_TEST_EXECUTABLE"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("herald")

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `herald`; `fileSizeLimitKB` runs it under `ulimit -f` (a disk that fills up).
    static func run(_ arguments: [String], stdin: String? = nil, in directory: URL = repository,
                    environment: [String: String] = [:], fileSizeLimitKB: Int? = nil) throws -> Result {
        let process = Process()
        if let fileSizeLimitKB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -f \(fileSizeLimitKB) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite struct RenderCommandTests {
    let sample = HeraldProcess.repository.appendingPathComponent("Samples/blocks")

    @Test func rendersHTMLToStandardOutput() throws {
        let result = try HeraldProcess.run(["render", sample.appendingPathComponent("input.md").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try String(contentsOf: sample.appendingPathComponent("golden.html"), encoding: .utf8)))
    }

    @Test func writesTextToAFile() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("nested/out.txt")
        let result = try HeraldProcess.run(["render", sample.appendingPathComponent("input.md").path, "--format", "text", "--output", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOf: output, encoding: .utf8) == (try String(contentsOf: sample.appendingPathComponent("golden.txt"), encoding: .utf8)))
    }

    @Test func readsStandardInputWithOptions() throws {
        let result = try HeraldProcess.run(["render", "-", "--subject", "Hola", "--lang", "es", "--preheader", "Vista"], stdin: "**hola**")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("<html lang=\"es\" dir=\"ltr\""))
        #expect(result.stdout.contains("<title>Hola</title>"))
        #expect(result.stdout.contains("<strong style=\"font-weight:bold;\">hola</strong>"))
        #expect(result.stdout.contains(">Vista&#8199;"))
    }

    @Test func missingInputIsAnIOError() throws {
        let result = try HeraldProcess.run(["render", "does-not-exist.md"])
        #expect(result.status == 74)
        #expect(result.stderr.hasPrefix("error: cannot read 'does-not-exist.md'"))
        #expect(result.stdout.isEmpty)
    }

    @Test func unsupportedInputOrOptionIsAUsageError() throws {
        let type = try HeraldProcess.run(["render", "message.docx"])
        #expect(type.status == 64)
        #expect(type.stderr.contains("unsupported input type '.docx'; expected Markdown (.md, .markdown, .txt) or editor HTML (.html, .htm), or say --input-format"))

        let format = try HeraldProcess.run(["render", "x.md", "--format", "pdf"])
        #expect(format.status == 64)
        #expect(format.stderr.contains("pdf"))

        let language = try HeraldProcess.run(["render", "x.md", "--lang", "en\r\nX-Evil: 1"])
        #expect(language.status == 64)
        #expect(language.stderr.contains("is not a language tag"))
    }

    @Test func gmailClippingWarningGoesToStandardError() throws {
        let big = String(repeating: "A paragraph that repeats.\n\n", count: 4000)
        let result = try HeraldProcess.run(["render", "-"], stdin: big)
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("warning: the HTML is "))
        #expect(result.stderr.contains("Gmail clips messages over about 104448 bytes"))
    }
}

@Suite struct GoldenCommandTests {
    @Test func shippedSamplesMatchTheirGoldenFiles() throws {
        let result = try HeraldProcess.run(["golden", "Samples"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("\n13 passed, 0 failed\n") || result.stdout.hasSuffix(" passed, 0 failed\n"))
    }

    @Test func aChangedGoldenFileFailsWithAUnifiedDiff() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sample = directory.appendingPathComponent("one")
        try FileManager.default.createDirectory(at: sample, withIntermediateDirectories: true)
        try Data("# Hello\n".utf8).write(to: sample.appendingPathComponent("input.md"))

        let missing = try HeraldProcess.run(["golden", directory.path])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("FAIL  one/golden.html: no golden file"))

        let recorded = try HeraldProcess.run(["golden", directory.path, "--record"])
        #expect(recorded.status == 0)
        #expect(try String(contentsOf: sample.appendingPathComponent("golden.txt"), encoding: .utf8) == "Hello\n=====\n")

        try Data("Hello\n=====\nextra\n".utf8).write(to: sample.appendingPathComponent("golden.txt"))
        let changed = try HeraldProcess.run(["golden", directory.path])
        #expect(changed.status == 1)
        // The golden file has a line the rendering lacks: a hunk with it as a deletion.
        #expect(changed.stdout.contains("FAIL  one/golden.txt: differs from \(sample.path)/golden.txt:\n--- \(sample.path)/golden.txt\n+++ rendered\n@@ -1,4 +1,3 @@\n Hello\n =====\n-extra\n \n"))
        #expect(changed.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func emptyFolderIsBadInput() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try HeraldProcess.run(["golden", directory.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("holds no sample"))
    }
}
