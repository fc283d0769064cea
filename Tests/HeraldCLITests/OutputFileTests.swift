import Foundation
import Testing

/// Files a user already has: `--output` never destroys them. Each case snapshots the folder
/// (every file's path and bytes) before the command and compares after. Every file a test
/// could lose is a copy in a temporary folder — never the repository's (a regression here once
/// overwrote a sample's input) — and the device case uses a FIFO of its own, not /dev/null.
@Suite struct OutputFileTests {
    let sample = HeraldProcess.repository.appendingPathComponent("Samples/blocks")
    let markdown = "# Your refund\n\nIt is **on its way**.\n"
    let text = "Your refund\n===========\n\nIt is on its way.\n"

    /// A Markdown input in a fresh temporary folder: (folder, input path).
    func workspace() throws -> (URL, String) {
        let directory = try HeraldProcess.temporaryDirectory()
        let input = directory.appendingPathComponent("input.md")
        try Data(markdown.utf8).write(to: input)
        return (directory, input.path)
    }

    /// Every file under `directory` (hidden ones too), by relative path, with its bytes.
    func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            files[String(url.path.dropFirst(directory.path.count))] = try Data(contentsOf: url)
        }
        return files
    }

    @Test(arguments: ["html", "text", "eml"])
    func renderingTwiceToTheSamePathReplacesTheFile(format: String) throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.\(format)").path
        let message = format == "eml" ? ["--from", "help@example.com", "--to", "ana@example.com", "--deterministic"] : []
        let first = try HeraldProcess.run(["render", input, "--format", format, "--output", output] + message)
        #expect(first.status == 0, "\(first.stderr)")
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: output))
        for _ in 0..<2 {
            let again = try HeraldProcess.run(["render", input, "--format", format, "--output", output] + message)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stderr.isEmpty)
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == firstBytes)
        }
        // Nothing else is left in the folder: no temporary file.
        #expect(try snapshot(directory).keys.sorted() == ["/input.md", "/out.\(format)"])
    }

    @Test func aFolderAsOutputIsRefusedAndEverythingInsideStays() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("2026"), withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try Data("and me".utf8).write(to: folder.appendingPathComponent("2026/q4.txt"))
        let before = try snapshot(directory)
        for format in ["html", "eml"] {
            let result = try HeraldProcess.run(["render", input, "--format", format, "--from", "help@example.com", "--to", "ana@example.com",
                                                "--output", folder.path])
            #expect(result.status == 74)
            #expect(result.stderr == "error: cannot write '\(folder.path)': it is a folder; give the path of the file to write, like '\(folder.path)/message.html'\n")
            #expect(try snapshot(directory) == before)
        }
    }

    @Test func theInputAndTheOtherFilesTheCommandReadsAreNeverOverwritten() throws {
        let (directory, _) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let markdown = directory.appendingPathComponent("reply.md")
        try Data("# Reply\n\nYour refund is on its way.\n".utf8).write(to: markdown)
        let attachment = directory.appendingPathComponent("receipt.pdf")
        try FileManager.default.copyItem(at: HeraldProcess.repository.appendingPathComponent("Tests/Fixtures/attachments/sample.pdf"), to: attachment)
        let before = try snapshot(directory)
        let composing = ["--from", "help@example.com", "--to", "ana@example.com", "--attach", attachment.path]
        for (format, output) in [("html", markdown), ("eml", markdown), ("eml", attachment)] {
            let result = try HeraldProcess.run(["render", markdown.path, "--format", format, "--output", output.path] + composing)
            #expect(result.status == 74, "\(format) over \(output.lastPathComponent)")
            #expect(result.stderr.contains("writing there would replace it with the output"), "\(result.stderr)")
            #expect(try snapshot(directory) == before)
        }
        // The same file through another spelling of its path is the same file.
        let result = try HeraldProcess.run(["render", "reply.md", "--output", "./sub/../reply.md"], in: directory)
        #expect(result.status == 74)
        #expect(try snapshot(directory) == before)
    }

    @Test func aReadOnlyFileIsLeftAsItIs() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("published.html")
        try Data("<p>the published page</p>".utf8).write(to: output)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: output.path)
        let before = try snapshot(directory)
        // The tests may run as root, who could write anyway: the owner's read-only mark decides.
        let result = try HeraldProcess.run(["render", input, "--output", output.path])
        #expect(result.status == 74)
        #expect(result.stderr == "error: cannot write '\(output.path)': it is read-only; make it writable or choose another path\n")
        #expect(try snapshot(directory) == before)
    }

    @Test func aFullDiskMidWriteKeepsThePreviousFileByteForByte() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("reply.eml")
        let previous = Data(repeating: UInt8(ascii: "x"), count: 1000) + Data("\r\nthe message the agent already has\r\n".utf8)
        try previous.write(to: output)
        // A 180 KB attachment makes a ~250 KB message; the process may write files of 64 KB at most.
        let big = directory.appendingPathComponent("big.pdf")
        var pdf = try Data(contentsOf: HeraldProcess.repository.appendingPathComponent("Tests/Fixtures/attachments/sample.pdf"))
        pdf.append(Data((0..<180_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        try pdf.write(to: big)
        let result = try HeraldProcess.run(["render", input, "--format", "eml", "--from", "help@example.com", "--to", "ana@example.com",
                                            "--attach", big.path, "--output", output.path], fileSizeLimitKB: 64)
        #expect(result.status == 74)
        #expect(result.stderr.hasPrefix("error: cannot write '\(output.path)': the file is larger than this process may write"), "\(result.stderr)")
        #expect(try Data(contentsOf: output) == previous)
        #expect(try snapshot(directory).keys.sorted() == ["/big.pdf", "/input.md", "/reply.eml"], "a temporary file was left behind")
    }

    @Test func aSymbolicLinkKeepsPointingAtTheNewFile() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("real.txt")
        try Data("old".utf8).write(to: target)
        let link = directory.appendingPathComponent("current.txt")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let result = try HeraldProcess.run(["render", input, "--format", "text", "--output", link.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try String(contentsOf: target, encoding: .utf8) == text)
    }

    @Test func aFIFOIsWrittenInPlaceNotReplaced() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        // `--output /dev/stdout`, `/dev/null` or a named pipe: nothing to replace, so write into it.
        let fifo = directory.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo.path]
        let captured = Pipe()
        reader.standardOutput = captured
        try reader.run()
        let result = try HeraldProcess.run(["render", input, "--format", "text", "--output", fifo.path])
        // Had the FIFO been replaced, the reader would wait for a writer forever: bound it.
        let deadline = Date().addingTimeInterval(5)
        while reader.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if reader.isRunning { reader.terminate() }
        let received = captured.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: received, as: UTF8.self) == text)
        var info = stat()
        #expect(lstat(fifo.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO was replaced by a file")
    }

    @Test func theModeOfAnExistingFileIsKept() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("private.eml")
        try Data("old".utf8).write(to: output)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: output.path)
        let result = try HeraldProcess.run(["render", input, "--output", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: output.path)[.posixPermissions] as? Int == 0o600)
    }

    @Test func previewAndGoldenWriteAtomicallyAndRefuseTheSameThings() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("page"), withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: directory.appendingPathComponent("page/keep.txt"))
        let before = try snapshot(directory)
        let preview = try HeraldProcess.run(["preview", input, "--output", directory.appendingPathComponent("page").path])
        #expect(preview.status == 74)
        #expect(preview.stderr.contains("it is a folder"))
        let overInput = try HeraldProcess.run(["preview", input, "--output", input])
        #expect(overInput.status == 74)
        #expect(try snapshot(directory) == before)
        // golden --output naming the samples folder would write over the golden files.
        let samples = directory.appendingPathComponent("samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: sample, to: samples.appendingPathComponent("blocks"))
        let goldenBefore = try snapshot(samples)
        let golden = try HeraldProcess.run(["golden", samples.path, "--output", samples.path + "/"])
        #expect(golden.status == 64)
        #expect(golden.stderr.contains("is inside the samples folder"))
        #expect(try snapshot(samples) == goldenBefore)
    }

    @Test func aOneLetterNameAndADashAsOutput() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Foundation on Linux traps on one-character paths in NSString's path methods: not used.
        let letter = try HeraldProcess.run(["render", input, "--format", "text", "--output", "a"], in: directory)
        #expect(letter.status == 0, "\(letter.stderr)")
        #expect(try String(contentsOf: directory.appendingPathComponent("a"), encoding: .utf8) == text)
        // '-' is standard output, as it is for the input.
        let dash = try HeraldProcess.run(["render", input, "--format", "text", "--output", "-"], in: directory)
        #expect(dash.status == 0, "\(dash.stderr)")
        #expect(dash.stdout == text)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("-").path))
    }

    @Test func aDanglingLinkIsFollowedAndTheLinkKept() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("latest.txt")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "out/first.txt")
        let result = try HeraldProcess.run(["render", input, "--format", "text", "--output", link.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "out/first.txt")
        #expect(try String(contentsOf: directory.appendingPathComponent("out/first.txt"), encoding: .utf8) == text)
    }

    @Test func refusedOutputsLeaveNoFolderBehind() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for output in ["newthing.html/", "./sub/../input.md", "deep/er/\u{FFFD}.md"] {
            let result = try HeraldProcess.run(["render", "input.md", "--output", output], in: directory)
            #expect(result.status == 74, "\(output): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == before)
        #expect(try String(contentsOfFile: input, encoding: .utf8) == markdown)
    }

    @Test func aReadOnlyFolderAndADatabaseAreNotWrittenInto() throws {
        let (directory, input) = try workspace()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.appendingPathComponent("locked").path)
            try? FileManager.default.removeItem(at: directory)
        }
        let locked = directory.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        let folder = try HeraldProcess.run(["render", input, "--output", locked.appendingPathComponent("out.html").path])
        #expect(folder.status == 74)
        #expect(folder.stderr.contains("is read-only"), "\(folder.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: locked.path).isEmpty)
        // The outbox (any SQLite database) is never replaced by a rendered message.
        let send = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--to", "ana@example.com", "--outbox", "outbox.sqlite",
                                          "--maildir", "maildir"], in: directory)
        #expect(send.status == 0, "\(send.stderr)")
        let database = try Data(contentsOf: directory.appendingPathComponent("outbox.sqlite"))
        let render = try HeraldProcess.run(["render", input, "--output", "outbox.sqlite"], in: directory)
        #expect(render.status == 74)
        #expect(render.stderr.contains("it is a SQLite database (an outbox?)"), "\(render.stderr)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("outbox.sqlite")) == database)
    }

    @Test func theOwnerOfAReplacedFileIsKept() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("shared.html")
        try Data("old".utf8).write(to: output)
        // Only root can give a file away; as anybody else the owner is the writer anyway.
        let owner: uid_t = getuid() == 0 ? 1000 : getuid()
        #expect(chown(output.path, owner, owner) == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: output.path)
        let result = try HeraldProcess.run(["render", input, "--output", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        var info = stat()
        #expect(stat(output.path, &info) == 0)
        #expect(info.st_uid == owner && info.st_gid == owner && info.st_mode & 0o777 == 0o640)
    }

    @Test func aTemplatesOwnFilesAreNeverOutputs() throws {
        let (directory, _) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let templates = directory.appendingPathComponent("Templates")
        try FileManager.default.copyItem(at: HeraldProcess.repository.appendingPathComponent("Templates"), to: templates)
        let before = try snapshot(templates)
        let welcome = templates.appendingPathComponent("welcome.md").path
        let invoice = templates.appendingPathComponent("invoice.md").path
        let attachment = try #require(try FileManager.default.subpathsOfDirectory(atPath: templates.path).first { $0.hasSuffix(".pdf") })
        let attempts: [[String]] = [
            ["render", welcome, "--locale", "es", "--output", templates.appendingPathComponent("welcome.es.md").path],
            ["preview", welcome, "--locale", "es", "--output", templates.appendingPathComponent("welcome.es.md").path],
            ["render", invoice, "--output", templates.appendingPathComponent("layouts/default.yml").path],
            ["render", invoice, "--format", "eml", "--to", "ana@example.com", "--output", templates.appendingPathComponent(attachment).path],
        ]
        for arguments in attempts {
            let result = try HeraldProcess.run(arguments)
            #expect(result.status == 74, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("writing there would replace it"), "\(arguments): \(result.stderr)")
        }
        #expect(try snapshot(templates) == before)
        // A --request's attachment, and the golden files of templates.
        let pdf = directory.appendingPathComponent("inv.pdf")
        try FileManager.default.copyItem(at: HeraldProcess.repository.appendingPathComponent("Tests/Fixtures/attachments/sample.pdf"), to: pdf)
        let request = directory.appendingPathComponent("request.json")
        try Data(#"{"from": "help@example.com", "to": ["ana@example.com"], "attachments": ["inv.pdf"]}"#.utf8).write(to: request)
        let pdfBytes = try Data(contentsOf: pdf)
        let overAttachment = try HeraldProcess.run(["render", directory.appendingPathComponent("input.md").path, "--format", "eml",
                                                    "--request", request.path, "--output", pdf.path])
        #expect(overAttachment.status == 74, "\(overAttachment.stderr)")
        #expect(try Data(contentsOf: pdf) == pdfBytes)
        let golden = try HeraldProcess.run(["golden", templates.path, "--output", templates.appendingPathComponent("golden").path])
        #expect(golden.status == 64)
        #expect(try snapshot(templates) == before)
    }
}
