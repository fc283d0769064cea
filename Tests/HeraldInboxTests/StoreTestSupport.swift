import Foundation
import Herald
@testable import HeraldInbox
import HeraldPostgres
import HeraldTestSupport
import Testing

/// The stores the conformance suite runs against; a new store is a new case.
enum InboxStoreKind: String, CaseIterable, Sendable {
    case sqlite
    /// A fresh database on the test process's own PostgreSQL server (`PostgresServer`).
    case postgres

    /// A new, empty store.
    func make() async throws -> any InboxStore {
        try await makeShared().first
    }

    /// A new, empty store and a way to open it again: another process's view of the same inbox
    /// (its own connections, or its own SQLite handle).
    func makeShared() async throws -> (first: any InboxStore, again: @Sendable () async throws -> any InboxStore) {
        switch self {
        case .sqlite:
            let path = TemporaryFiles.path("inbox", "sqlite")
            return (try SQLiteInboxStore(path: path), { try SQLiteInboxStore(path: path) })
        case .postgres:
            let url = try PostgresServer.shared().makeDatabase()
            let open: @Sendable () async throws -> any InboxStore = {
                // The suite blocks Swift concurrency's few threads with the processes it runs:
                // the call timeout is for real hangs only.
                try await PostgresInboxStore.open(try PostgresLocation(url, name: "the test database"), callTimeout: .seconds(600))
            }
            return (try await open(), open)
        }
    }

    /// A new store holding the team.
    func makeWithTeam() async throws -> any InboxStore {
        let store = try await make()
        try await store.saveTeam()
        return store
    }
}

extension InboxStore {
    func saveTeam() async throws {
        for agent in Team.agents { try await save(agent) }
        for campaign in Team.campaigns { try await save(campaign) }
    }
}

enum TemporaryFiles {
    /// A fresh path in the temporary folder (nothing is created).
    static func path(_ stem: String, _ ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(stem)-\(UUID().uuidString).\(ext)").path
    }
}

/// Runs `body` and returns the error it throws, as Herald's family member it must be.
func refusal(_ body: () async throws -> Void) async -> (any CategorizedError)? {
    do {
        try await body()
        return nil
    } catch let error as any CategorizedError {
        return error
    } catch {
        Issue.record("\(error) is not a CategorizedError")
        return nil
    }
}

/// What `body` returned or threw, for tasks run side by side.
func outcome<T: Sendable>(_ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}
