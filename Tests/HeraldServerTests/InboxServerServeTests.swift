import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Herald
import HeraldInbox
import HeraldServer
import Testing

/// `InboxServer.serve` in this process, as a Swift program would run it: an inbox on a real
/// SQLite file, the outbox and Maildir in a data folder, its worker delivering.
struct InboxServerServeTests {
    @Test func aStartedEmailIsStoredInTheFoldersOutboxAndDeliveredToItsMaildir() async throws {
        let folder = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteInboxStore(path: folder.appendingPathComponent("inbox.sqlite").path)
        try await InboxSeed(yaml: testTeam, named: "team.yml").apply(to: store)
        let (token, record) = APIToken.issue(for: "ana", at: Date())
        try await store.save(record)
        var settings = DeliveryConfiguration.Settings()
        settings.folder = folder.path
        let delivery = try DeliveryConfiguration(settings, environment: [:])

        let (ports, listening) = AsyncStream<Int>.makeStream()
        let serving = Task {
            try await InboxServer.serve(store, delivery: delivery, configuration: InboxServer.Configuration(port: 0)) { listening.yield($0) }
        }
        defer { serving.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/api/v1/interactions")))
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "channel": "email", "campaign": "billing", "to": ["customer@example.com"], "subject": "Served in process",
            "message": ["markdown": "Hello."],
        ])
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("outbox.sqlite").path))

        let maildir = folder.appendingPathComponent("maildir/new")
        let deadline = Date().addingTimeInterval(20)
        var delivered: [String] = []
        while delivered.isEmpty && Date() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
            delivered = (try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []
        }
        let message = try String(contentsOf: maildir.appendingPathComponent(try #require(delivered.first)), encoding: .utf8)
        #expect(message.contains("Subject: Served in process"))
    }
}
