/// A failure a command has put into words: the text of its one `error:` line and the exit
/// status. Commands throw it; `HeraldCommand.main` prints it, so a line is printed once, after
/// everything that ran before it, and nothing else decides exit statuses.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var status: Int32

    var description: String { message }
}

/// A failure to throw: `throw fail("cannot read 'x.md': ...", status: ExitStatus.ioError)`.
func fail(_ message: String, status: Int32) -> CommandFailure {
    CommandFailure(message: message, status: status)
}
