import ArgumentParser
import Foundation
import Herald

@main
struct HeraldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Herald: compose once, render for email, deliver through a durable outbox.",
        subcommands: [RenderCommand.self, SendCommand.self, OutboxCommand.self, WorkerCommand.self, GoldenCommand.self, LintCommand.self, PreviewCommand.self])

    /// The one place library errors that reach the top become an `error:` line and an exit
    /// status (BSD sysexits), whichever command met them.
    static func main() {
        // A file size limit (ulimit -f) makes write(2) fail with EFBIG, reported like a full
        // disk, instead of killing the process halfway through a file.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as OutboxError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(error.kind == .storage ? ExitStatus.ioError : ExitStatus.badInput)
        } catch let error as AtomicFile.Failure {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.ioError)
        } catch {
            exit(withError: error)
        }
    }
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

/// A time the user reads: "2026-11-30T10:35:00+01:00 (in 29 s)". Any stored value is shown,
/// however far (a year 9999 ceiling keeps the formatter and the arithmetic in range).
func moment(_ secondsSince1970: Double, now: Double = Date().timeIntervalSince1970) -> String {
    let seconds = secondsSince1970.isFinite ? min(max(secondsSince1970, 0), 253_402_300_799) : 253_402_300_799
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone.current
    let text = formatter.string(from: Date(timeIntervalSince1970: seconds))
    let delta = (seconds - now).rounded()
    guard delta > 0 else { return text }
    let span = delta < 120 ? "\(Int(delta)) s" : delta < 7200 ? "\(Int(delta / 60)) min" : delta < 172_800 ? "\(Int(delta / 3600)) h" : "\(Int(delta / 86_400)) days"
    return "\(text) (in \(span))"
}
