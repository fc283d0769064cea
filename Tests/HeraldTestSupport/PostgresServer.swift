import Foundation

/// A real PostgreSQL server for the tests: Debian's `postgresql` package, a private cluster made
/// with `initdb` in a temporary folder and started with `pg_ctl -w` (which returns once the
/// server accepts connections) on a free loopback port. One per test process, started by the
/// first test that asks (`shared`) and stopped when the process exits; each test takes a fresh
/// database of its own (`makeDatabase`).
///
/// Logins over TCP need a password (scram-sha-256), so a wrong one fails as in production; the
/// local socket trusts the superuser, who makes the role and the databases. As root (CI),
/// PostgreSQL refuses to run: the cluster belongs to the `postgres` user and its commands run
/// as that user (`runuser`).
public final class PostgresServer: @unchecked Sendable {
    public let root: URL
    public let port: Int
    private let durable: Bool
    public let username = "herald"
    public let password = "herald-test-password"
    private let bin: URL
    private var counter = 0
    private let lock = NSLock()

    nonisolated(unsafe) private static var current: PostgresServer?
    private static let startLock = NSLock()

    /// The test process's server, started on first use.
    public static func shared() throws -> PostgresServer {
        startLock.lock()
        defer { startLock.unlock() }
        if let current { return current }
        let server = try PostgresServer()
        current = server
        atexit { PostgresServer.current?.stop() }
        return server
    }

    /// A server of the test's own (one that restarts or stops must not cut the others'
    /// connections); `stop()` it at the end.
    /// `durable`: fsync on, as a real server (the benchmarks); tests run without it.
    public static func makePrivate(durable: Bool = false) throws -> PostgresServer {
        try PostgresServer(durable: durable)
    }

    private init(durable: Bool = false) throws {
        self.durable = durable
        guard let bin = Self.binaries() else {
            throw ExternalEmailTools.ToolError(description: "PostgreSQL is not installed (apt-get install postgresql): no /usr/lib/postgresql/*/bin/initdb")
        }
        self.bin = bin
        // Short: the socket lives under it, and a socket path has 108 bytes at most.
        root = URL(fileURLWithPath: "/tmp/hp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        port = try DovecotServer.freePort()
        if getuid() == 0 {
            // The postgres user must own the folder it writes in.
            try Self.run("/usr/bin/chown", ["postgres:postgres", root.path])
        }
        let data = root.appendingPathComponent("data").path
        try asOwner("initdb", ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"])
        try asOwner("pg_ctl", ["-D", data, "-l", root.appendingPathComponent("server.log").path, "-w", "-t", "60", "-o",
                               "-p \(port) -k \(root.path) -c listen_addresses=127.0.0.1 -c fsync=\(durable ? "on" : "off") -c max_connections=200", "start"])
        try psql("CREATE ROLE \(username) LOGIN PASSWORD '\(password)' CREATEDB")
    }

    /// A new, empty database owned by the test role; its URL (with the password).
    public func makeDatabase() throws -> String {
        lock.lock()
        counter += 1
        let name = "herald_test_\(counter)"
        lock.unlock()
        try psql("CREATE DATABASE \(name) OWNER \(username)")
        return url(database: name)
    }

    /// `postgres://herald:…@127.0.0.1:PORT/DATABASE`; `password: nil` leaves it out.
    public func url(database: String, password: String? = "herald-test-password") -> String {
        "postgres://\(username)\(password.map { ":\($0)" } ?? "")@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs SQL as the superuser over the local socket.
    public func psql(_ sql: String, database: String = "postgres") throws {
        try asOwner("psql", ["-h", root.path, "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    /// `restart()` off Swift concurrency's threads (pg_ctl blocks until the server is back).
    public func restartInBackground() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try self.restart() }) }
        }
    }

    /// Restarts the server (fast shutdown: connections are cut, as in `pg_ctlcluster restart`).
    public func restart() throws {
        let data = root.appendingPathComponent("data").path
        try asOwner("pg_ctl", ["-D", data, "-l", root.appendingPathComponent("server.log").path, "-w", "-t", "60", "-m", "fast", "-o",
                               "-p \(port) -k \(root.path) -c listen_addresses=127.0.0.1 -c fsync=\(durable ? "on" : "off") -c max_connections=200", "restart"])
    }

    public func stop() {
        _ = try? asOwner("pg_ctl", ["-D", root.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: root)
    }

    private func asOwner(_ tool: String, _ arguments: [String]) throws {
        let path = bin.appendingPathComponent(tool).path
        if getuid() == 0 {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        } else {
            try Self.run(path, arguments)
        }
    }

    private static func binaries() -> URL? {
        let base = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []).compactMap(Int.init).sorted()
        return versions.reversed().map { base.appendingPathComponent("\($0)/bin") }
            .first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path) }
    }

    /// Runs a command to its end, its output kept for the error. posix_spawn and waitpid, not
    /// Foundation's Process: Process watches a descriptor its child inherits, and the server
    /// pg_ctl leaves running keeps it open, so Process never sees pg_ctl end.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pg-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outputFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // In /tmp: runuser's postgres user cannot enter the test's working directory.
        let argv = (["/bin/sh", "-c", "cd /tmp && exec \"$@\"", "sh", executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw ExternalEmailTools.ToolError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS by hand (macros Swift does not import).
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            throw ExternalEmailTools.ToolError(description: "\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.joined(separator: " ")) failed (status \(status)): \(text.suffix(2000))")
        }
    }
}
