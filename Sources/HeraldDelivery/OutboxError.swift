import GRDB
import HeraldMIME

/// A refused or failed outbox operation: one line that says what happened and what to do.
public struct OutboxError: CategorizedError, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// The same idempotency key for other content; a message in a state that forbids it.
        case conflict
        /// No such message, or no outbox at the path.
        case notFound
        /// The database could not be read or written (a full disk, not an outbox, corrupt).
        case storage
        /// Something that cannot be stored (a message without recipients).
        case invalid
    }

    public var kind: Kind
    public var reason: String
    /// The database could not be reached for now (a connection cut, a server restarting): the
    /// same call may work in a moment. A worker waits and tries again; it stops on any other.
    public var isTransient = false
    public var description: String { reason }

    public var category: HeraldError.Category {
        switch kind {
        case .conflict: return .conflict
        case .notFound: return .notFound
        case .storage: return .io
        case .invalid: return .input
        }
    }

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// A database's own words (`cause`), after what Herald was doing and with which outbox.
    public init(storageFailure cause: String, location: String, doing operation: OutboxOperation, isTransient: Bool = false) {
        self.init(.storage, "cannot \(operation.phrase) the outbox \(location): \(cause)\(operation.consequence)")
        self.isTransient = isTransient
    }

    /// SQLite's own words, after what Herald was doing and with which file.
    init(storage error: DatabaseError, path: String, doing operation: OutboxOperation) {
        self.init(.storage, "cannot \(operation.phrase) the outbox \(path): \(Self.cause(of: error))\(operation.consequence)")
    }

    /// What went wrong in SQLite, in a person's words, with SQLite's own message after it
    /// (`package`: the inbox's store words its failures the same way).
    package static func cause(of error: DatabaseError) -> String {
        let cause: String
        switch error.resultCode {
        case .SQLITE_FULL: cause = "the disk is full"
        case .SQLITE_NOTADB: cause = "the file is not a SQLite database"
        case .SQLITE_CORRUPT: cause = "the database file is damaged"
        case .SQLITE_READONLY: cause = "the database is read-only"
        case .SQLITE_CANTOPEN: cause = "the file cannot be opened"
        case .SQLITE_BUSY, .SQLITE_LOCKED: cause = "the database stayed busy (another process holds a long write)"
        case .SQLITE_IOERR: cause = "a read or write of the file failed (a file size limit, or a failing disk)"
        default: cause = "SQLite error \(error.resultCode.rawValue)\(error.message.map { ": \($0)" } ?? "")"
        }
        // GRDB's description carries the SQL statement; SQLite's own message is enough.
        let detail = cause.hasPrefix("SQLite") ? "" : error.message.map { " (SQLite: \($0))" } ?? ""
        return cause + detail
    }
}

