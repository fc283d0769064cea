import ArgumentParser
import Herald

/// Exit statuses of the architecture page (BSD sysexits), as the README lists them.
enum ExitStatus {
    static let success: Int32 = 0
    /// A recipient did not accept, a golden mismatch, lint errors.
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let ioError: Int32 = 74

    /// The one mapping from an error that reached the top of a command to its exit status and
    /// the text of its `error:` line.
    static func of(_ error: any Error) -> (status: Int32, message: String) {
        switch error {
        case let failure as CommandFailure:
            return (failure.status, failure.message)
        case let error as OutboxError:
            return (error.kind == .storage ? ioError : badInput, "\(error)")
        case let error as AtomicFile.Failure:
            return (ioError, "\(error)")
        case let error as HeraldError:
            if case .io(let message) = error { return (ioError, message) }
            return (badInput, error.localizedDescription)
        case let error as TemplateError:
            return (badInput, "\(error)")
        case let error as ValidationError:
            return (usage, error.message)
        default:
            // Not classified by the code that threw it: a failure, not a claim about the input.
            return (failure, "\(error)")
        }
    }
}
