import ArgumentParser
import Foundation
import Herald

@main
struct HeraldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald: compose once, render for email, deliver through a durable outbox.",
        version: Herald.version,
        subcommands: [RenderCommand.self, SendCommand.self, OutboxCommand.self, WorkerCommand.self, GoldenCommand.self, LintCommand.self, PreviewCommand.self,
                      ServeCommand.self, InboxCommand.self, InboundCommand.self, DKIMCommand.self])

    /// Every failure, whichever command met it, ends here: one `error: …` line on standard
    /// error (usage lines after it for a usage error) and the exit status `ExitStatus.of` gives.
    static func main() async {
        // A file size limit (ulimit -f) makes write(2) fail with EFBIG, reported like a full
        // disk, instead of killing the process halfway through a file.
        signal(SIGXFSZ, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: any ParsableCommand
        do {
            try CommandNameCheck.check(arguments, root: self)
            command = try parseAsRoot(arguments)
        } catch let failure as CommandFailure {
            exit(printing: failure.message, usage: usageLines(for: ValidationError(failure.message)), status: failure.status)
        } catch {
            exitAfterParsing(error)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            // `herald help render` and a bare `herald` ask for help from run(): not a failure.
            if exitCode(for: error) == ExitCode.success {
                print(fullMessage(for: error))
                Foundation.exit(ExitStatus.success)
            }
            let (status, message) = ExitStatus.of(error)
            exit(printing: message, status: status)
        }
    }

    /// Help and --version go to standard output with status 0; anything else the parser or a
    /// `validate()` refused is a usage error: `error: …`, then the parser's usage lines.
    private static func exitAfterParsing(_ error: any Error) -> Never {
        let status = exitCode(for: error).rawValue
        if status == ExitStatus.success {
            print(fullMessage(for: error))
            Foundation.exit(ExitStatus.success)
        }
        // "Unknown option '--x'" → "unknown option '--x'", like Herald's own messages.
        let message = sentenceCase(Self.message(for: error))
        guard status == ExitStatus.usage else {
            // An ExitCode thrown by validate() has said its piece; any other error is its own line.
            exit(printing: message.isEmpty ? nil : message, status: status)
        }
        exit(printing: message, usage: usageLines(for: error), status: status)
    }

    /// The parser's lines after its own `Error: …` line: `Help:` for the option concerned, then
    /// `Usage:` and where to read more.
    private static func usageLines(for error: any Error) -> String {
        let full = fullMessage(for: error)
        guard let firstBreak = full.firstIndex(of: "\n") else { return "" }
        return String(full[full.index(after: firstBreak)...])
    }

    private static func exit(printing message: String?, usage: String = "", status: Int32) -> Never {
        var text = ""
        if let message { text += "error: \(message)\n" }
        if !usage.isEmpty { text += usage.hasSuffix("\n") ? usage : usage + "\n" }
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(status)
    }

    /// The parser's sentences start with a capital; Herald's messages do not (they may start
    /// with a path, like Templates/x.md:3, which must stay as it is). A word in capitals
    /// (HERALD_SMTP_URL) is left alone.
    private static func sentenceCase(_ message: String) -> String {
        let letters = Array(message.prefix(2))
        guard letters.count == 2, letters[0].isUppercase, letters[1].isLowercase else { return message }
        return letters[0].lowercased() + message.dropFirst()
    }
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}

/// A line on standard output, unbuffered (it interleaves with progress lines written the same way).
func say(_ message: String) {
    FileHandle.standardOutput.write(Data((message + "\n").utf8))
}
