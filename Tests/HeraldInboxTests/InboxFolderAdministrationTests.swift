import Foundation
@testable import HeraldInbox
import Testing

/// `herald inbox`'s operations on a data folder's inbox (`InboxFolder`): what each changes, the
/// sentence it returns, and what it refuses.
struct InboxFolderAdministrationTests {
    let root = TemporaryFiles.path("inbox-folder", "d")
    var folder: InboxFolder { InboxFolder(root, named: "--data") }

    @Test func agentsAreSavedWithARoleByNameAndAnyOtherRoleIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        await #expect(throws: InboxError(.usage, "--role takes agent, supervisor or administrator, not 'boss'")) {
            try await folder.saveAgent(id: "ana", name: "Ana", email: "ana@example.com", role: "boss", roleName: "--role")
        }
        // Refused before anything is made.
        #expect(!FileManager.default.fileExists(atPath: root))
        let said = try await folder.saveAgent(id: "ana", name: "Ana", email: "ana@example.com", role: "supervisor")
        #expect(said == "agent ana (supervisor) saved in \(root)/inbox.sqlite")
        #expect(try await folder.open(create: false).agent("ana")?.role == .supervisor)
    }

    @Test func withoutAnInboxNothingButAddingMakesOne() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let noInbox = InboxError(.io, "there is no inbox at \(root)/inbox.sqlite (herald inbox load FILE.yml or herald inbox agent add makes one; check --data)")
        await #expect(throws: noInbox) { try await folder.open(create: false) }
        await #expect(throws: noInbox) { try await folder.addMember("ana", to: "billing") }
        await #expect(throws: noInbox) { try await folder.emailImport() }
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test func aCampaignEditKeepsWhatItDoesNotSayAndMembersChangeOneAtATime() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try await folder.saveCampaign(id: "billing", CampaignEdit(name: "Billing", emailFrom: "billing@example.com", categories: ["refund"]))
                == "campaign billing saved in \(root)/inbox.sqlite")
        _ = try await folder.saveCampaign(id: "billing", CampaignEdit(name: "Billing & refunds", smsNumber: "+34600000000"))
        _ = try await folder.saveAgent(id: "ana", name: "Ana", email: "ana@example.com", role: "agent")
        #expect(try await folder.addMember("ana", to: "billing") == "ana is a member of billing")
        #expect(try await folder.addMember("ana", to: "billing") == "ana is a member of billing")
        let billing = try #require(try await folder.open(create: false).campaign("billing"))
        #expect(billing.name == "Billing & refunds" && billing.members == ["ana"])
        #expect(billing.channels.email?.from == "billing@example.com" && billing.channels.sms?.number == "+34600000000")
        #expect(billing.categories.contains("refund"))
        await #expect(throws: InboxError(.notFound, "no campaign sales in \(root)/inbox.sqlite (herald inbox campaign list)")) {
            try await folder.addMember("ana", to: "sales")
        }
        #expect(try await folder.removeMember("ana", from: "billing") == "ana is not a member of billing")
        #expect(try await folder.open(create: false).campaign("billing")?.members == [])
        await #expect(throws: InboxError(.input, "ana is not a member of billing; its members: ", field: "members")) {
            try await folder.removeMember("ana", from: "billing")
        }
    }

    @Test func aTokenIsIssuedOnceAndRevokedByItsIDOrItself() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await folder.saveAgent(id: "ana", name: "Ana", email: "ana@example.com", role: "agent")
        let now = Date(timeIntervalSince1970: 1_796_032_800)
        let issued = try await folder.issueToken(for: "ana", label: "script", at: now)
        let id = try #require(APIToken.parse(issued.token)?.id)
        #expect(issued.note == "token \(id) for agent ana; it is shown once, keep it (herald inbox token revoke \(id) ends it)")
        #expect(try await folder.open(create: false).tokens(of: "ana").map(\.id) == [id])
        #expect(try await folder.revokeToken(issued.token, at: now) == "token \(id) revoked")
        #expect(try await folder.open(create: false).tokens(of: "ana").first?.revokedAt == now)
        await #expect(throws: InboxError(.notFound, "no token tok-none in \(root)/inbox.sqlite (herald inbox token list)")) {
            try await folder.revokeToken("tok-none", at: now)
        }
    }
}

/// A password is read from a file's first line, never from an argument.
struct InboxFolderPasswordTests {
    @Test func thePasswordIsTheFirstLineOfTheFileOrStandardInput() async throws {
        let root = TemporaryFiles.path("inbox-password", "d")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = InboxFolder(root)
        _ = try await folder.saveAgent(id: "ana", name: "Ana", email: "ana@example.com", role: "agent")
        let file = root + "/password.txt"
        try Data("correct horse battery\nsecond line\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try await folder.setPassword(readingFirstLineOf: file, for: "ana") == "agent ana signs in with the new password; their sessions have ended")
        let signIn = SignIn(store: try await folder.open(create: false))
        #expect(try await signIn.check("correct horse battery", of: "ana"))
        #expect(try await !signIn.check("correct horse battery\nsecond line", of: "ana"))

        let piped = root + "/piped.txt"
        try Data("from a pipe, too\r\n".utf8).write(to: URL(fileURLWithPath: piped))
        _ = try await folder.setPassword(readingFirstLineOf: nil, standardInput: try #require(FileHandle(forReadingAtPath: piped)), for: "ana")
        #expect(try await signIn.check("from a pipe, too", of: "ana"))

        await #expect(throws: InboxError(.io, "cannot read the password file \(root)/none.txt")) {
            try await folder.setPassword(readingFirstLineOf: root + "/none.txt", for: "ana")
        }
    }
}
