import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// The stores the conformance suite runs against; a new store (PostgreSQL) is a new case.
enum InboxStoreKind: String, CaseIterable, Sendable {
    case sqlite

    /// A new, empty store in a new file.
    func make() throws -> any InboxStore {
        switch self {
        case .sqlite: return try SQLiteInboxStore(path: TemporaryFiles.path("inbox", "sqlite"))
        }
    }

    /// A new store holding the team.
    func makeWithTeam() async throws -> any InboxStore {
        let store = try make()
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
