import Foundation

/// A test server on a free loopback port, started for one test and killed when released: the
/// real SMTP server (Debian's python3-aiosmtpd, Tests/HeraldTestSupport/Scripts/smtp-server.py) by default, the
/// scripted fault SMTP server (Tests/HeraldTestSupport/Scripts/smtp-fault-server.py), or the providers' stand-in
/// (Tests/HeraldTestSupport/Scripts/provider-server.py).
public final class TestServer {
    private let process = Process()
    public let spool: URL
    public private(set) var port = 0

    public convenience init(_ options: [String] = []) throws {
        try self.init(script: "smtp-server.py", options)
    }

    /// Any of the Tests/HeraldTestSupport/Scripts servers that print "READY <port>" (smtp-server.py,
    /// smtp-fault-server.py, provider-server.py).
    public init(script: String, _ options: [String]) throws {
        spool = FileManager.default.temporaryDirectory.appendingPathComponent("herald-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [ExternalEmailTools.repository.appendingPathComponent("Tests/HeraldTestSupport/Scripts/\(script)").path, spool.path] + options
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for "READY <port>" (the server prints it once it listens).
        let text = output.fileHandleForReading.firstLine()
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw ExternalEmailTools.ToolError(description: "the test SMTP server did not start: \(text)")
        }
        self.port = port
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Messages received so far, in order: the envelope and the bytes as received.
    public func received() throws -> [(mailFrom: String, recipients: [String], bytes: [UInt8])] {
        struct EnvelopeFile: Decodable { var mail_from: String; var rcpt_tos: [String] }
        let names = try FileManager.default.contentsOfDirectory(atPath: spool.path).filter { $0.hasSuffix(".eml") }
            .sorted { (Int($0.dropLast(4)) ?? 0) < (Int($1.dropLast(4)) ?? 0) }
        return try names.map { name in
            let base = spool.appendingPathComponent(String(name.dropLast(4)))
            let envelope = try JSONDecoder().decode(EnvelopeFile.self, from: Data(contentsOf: base.appendingPathExtension("json")))
            return (envelope.mail_from, envelope.rcpt_tos, [UInt8](try Data(contentsOf: base.appendingPathExtension("eml"))))
        }
    }

    /// Requests a provider stand-in received: method, path, lowercased headers, body bytes.
    public func requests() throws -> [(method: String, path: String, headers: [String: String], body: [UInt8])] {
        struct Request: Decodable { var method: String; var path: String; var headers: [String: String]; var body: String }
        let file = spool.appendingPathComponent("requests.jsonl")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let request = try JSONDecoder().decode(Request.self, from: Data(line.utf8))
            return (request.method, request.path, request.headers, [UInt8](Data(base64Encoded: request.body) ?? Data()))
        }
    }

    /// The lines the fault server (smtp-fault-server.py) received outside message bodies, in
    /// order, with one "<body N bytes>" line per body (", no final dot" when the connection ended
    /// inside it): whether a body byte ever reached the server is `bodyBytesReceived()`.
    public func commands() -> [String] {
        guard let data = try? Data(contentsOf: spool.appendingPathComponent("commands.log")) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// How many body bytes the fault server received in all, from the "<body N bytes" lines of
    /// `commands()`.
    public func bodyBytesReceived() -> Int {
        commands().filter { $0.hasPrefix("<body ") }.reduce(0) { total, line in
            total + (Int(line.dropFirst(6).prefix { $0.isNumber }) ?? 0)
        }
    }

    /// The Message-ID header of every message received.
    public func receivedMessageIDs() -> [String] {
        ((try? received()) ?? []).compactMap { message in
            String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n")
                .first { $0.hasPrefix("Message-ID: ") }.map { String($0.dropFirst(12)) }
        }
    }

    deinit {
        // SIGKILL: the child may start with SIGTERM blocked (it inherits the test thread's mask).
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: spool)
    }

    /// A self-signed certificate for 127.0.0.1 made with openssl: (certificate, key) paths.
    public static func makeCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let made = try ExternalEmailTools.run("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                                                               "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
                                                               "-addext", "subjectAltName=IP:127.0.0.1"])
        guard made.status == 0 else { throw ExternalEmailTools.ToolError(description: "openssl failed: \(made.stderr)") }
        return (certificate, key)
    }
}
