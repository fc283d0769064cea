import ArgumentParser
import Herald

/// Exit statuses (BSD sysexits), as the README lists them.
enum ExitStatus {
    static let success: Int32 = 0
    /// A recipient did not accept, a golden mismatch, lint errors.
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let ioError: Int32 = 74

    /// The one mapping from an error that reached the top of a command to its exit status and
    /// the text of its `error:` line: a command's own failure, or a library error by its category.
    static func of(_ error: any Error) -> (status: Int32, message: String) {
        switch error {
        case let failure as CommandFailure:
            return (failure.status, failure.message)
        case let error as any CategorizedError:
            return (status(of: error.category), error.description)
        case let error as ValidationError:
            return (usage, error.message)
        default:
            // Not classified by the code that threw it: a failure, not a claim about the input.
            return (failure, "\(error)")
        }
    }

    static func status(of category: HeraldError.Category) -> Int32 {
        switch category {
        case .usage: return usage
        case .input, .conflict, .notFound: return badInput
        case .io: return ioError
        case .delivery: return failure
        // 77 (EX_NOPERM): not allowed.
        case .unauthorized: return 77
        }
    }
}
