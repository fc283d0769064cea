import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Herald
import HeraldServer
import HeraldTesting
import HeraldTestSupport
import Testing

/// Delivery metrics in Prometheus's text format: what a worker's attempts count, the outbox's
/// backlog at scrape time, `herald worker --metrics` on a port of its own, and `/metrics` on
/// `herald serve` for supervisors and administrators only.
@Suite struct MetricsTests {
    /// The value of the sample `name{labels}` in an exposition (nil: not there).
    static func sample(_ exposition: String, _ name: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    @Test func attemptsRecipientsAndTheBacklogAreCounted() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-metrics-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outbox = try SQLiteOutboxStore(path: path)
        let endpoint = MetricsEndpoint(outbox: outbox)
        // bo@ is deferred (4xx): that message waits for a retry; the other two go through.
        let memory = InMemoryTransport { _, recipient in recipient.hasPrefix("bo@") ? .deferred : .accepted }
        let worker = OutboxWorker(store: outbox, transports: [.email: MeteredTransport(memory, metrics: endpoint.delivery)])
        let message = Array("Subject: hi\r\n\r\nhello\r\n".utf8)
        _ = try await outbox.enqueue([
            Outbound(channel: .email, sender: "support@example.com", recipients: ["ana@example.com", "bo@example.com"], payload: .bytes(message)),
            Outbound(channel: .email, sender: "support@example.com", recipients: ["cy@example.com"], payload: .bytes(message)),
        ], now: Date().timeIntervalSince1970)
        let before = String(decoding: await endpoint.exposition(), as: UTF8.self)
        #expect(Self.sample(before, #"herald_outbox_messages{state="due"}"#) == 2)
        try await worker.run(batch: 10, untilIdle: true)
        let after = String(decoding: await endpoint.exposition(), as: UTF8.self)
        #expect(Self.sample(after, #"herald_delivery_recipients_total{channel="email",outcome="accepted"}"#) == 2)
        #expect(Self.sample(after, #"herald_delivery_recipients_total{channel="email",outcome="deferred"}"#) == 1)
        #expect(Self.sample(after, #"herald_delivery_attempts_total{channel="email",result="delivered"}"#) == 1)
        #expect(Self.sample(after, #"herald_delivery_attempts_total{channel="email",result="temporary"}"#) == 1)
        #expect(Self.sample(after, #"herald_delivery_duration_seconds_count{channel="email"}"#) == 2)
        #expect(Self.sample(after, #"herald_outbox_messages{state="due"}"#) == 0)
        #expect(Self.sample(after, #"herald_outbox_messages{state="waiting"}"#) == 1)
        #expect(after.contains("# TYPE herald_delivery_duration_seconds histogram"))
    }

    @Test func aWorkerServesItsMetricsOnItsOwnPort() async throws {
        let directory = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outbox = directory.appendingPathComponent("outbox.sqlite").path
        let maildir = directory.appendingPathComponent("maildir").path
        let message = Array("From: support@example.com\r\nTo: ana@example.com\r\nSubject: hi\r\n\r\nhello\r\n".utf8)
        let outbound = Outbound(channel: .email, sender: "support@example.com", recipients: ["ana@example.com", "bo@example.com"], payload: .bytes(message))
        _ = try await SQLiteOutboxStore(path: outbox).enqueue([outbound, outbound, outbound], now: Date().timeIntervalSince1970)
        let worker = Process()
        worker.executableURL = Herald.executable
        worker.arguments = ["worker", "--metrics", ":0", "--outbox", outbox, "--maildir", maildir, "--poll-interval", "0.1"]
        worker.currentDirectoryURL = directory
        let errors = Pipe()
        worker.standardError = errors
        worker.standardOutput = FileHandle.nullDevice
        try worker.run()
        defer {
            kill(worker.processIdentifier, SIGKILL)
            worker.waitUntilExit()
        }
        let said = errors.fileHandleForReading.read(until: "/metrics\n")
        let line = try #require(said.split(separator: "\n").first { $0.contains("metrics on http://127.0.0.1:") }, "\(said)")
        let url = try #require(URL(string: String(line.split(separator: " ").last ?? "")))
        // The worker delivers the three messages (six recipients) into the Maildir; the scrape says so.
        var exposition = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let (data, response) = try await ServerProcess.session.data(from: url)
            #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            exposition = String(decoding: data, as: UTF8.self)
            if Self.sample(exposition, #"herald_delivery_recipients_total{channel="email",outcome="accepted"}"#) == 6 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Self.sample(exposition, #"herald_delivery_recipients_total{channel="email",outcome="accepted"}"#) == 6, "\(exposition)")
        #expect(Self.sample(exposition, #"herald_delivery_attempts_total{channel="email",result="delivered"}"#) == 3)
        #expect(Self.sample(exposition, #"herald_outbox_messages{state="due"}"#) == 0)
        let delivered = try FileManager.default.contentsOfDirectory(atPath: maildir + "/new")
        #expect(delivered.count == 3)
    }

    @Test func serveGivesMetricsToSupervisorsAndAdministratorsOnly() async throws {
        let server = try ServerProcess()
        _ = try await server.startEmail(subject: "Counted")
        _ = try await server.maildirMessages(count: 1)
        #expect(try await server.request("GET", "/metrics", as: nil).status == 401)
        let agent = try await server.request("GET", "/metrics", as: "ana")
        #expect(agent.status == 403 && agent.contentType == "application/problem+json")
        for role in ["carla", "dani"] {
            let answer = try await server.request("GET", "/metrics", as: role)
            #expect(answer.status == 200 && answer.contentType.hasPrefix("text/plain; version=0.0.4"))
            #expect(Self.sample(answer.text, #"herald_delivery_recipients_total{channel="email",outcome="accepted"}"#) == 1, "\(answer.text)")
            #expect(Self.sample(answer.text, #"herald_outbox_messages{state="held"}"#) == 0)
        }
    }
}
