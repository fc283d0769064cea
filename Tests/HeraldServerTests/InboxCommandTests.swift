import Foundation
import HeraldInbox
import Testing

/// `herald inbox`: administration from the CLI, as scripts use it.
struct InboxCommandTests {
    @Test func theDemoTeamLoadsAndLoadingItAgainChangesNothing() throws {
        let directory = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let seed = Herald.repository.appendingPathComponent("Examples/inbox/demo-team.yml").path
        let first = try Herald.run(["inbox", "load", seed, "--data", "d"], in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "loaded 4 agents and 2 campaigns into d/inbox.sqlite\n")
        let agents = try Herald.run(["inbox", "agent", "list", "--data", "d"], in: directory).stdout
        let campaigns = try Herald.run(["inbox", "campaign", "list", "--data", "d"], in: directory).stdout
        let again = try Herald.run(["inbox", "load", seed, "--data", "d"], in: directory)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Herald.run(["inbox", "agent", "list", "--data", "d"], in: directory).stdout == agents)
        #expect(try Herald.run(["inbox", "campaign", "list", "--data", "d"], in: directory).stdout == campaigns)
        #expect(agents.split(separator: "\n").count == 4)
        #expect(campaigns.contains("billing\tBilling\temail,sms,whatsapp,phone\tmembers: ana,bruno,carla"))
    }

    @Test func agentsCampaignsMembersAndTokensFromTheCommandLine() async throws {
        let directory = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func herald(_ arguments: String...) throws -> Herald.Result { try Herald.run(arguments + ["--data", "d"], in: directory) }
        #expect(try herald("inbox", "agent", "add", "ana", "--name", "Ana Ruiz", "--email", "ana@example.com").status == 0)
        #expect(try herald("inbox", "agent", "add", "eva", "--name", "Eva", "--email", "eva@example.com", "--role", "supervisor").status == 0)
        let badRole = try herald("inbox", "agent", "add", "x", "--name", "X", "--email", "x@example.com", "--role", "boss")
        #expect(badRole.status == 64)
        #expect(badRole.stderr.hasPrefix("error: --role takes agent, supervisor or administrator"))
        let badEmail = try herald("inbox", "agent", "add", "y", "--name", "Y", "--email", "not an address")
        #expect(badEmail.status == 65)
        #expect(try herald("inbox", "campaign", "add", "billing", "--name", "Billing", "--email-from", "billing@example.com",
                           "--category", "Resolved", "--category", "Refund").status == 0)
        #expect(try herald("inbox", "member", "add", "billing", "ana").status == 0)
        #expect(try herald("inbox", "member", "add", "billing", "ana").status == 0)
        let noAgent = try herald("inbox", "member", "add", "billing", "nobody")
        #expect(noAgent.status == 65)
        #expect(noAgent.stderr.contains("there is no agent nobody"))
        #expect(try herald("inbox", "campaign", "list").stdout == "billing\tBilling\temail\tmembers: ana\n")

        let made = try herald("inbox", "token", "create", "--agent", "ana", "--label", "crm")
        #expect(made.status == 0)
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("herald_") && token.count > 40)
        let listed = try herald("inbox", "token", "list").stdout
        #expect(listed.contains("\tana\t") && listed.contains("\tactive\tcrm"))
        #expect(!listed.contains(token.split(separator: "_").last!), "a listing never shows a secret")
        #expect(try herald("inbox", "token", "create", "--agent", "nobody").status == 65)
        #expect(try herald("inbox", "token", "revoke", token).status == 0)
        #expect(try herald("inbox", "token", "list").stdout.contains("\trevoked "))
        #expect(try herald("inbox", "token", "revoke", "toknothing").status == 65)

        // Changing a campaign keeps what is not given: its channel, its categories, its members.
        #expect(try herald("inbox", "campaign", "add", "billing", "--name", "Billing desk", "--category", "Escalated").status == 0)
        #expect(try herald("inbox", "campaign", "list").stdout == "billing\tBilling desk\temail\tmembers: ana\n")
        let store = try SQLiteInboxStore(path: directory.appendingPathComponent("d/inbox.sqlite").path, create: false)
        let billing = try #require(try await store.campaign("billing"))
        #expect(billing.categories == ["Resolved", "Refund", "Escalated"])
        let notMember = try herald("inbox", "member", "remove", "billing", "eva")
        #expect(notMember.status == 65 && notMember.stderr == "error: eva is not a member of billing; its members: ana\n")
    }

    /// What only reads or changes an inbox never makes one where a typo in --data points.
    @Test func readingAndChangingCommandsNeedAnExistingInbox() throws {
        let directory = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in [["agent", "list"], ["campaign", "list"], ["member", "add", "billing", "ana"], ["member", "remove", "billing", "ana"],
                        ["token", "create", "--agent", "ana"], ["token", "revoke", "tok1"], ["token", "list"]] {
            let result = try Herald.run(["inbox"] + command + ["--data", "typo"], in: directory)
            #expect(result.status == 74, "\(command)")
            #expect(result.stderr == "error: there is no inbox at typo/inbox.sqlite (herald inbox load FILE.yml or herald inbox agent add makes one; check --data)\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func demoAgentsSignInWithTheSeedsPasswordAndSetPasswordReadsAFileOrStandardInput() async throws {
        let directory = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("d")
        let seed = Herald.repository.appendingPathComponent("Examples/inbox/demo-team.yml").path
        #expect(try Herald.run(["inbox", "load", seed, "--data", data.path], in: directory).status == 0)
        let store = try SQLiteInboxStore(folder: data.path, create: false)
        let before = try #require(try await store.passwordHash(of: "ana"))
        #expect(try await SignIn(store: store).check("herald demo password", of: "ana"))
        // Loading again keeps the password in force (and so every session).
        #expect(try Herald.run(["inbox", "load", seed, "--data", data.path], in: directory).status == 0)
        #expect(try await store.passwordHash(of: "ana") == before)

        let file = directory.appendingPathComponent("password.txt")
        try Data("ana's own new password\nignored second line\n".utf8).write(to: file)
        let set = try Herald.run(["inbox", "agent", "password", "ana", "--password-file", file.path, "--data", data.path], in: directory)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout == "agent ana signs in with the new password; their sessions have ended\n")
        #expect(try await SignIn(store: store).check("ana's own new password", of: "ana"))
        #expect(try await SignIn(store: store).check("herald demo password", of: "ana") == false)
        // Standard input (here: empty) is read when no file is given; too short a password is refused, nothing changes.
        let short = try Herald.run(["inbox", "agent", "password", "ana", "--data", data.path], in: directory)
        #expect(short.status == 65 && short.stderr.contains("use at least 12"), "\(short.stderr)")
        #expect(try await SignIn(store: store).check("ana's own new password", of: "ana"))
        let nobody = try Herald.run(["inbox", "agent", "password", "zoe", "--password-file", file.path, "--data", data.path], in: directory)
        #expect(nobody.status == 65 && nobody.stderr.contains("no agent zoe"), "\(nobody.stderr)")
    }
}
