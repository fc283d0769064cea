import Foundation
import HeraldTestSupport
import Testing

/// Two `herald serve` processes on one PostgreSQL database, as behind a load balancer: a session
/// made on one is valid on the other, an agent connected to one hears what happens on the other,
/// and the database decides a take race between them.
@Suite struct SeveralServersTests {
    @Test func twoServersOnOneDatabaseShareSessionsEventsAndTheTakeRace() async throws {
        let database = try PostgresServer.shared().makeDatabase()
        let first = try ServerProcess(database: database)
        let second = try ServerProcess(arguments: ["--no-worker"], sharing: first)

        // A session made on the second server is valid on the first, and ends on both.
        let password = "a long password for ana"
        #expect(try await first.request("PUT", "/api/v1/agents/ana/password", as: "dani", json: ["password": password]).status == 204)
        let signedIn = try await second.request("POST", "/api/v1/session", as: nil, json: ["email": "ana@example.com", "password": password])
        #expect(signedIn.status == 200, "\(signedIn.text)")
        let cookie = try #require(signedIn.headers["set-cookie"]?.components(separatedBy: ";").first)
        let csrf = try #require(signedIn.json["csrfToken"] as? String)
        let me = try await first.request("GET", "/api/v1/me", as: nil, headers: ["Cookie": cookie])
        #expect(me.status == 200 && me.json["id"] as? String == "ana", "\(me.text)")
        #expect(try await first.request("DELETE", "/api/v1/session", as: nil, headers: ["Cookie": cookie, "X-CSRF-Token": csrf]).status == 204)
        #expect(try await second.request("GET", "/api/v1/me", as: nil, headers: ["Cookie": cookie]).status == 401)

        // Bruno follows the events on the second server; Ana works on the first.
        let stream = try EventStreamReader(server: second, agent: "bruno")
        let id = try await first.startEmail(subject: "Across servers")
        let moved = try await first.request("POST", "/api/v1/interactions/\(id)/transfer", as: "ana", json: ["campaign": "sales"])
        #expect(moved.status == 200 && moved.json["state"] as? String == "pending")
        let heard = stream.read(until: "event: transferred")
        #expect(EventStreamTests.parse(heard).filter { $0.interaction == id }.map(\.kind) == ["created", "messageSent", "transferred"])
        // The pending tab agrees on both.
        for server in [first, second] {
            let pending = try await server.request("GET", "/api/v1/tabs/pending?campaign=sales", as: "eva")
            #expect(pending.list.compactMap { $0["id"] as? String } == [id])
        }

        // Bruno takes on the first server, Eva on the second, at once: one gets it.
        for round in 0..<6 {
            let race = try await first.startEmail(subject: "Race \(round)")
            #expect(try await first.request("POST", "/api/v1/interactions/\(race)/transfer", as: "ana", json: ["campaign": "sales"]).status == 200)
            async let byBruno = first.request("POST", "/api/v1/interactions/\(race)/take", as: "bruno")
            async let byEva = second.request("POST", "/api/v1/interactions/\(race)/take", as: "eva")
            let answers = try await [byBruno, byEva]
            #expect(answers.map(\.status).sorted() == [200, 409], "round \(round): \(answers.map(\.text))")
            let winner = try #require(answers.first { $0.status == 200 }?.json["assignee"] as? String)
            for server in [first, second] {
                let read = try await server.request("GET", "/api/v1/interactions/\(race)", as: winner)
                #expect(read.json["assignee"] as? String == winner)
            }
        }

        // The first server delivers the outbox both share: every message Ana sent is in its Maildir.
        #expect(try await first.maildirMessages(count: 7).count == 7)
    }
}

/// A live event stream held open by curl, as a browser's EventSource holds it.
final class EventStreamReader {
    private let curl = Process()
    private let output = Pipe()
    private var received = ""

    /// Connected once the stream's first line (its retry line) has come.
    init(server: ServerProcess, agent: String) throws {
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sN", "-H", "Authorization: Bearer \(server.tokens[agent] ?? "")", "http://127.0.0.1:\(server.port)/api/v1/events"]
        curl.standardOutput = output
        try curl.run()
        _ = read(until: "retry:")
    }

    deinit {
        // SIGKILL: the child may start with SIGTERM blocked (it inherits the test thread's mask).
        kill(curl.processIdentifier, SIGKILL)
        curl.waitUntilExit()
    }

    /// Everything received so far once `text` is in it (or the stream ended).
    func read(until text: String) -> String {
        received = output.fileHandleForReading.read(until: text, after: received)
        return received
    }
}
