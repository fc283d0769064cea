import ArgumentParser
import Foundation
import Herald

@main
struct HeraldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald: compose once, render for email, deliver through a durable outbox.",
        subcommands: [RenderCommand.self, SendCommand.self, OutboxCommand.self, WorkerCommand.self, GoldenCommand.self, LintCommand.self, PreviewCommand.self])
}

/// Exit statuses of the architecture page (BSD sysexits).
enum ExitStatus {
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let ioError: Int32 = 74
}

/// Prints `error: ...` on stderr and exits with `status`.
func fail(_ message: String, status: Int32) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(status)
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}

/// A line on standard output, unbuffered (it interleaves with progress lines written the same way).
func say(_ message: String) {
    FileHandle.standardOutput.write(Data((message + "\n").utf8))
}
