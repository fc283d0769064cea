import Foundation
import Herald
import HeraldPostgres
import HeraldTestSupport
import Testing

/// The herald command with its outbox in a real PostgreSQL: a send, the outbox commands, two
/// worker processes sharing one outbox, and a wrong password — the password never printed.
@Suite struct PostgresOutboxCommandTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path

    @Test func sendAndTheOutboxCommandsWorkOnAPostgreSQLOutbox() throws {
        let server = try PostgresServer.shared()
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The URL without its password; the password in the environment, as in production.
        let url = try server.makeDatabase().replacingOccurrences(of: ":\(server.password)@", with: "@")
        let environment = ["PGPASSWORD": server.password]
        let sent = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "ana@example.net", "--subject", "Hola", "--outbox", url],
                                         in: directory, environment: environment)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(".herald/maildir/new").path).count == 1)
        let list = try HeraldProcess.run(["outbox", "list"], in: directory, environment: environment.merging(["HERALD_DATABASE_URL": url]) { $1 })
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("1\tsent\t1 attempt(s)\tme@example.com\t1/1 delivered"), "\(list.stdout)")
        #expect(!(sent.stdout + sent.stderr + list.stdout + list.stderr).contains(server.password))
    }

    @Test func twoWorkerProcessesShareOneOutboxAndDeliverEachMessageOnce() async throws {
        let server = try PostgresServer.shared()
        let smtp = try TestServer()
        let url = try server.makeDatabase()
        let store = try await PostgresOutboxStore.open(try PostgresLocation(url, name: "test"), callTimeout: .seconds(600))
        var expected: [String] = []
        var outbounds: [Outbound] = []
        for index in 1...30 {
            let id = "<pg-\(index)@example.com>"
            expected.append(id)
            let bytes = Array("From: me@example.com\r\nTo: ana@example.net\r\nSubject: \(index)\r\nMessage-ID: \(id)\r\n\r\nMessage \(index).\r\n".utf8)
            outbounds.append(Outbound(channel: .email, sender: "me@example.com", recipients: ["ana@example.net"], payload: .bytes(bytes)))
        }
        _ = try await store.enqueue(outbounds, now: Date().timeIntervalSince1970)
        let arguments = ["worker", "--outbox", url, "--via", smtp.url, "--starttls", "none", "--until-idle", "--batch", "3"]
        async let first = HeraldProcess.runDetached(arguments)
        async let second = HeraldProcess.runDetached(arguments)
        let (a, b) = try await (first, second)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(smtp.receivedMessageIDs().sorted() == expected.sorted())
        #expect(try await store.entries().allSatisfy { $0.state == .sent })
        // The worker names its outbox without the password.
        #expect(a.stderr.contains("herald worker: delivering postgres://herald@127.0.0.1:\(server.port)/"), "\(a.stderr)")
        #expect(!(a.stderr + b.stderr + a.stdout + b.stdout).contains(server.password))
    }

    @Test func aWrongPasswordStopsTheCommandAtOnce() throws {
        let server = try PostgresServer.shared()
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try server.makeDatabase().replacingOccurrences(of: ":\(server.password)@", with: ":not-it@")
        let started = Date()
        let sent = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "ana@example.net", "--outbox", url], in: directory)
        #expect(sent.status == 74)
        #expect(sent.stderr.hasPrefix("error: cannot open the outbox postgres://herald@127.0.0.1:\(server.port)/"), "\(sent.stderr)")
        #expect(sent.stderr.contains("password authentication failed"))
        #expect(!sent.stderr.contains("not-it"))
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".herald/maildir").path))
    }
}

extension HeraldProcess {
    /// `run` off Swift concurrency's threads, so two processes run at once.
    static func runDetached(_ arguments: [String]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try HeraldProcess.run(arguments) }) }
        }
    }
}
