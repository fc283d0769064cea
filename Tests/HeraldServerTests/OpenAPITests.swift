import Foundation
import Herald
import HeraldInbox
import HeraldServer
import Testing

/// The OpenAPI document (Sources/HeraldServer/openapi.json) and the router list the same
/// routes: a route added without documenting it, or documented and gone, fails here.
struct OpenAPITests {
    @Test func everyRouteTheRouterServesIsDocumentedAndViceVersa() throws {
        let folder = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inbox = Inbox(store: try SQLiteInboxStore(path: folder.appendingPathComponent("inbox.sqlite").path),
                          outbox: try SQLiteOutboxStore(path: folder.appendingPathComponent("outbox.sqlite").path))
        // The API's routes and the providers' webhooks (the web inbox's page and files at /,
        // /assets and /vendor are not API).
        let served = Set(InboxServer(inbox: inbox).router().routes.map { "\($0.method.rawValue) \($0.path)" }
            .filter { $0.contains(" /api/") || $0.contains(" /webhooks/") })

        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPI.document)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(served.count >= 14)
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")

        // The links of a start's answer (what schemathesis's stateful phase follows, and clients
        // may) name operations that exist.
        let operations = Set(paths.values.flatMap { $0.values.compactMap { ($0 as? [String: Any])?["operationId"] as? String } })
        let start = try #require((paths["/api/v1/interactions"]?["post"] as? [String: Any])?["responses"] as? [String: [String: Any]])
        let links = try #require(start["201"]?["links"] as? [String: [String: Any]])
        #expect(links.count == 8)
        #expect(Set(links.values.compactMap { $0["operationId"] as? String }).subtracting(operations).sorted() == [], "links to no operation")
    }
}
