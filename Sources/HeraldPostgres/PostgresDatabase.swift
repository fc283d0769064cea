import Foundation
import Logging
import PostgresNIO

/// One PostgreSQL database as Herald's stores use it (the outbox, the inbox): a pool of
/// connections, transactions that give up after a time, and a schema migrated once however many
/// processes start together. The stores turn its errors into their own (`OutboxError`,
/// `InboxError`), naming themselves.
final class PostgresDatabase: Sendable {
    let location: PostgresLocation
    let client: PostgresClient
    private let callTimeout: Duration
    private let running: Task<Void, Never>
    static let logger = Logger(label: "herald.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A call that did not answer within its time (`NoAnswer.after`): a connection cut
    /// mid-transaction can leave postgres-nio waiting for an answer that never comes (seen when
    /// the server restarts mid-query), so every call is raced against a timer.
    struct NoAnswer: Error {
        var after: Duration
    }

    /// Connects once, directly — a wrong password or an unreachable server is an error now,
    /// not after the pool's minute of retries — then keeps a pool of up to `connections`.
    /// Errors are postgres-nio's own.
    static func connect(_ location: PostgresLocation, connections: Int, callTimeout: Duration) async throws -> PostgresDatabase {
        let connection = try await PostgresConnection.connect(configuration: try directConfiguration(location), id: 1, logger: logger)
        try? await connection.close()
        var pooled = configuration(location)
        pooled.options.maximumConnections = connections
        return PostgresDatabase(location: location, client: PostgresClient(configuration: pooled, backgroundLogger: logger), callTimeout: callTimeout)
    }

    private init(location: PostgresLocation, client: PostgresClient, callTimeout: Duration) {
        self.location = location
        self.client = client
        self.callTimeout = callTimeout
        running = Task { await client.run() }
    }

    deinit {
        running.cancel()
    }

    private static func configuration(_ location: PostgresLocation) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: location.host, port: location.port, username: location.username,
                                                         password: location.password, database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "herald")]
        return configuration
    }

    /// The same settings for a connection of its own: the one `connect` makes before the pool,
    /// and `EventBell`'s listening one.
    static func directConfiguration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.username,
                                                             password: location.password, database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Runs `body` in a transaction on a pooled connection. Throws what `body` threw (unwrapped
    /// from postgres-nio's transaction error), postgres-nio's error, or `NoAnswer`.
    func transaction<T: Sendable>(timeout: Duration? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client
        let limit = timeout ?? callTimeout
        let work = Task { try await client.withTransaction(logger: Self.logger) { connection in try await body(connection) } }
        let answer = FirstAnswer<T>()
        do {
            return try await withCheckedThrowingContinuation { continuation in
                answer.set(continuation)
                let timer = Task {
                    try await Task.sleep(for: limit)
                    work.cancel()
                    answer.finish(.failure(NoAnswer(after: limit)))
                }
                Task {
                    let result = await work.result
                    timer.cancel()
                    answer.finish(result)
                }
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }

    /// Brings the schema to `migrations.count`: each migration (statements separated by ";\n")
    /// runs once, in one transaction holding the advisory lock `lock`, so two processes starting
    /// at once never both run one; the version is kept in `versionTable`. `tooNew` is thrown
    /// for a database a newer Herald migrated further.
    func migrate(versionTable: String, lock: Int64, migrations: [String], tooNew: @escaping @Sendable (Int) -> any Error) async throws {
        // Waiting for another process's migration is not a hang: ten minutes.
        try await transaction(timeout: .seconds(600)) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lock))", logger: Self.logger)
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS \(versionTable) (version INTEGER NOT NULL)"), logger: Self.logger)
            var version: Int?
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: "SELECT version FROM \(versionTable)"), logger: Self.logger).decode(Int.self) {
                version = value
            }
            guard (version ?? 0) <= migrations.count else { throw tooNew(version ?? 0) }
            for migration in migrations.dropFirst(version ?? 0) {
                // Simple-protocol statements: a migration may hold several.
                for statement in migration.components(separatedBy: ";\n").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger)
                }
            }
            if version == nil {
                try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(versionTable) (version) VALUES (\(migrations.count))"), logger: Self.logger)
            } else if version != migrations.count {
                try await connection.query(PostgresQuery(unsafeSQL: "UPDATE \(versionTable) SET version = \(migrations.count)"), logger: Self.logger)
            }
        }
    }

    // MARK: What went wrong

    /// A connection lost or refused, the server shutting down or starting, or no answer in
    /// time: SQLSTATE class 08 (connection exception) and 57P01–57P03.
    static func isTransient(_ error: any Error) -> Bool {
        if error is NoAnswer { return true }
        guard let error = error as? PSQLError else { return false }
        if let state = error.serverInfo?[.sqlState] {
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        }
        return [.serverClosedConnection, .connectionError, .clientClosedConnection].contains(error.code)
    }

    /// The server's SQLSTATE for a refused statement (23505: a unique constraint).
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// The server's own message when there is one (PSQLError's description hides everything,
    /// so as not to leak values); otherwise what failed on the way to it.
    static func reason(_ error: any Error) -> String {
        if let error = error as? NoAnswer { return "the database did not answer within \(error.after)" }
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(underlying)" }
        switch error.code {
        case .serverClosedConnection: return "the server closed the connection"
        case .clientClosedConnection: return "the connection was closed"
        case .connectionError: return "cannot connect"
        default: return "\(error.code)"
        }
    }
}

/// The first of two answers (the work's, the timer's) resumes the caller; the other is dropped.
private final class FirstAnswer<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    /// Called before either answer can come.
    func set(_ continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }
}
