import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HeraldTestSupport
import Testing

/// Runs the real `herald` executable (built next to the test bundle, as the CLI tests do).
enum Herald {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let executable = ProcessInfo.processInfo.environment["HERALD_TEST_EXECUTABLE"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("herald")

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: URL) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The test team, as a seed file:
/// - billing (ana, bruno, carla the supervisor): email, SMS, WhatsApp (one approved template);
///   categories Resolved and Refund; the mandatory "Satisfaction survey".
/// - sales (bruno, eva, dani the administrator): email; categories Won and Lost.
/// - support (eva): SMS only.
let testTeam = """
    agents:
      - {id: ana, name: Ana Ruiz, email: ana@example.com}
      - {id: bruno, name: Bruno Díaz, email: bruno@example.com}
      - {id: carla, name: Carla Gil, email: carla@example.com, role: supervisor}
      - {id: dani, name: Dani Sanz, email: dani@example.com, role: administrator}
      - {id: eva, name: Eva Mora, email: eva@example.com}
    campaigns:
      - id: billing
        name: Billing
        countryCode: "34"
        channels:
          email: {from: "Billing <billing@example.com>"}
          sms: {number: "+34600000000"}
          whatsapp:
            phoneNumberID: "106540352242922"
            templates:
              - {name: order_update, language: es, category: UTILITY, body: "Hola {{1}}, your order {{2}} has shipped."}
        members: [ana, bruno, carla]
        categories: [Resolved, Refund]
        forms:
          - id: survey
            name: Satisfaction survey
            mandatory: true
            fields:
              - {id: satisfaction, label: Satisfaction, kind: choice, required: true, options: [good, bad]}
              - {id: age, label: Age, kind: number}
      - id: sales
        name: Sales
        countryCode: "34"
        channels:
          email: {from: "sales@example.com"}
        members: [bruno, eva, dani]
        categories: [Won, Lost]
      - id: support
        name: Support
        channels:
          sms: {number: "+34600000001"}
        members: [eva]
        categories: [Done]
    """

/// A real `herald serve` on a free loopback port with its own data folder (the inbox and outbox
/// SQLite files and the Maildir), the test team loaded and a token per agent; killed when
/// released. It is ready when it prints its "listening on" line: nothing here sleeps for it.
/// (Unchecked Sendable: everything is set in `init` and only read after, so two requests may
/// run at once.)
final class ServerProcess: @unchecked Sendable {
    let directory: URL
    let process = Process()
    let port: Int
    let tokens: [String: String]
    /// The PostgreSQL URL the inbox and outbox are in (nil: the data folder's SQLite files).
    let database: String?

    var data: URL { Self.dataFolder(directory) }
    static func dataFolder(_ directory: URL) -> URL { directory.appendingPathComponent("data") }
    var maildir: URL { data.appendingPathComponent("maildir/new") }

    /// `arguments`: more options for `herald serve`; `environment`: more variables for it (the
    /// providers' stand-ins); `database`: a PostgreSQL URL to keep the inbox and outbox in
    /// (`--database`) instead of the data folder's files. `sharing`: a server already running on
    /// a database — this one serves the same inbox (its team, its tokens) from its own folder.
    init(seed: String = testTeam, arguments: [String] = [], environment: [String: String] = [:], database: String? = nil,
         sharing other: ServerProcess? = nil) throws {
        directory = try Herald.temporaryDirectory()
        let data = Self.dataFolder(directory)
        self.database = database ?? other?.database
        let databaseArguments = self.database.map { ["--database", $0] } ?? []
        if let other {
            tokens = other.tokens
        } else {
            let seedFile = directory.appendingPathComponent("team.yml")
            try seed.write(to: seedFile, atomically: true, encoding: .utf8)
            let loaded = try Herald.run(["inbox", "load", seedFile.path, "--data", data.path] + databaseArguments, in: directory)
            guard loaded.status == 0 else { throw Failure("herald inbox load failed: \(loaded.stderr)") }
            var tokens: [String: String] = [:]
            for agent in ["ana", "bruno", "carla", "dani", "eva"] {
                let made = try Herald.run(["inbox", "token", "create", "--agent", agent, "--data", data.path] + databaseArguments, in: directory)
                guard made.status == 0 else { throw Failure("herald inbox token create failed: \(made.stderr)") }
                tokens[agent] = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            self.tokens = tokens
        }
        process.executableURL = Herald.executable
        process.arguments = ["serve", "--port", "0", "--data", data.path] + databaseArguments + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = output.fileHandleForReading.firstLine()
        let prefix = "herald serve: listening on http://127.0.0.1:"
        guard text.hasPrefix(prefix), let port = Int(text.dropFirst(prefix.count).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure("herald serve did not start: \(text)")
        }
        self.port = port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    struct Answer {
        var status: Int
        var contentType: String
        var body: Data
        var headers: [String: String] = [:]

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Cookies are the tests' to send: a session that kept them would carry one test's sign-in
    /// into another's requests.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpCookieStorage = nil
        return URLSession(configuration: configuration)
    }()

    /// One request as `agent` (nil: no token).
    func request(_ method: String, _ path: String, as agent: String?, json: Any? = nil, rawBody: Data? = nil,
                 headers: [String: String] = [:], contentType: String = "application/json") async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let agent { request.setValue("Bearer \(tokens[agent] ?? agent)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let rawBody {
            request.httpBody = rawBody
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return Answer(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "", body: data, headers: fields)
    }

    /// Ana starts an email interaction in billing; its ID.
    func startEmail(as agent: String = "ana", campaign: String = "billing", subject: String = "Your invoice") async throws -> String {
        let answer = try await request("POST", "/api/v1/interactions", as: agent, json: [
            "channel": "email", "campaign": campaign, "to": ["Customer <customer@example.com>"], "subject": subject,
            "message": ["markdown": "Hello, **your invoice** is attached to your account."],
        ])
        guard answer.status == 201, let id = answer.json["id"] as? String else { throw Failure("start failed: \(answer.status) \(answer.text)") }
        return id
    }

    /// The Maildir's messages once `count` are there (the server's worker delivers them; this
    /// waits for the files, at most 20 s).
    func maildirMessages(count: Int) async throws -> [String] {
        let deadline = Date().addingTimeInterval(20)
        while true {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []
            if names.count >= count || Date() > deadline {
                return try names.sorted().map { try String(contentsOf: maildir.appendingPathComponent($0), encoding: .utf8) }
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }
}
