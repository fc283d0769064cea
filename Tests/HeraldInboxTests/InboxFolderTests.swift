import Foundation
import HeraldInbox
import Testing

/// The inbox of a data folder (`--data DIR`): DIR/inbox.sqlite, beside the outbox and Maildir.
struct InboxFolderTests {
    @Test func theFolderIsMadeWhenAskedAndOtherwiseMustHoldAnInbox() async throws {
        #expect(SQLiteInboxStore.path(inFolder: "d") == "d/inbox.sqlite")
        #expect(SQLiteInboxStore.path(inFolder: "/srv/herald/") == "/srv/herald/inbox.sqlite")
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("herald-folder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = parent.appendingPathComponent("data").path
        #expect(throws: InboxError(.io, "there is no inbox at \(folder)/inbox.sqlite (check the inbox path)")) { try SQLiteInboxStore(folder: folder, create: false) }
        #expect(!FileManager.default.fileExists(atPath: folder))

        try await SQLiteInboxStore(folder: folder).save(Agent(id: "ana", name: "Ana", email: "ana@example.com"))
        #expect(try await SQLiteInboxStore(folder: folder, create: false).agent("ana")?.name == "Ana")

        // A file where the folder should be: refused as I/O, naming the folder.
        let file = parent.appendingPathComponent("file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect { try SQLiteInboxStore(folder: file + "/data") } throws: { error in
            (error as? InboxError)?.category == .io && "\(error)".hasPrefix("cannot create the data folder \(file)/data: ")
        }
    }
}
