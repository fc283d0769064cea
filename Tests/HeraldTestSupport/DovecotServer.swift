import Foundation

/// A real IMAP server for a test: Debian's Dovecot (dovecot-imapd), started in the foreground
/// with its own configuration in a temporary folder, listening on two free loopback ports —
/// IMAP with STARTTLS (plaintext logins refused until TLS is up) and IMAPS — with a self-signed
/// certificate, one account (`help` / `secret`) and its Maildir, which the test fills with
/// `deliver`. Stopped (and restartable) by the test; removed when released.
///
/// As root (CI), Dovecot refuses to give mail access as uid 0: the mail belongs to `nobody`
/// and the Maildir is handed over to it. (Sendable for a test that stops it from a callback; a
/// test drives it from one place at a time.)
public final class DovecotServer: @unchecked Sendable {
    public let root: URL
    public let certificate: String
    public let username = "help"
    public let password = "secret"
    public private(set) var port = 0
    public private(set) var tlsPort = 0
    private var process: Process?
    private let mailUID: UInt32
    private let mailGID: UInt32

    public init() throws {
        // Short: Dovecot's sockets live under it, and a socket path has 108 bytes at most.
        root = URL(fileURLWithPath: "/tmp/hd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("run"), withIntermediateDirectories: true)
        let made = try TestServer.makeCertificate(in: root)
        certificate = made.certificate
        mailUID = getuid() == 0 ? 65534 : getuid()
        mailGID = getuid() == 0 ? 65534 : getgid()
        for folder in ["", ".Archive"] {
            for part in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(at: maildir.appendingPathComponent(folder).appendingPathComponent(part), withIntermediateDirectories: true)
            }
        }
        try "\(username):{PLAIN}\(password)\n".write(to: root.appendingPathComponent("users"), atomically: true, encoding: .utf8)
        try writeConfiguration(key: made.key)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// The account's Maildir.
    public var maildir: URL { root.appendingPathComponent("mail").appendingPathComponent(username) }

    /// `imap://127.0.0.1:PORT/INBOX` (STARTTLS) or `imaps://…` (TLS from the start).
    public func url(tls: Bool = false, folder: String = "INBOX") -> String {
        tls ? "imaps://127.0.0.1:\(tlsPort)/\(folder)" : "imap://127.0.0.1:\(port)/\(folder)"
    }

    /// Puts a message in the folder as an MTA would: written in tmp/, renamed into new/.
    public func deliver(_ bytes: [UInt8], folder: String = "") throws {
        let name = "\(UInt64(Date().timeIntervalSince1970 * 1000)).\(UUID().uuidString).test"
        let base = maildir.appendingPathComponent(folder)
        let temporary = base.appendingPathComponent("tmp").appendingPathComponent(name)
        try Data(bytes).write(to: temporary)
        chown(temporary.path, mailUID, mailGID)
        try FileManager.default.moveItem(at: temporary, to: base.appendingPathComponent("new").appendingPathComponent(name))
    }

    /// The file names in a folder's cur/ and new/ (a `:2,S` suffix: flagged \Seen).
    public func files(folder: String = "") throws -> [String] {
        let base = maildir.appendingPathComponent(folder)
        return try ["cur", "new"].flatMap { try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent($0).path) }.sorted()
    }

    /// Starts Dovecot and waits until both ports greet.
    public func start() throws {
        guard process == nil else { return }
        try handOver(root.appendingPathComponent("mail"))
        let process = Process()
        // Through Python, to start Dovecot with no signal blocked: a child inherits the test
        // thread's mask, and a Dovecot whose processes ignore SIGINT never stops.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                             "/usr/sbin/dovecot", "-F", "-c", root.appendingPathComponent("dovecot.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: Self.touch(root.appendingPathComponent("dovecot.log")))
        try process.run()
        self.process = process
        // The IMAPS port says nothing before the client's TLS hello: being accepted is enough.
        for (port, greets) in [(port, true), (tlsPort, false)] {
            guard Self.waitForGreeting(port: port, greets: greets, within: 15) else {
                stop()
                let log = (try? String(contentsOf: root.appendingPathComponent("dovecot.log"), encoding: .utf8)) ?? ""
                throw ExternalEmailTools.ToolError(description: "Dovecot did not answer on port \(port): \(log.suffix(2000))")
            }
        }
    }

    /// Stops Dovecot (SIGTERM: the master ends its children) and waits for it.
    public func stop() {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    private func handOver(_ folder: URL) throws {
        guard getuid() == 0 else { return }
        let walker = FileManager.default.enumerator(atPath: folder.path)
        chown(folder.path, mailUID, mailGID)
        while let item = walker?.nextObject() as? String { chown(folder.appendingPathComponent(item).path, mailUID, mailGID) }
    }

    private func writeConfiguration(key: String) throws {
        port = try Self.freePort()
        tlsPort = try Self.freePort()
        var internalUser = ""
        if getuid() != 0, let name = ProcessInfo.processInfo.environment["USER"] {
            internalUser = "default_internal_user = \(name)\ndefault_login_user = \(name)\n"
        }
        let configuration = """
            \(internalUser)first_valid_uid = 1
            protocols = imap
            listen = 127.0.0.1
            base_dir = \(root.path)/run
            state_dir = \(root.path)/run
            log_path = \(root.path)/dovecot.log
            ssl = yes
            ssl_cert = <\(certificate)
            ssl_key = <\(key)
            disable_plaintext_auth = yes
            auth_mechanisms = plain login
            mail_location = maildir:\(root.path)/mail/%u
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(root.path)/users
            }
            userdb {
              driver = static
              args = uid=\(mailUID) gid=\(mailGID) home=\(root.path)/mail/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = \(port)
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = \(tlsPort)
                ssl = yes
              }
            }
            service anvil {
              chroot =
            }

            """
        try configuration.write(to: root.appendingPathComponent("dovecot.conf"), atomically: true, encoding: .utf8)
    }

    private static func touch(_ url: URL) -> URL {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    /// A loopback port nobody listens on (bound to 0, read, released).
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ExternalEmailTools.ToolError(description: "socket: \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw ExternalEmailTools.ToolError(description: "cannot find a free port: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connects until the server's first bytes arrive (its greeting), up to `seconds`.
    static func waitForGreeting(port: Int, greets: Bool, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if connected && !greets {
                close(descriptor)
                return true
            }
            if connected {
                var byte: UInt8 = 0
                let got = recv(descriptor, &byte, 1, 0)
                close(descriptor)
                if got == 1 { return true }
            } else {
                close(descriptor)
                // Not listening yet: ask again shortly (the connect itself fails at once).
                usleep(50_000)
            }
        }
        return false
    }
}
