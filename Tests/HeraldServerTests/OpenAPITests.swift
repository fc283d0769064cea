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
        // The API's routes (the web inbox's page and files at /, /assets and /vendor are not API).
        let served = Set(InboxServer(inbox: inbox).router().routes.map { "\($0.method.rawValue) \($0.path)" }.filter { $0.contains(" /api/") })

        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPI.document)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(served.count >= 14)
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
    }
}
