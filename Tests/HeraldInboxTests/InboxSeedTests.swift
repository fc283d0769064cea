import Foundation
import Herald
import HeraldInbox
import HeraldTestSupport
import Testing

/// Seed files read as a library reads them: from real files, into a real SQLite inbox.
struct InboxSeedTests {
    /// A seed written to a temporary file; removed by the caller.
    private func seedFile(_ yaml: String) throws -> String {
        let path = TemporaryFiles.path("seed", "yml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func whatIsLeftOutTakesTheModelsDefaults() throws {
        let path = try seedFile("""
            agents:
              - {id: ana, name: Ana, email: ana@example.com}
              - {id: eva, name: Eva, email: eva@example.com, role: supervisor}
            campaigns:
              - id: billing
                name: Billing
                channels:
                  email: {from: billing@example.com}
                  whatsapp: {phoneNumberID: "106540352242922"}
                  phone: {dialRule: {prefix: "0"}}
                forms:
                  - id: survey
                    name: Survey
                    fields: [{id: comment}]
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let seed = try InboxSeed.load(from: path)
        #expect(seed.agents == [Agent(id: "ana", name: "Ana", email: "ana@example.com", role: .agent),
                                Agent(id: "eva", name: "Eva", email: "eva@example.com", role: .supervisor)])
        let billing = try #require(seed.campaigns.first)
        #expect(seed.campaigns.count == 1)
        #expect(billing.channels.enabled == [.email, .whatsapp, .phone])
        #expect(billing.channels.whatsapp == WhatsAppSender(phoneNumberID: "106540352242922", templates: []))
        #expect(billing.channels.phone?.dialRule == DialRule(prefix: "0", homeCountryCode: nil, nationalPrefix: "0"))
        #expect(billing.members.isEmpty && billing.categories.isEmpty && billing.countryCode == nil)
        #expect(billing.forms == [Form(id: "survey", name: "Survey", mandatory: false, fields: [Form.Field(id: "comment", label: "comment")])])
    }

    @Test func theDemoTeamAppliedTwiceLeavesTheSameInbox() async throws {
        let seed = try InboxSeed.load(from: ExternalEmailTools.repository.appendingPathComponent("Examples/inbox/demo-team.yml").path)
        #expect(seed.agents.map(\.id) == ["ana", "bruno", "carla", "dani"])
        #expect(seed.campaigns.map(\.id) == ["billing", "sales"])
        let path = TemporaryFiles.path("inbox", "sqlite")
        let store = try SQLiteInboxStore(path: path)
        try await seed.apply(to: store)
        let agents = try await store.agents()
        let campaigns = try await store.campaigns()
        #expect(Set(agents) == Set(seed.agents))
        #expect(campaigns.sorted { $0.id < $1.id } == seed.campaigns)
        try await seed.apply(to: store)
        #expect(try await store.agents() == agents)
        #expect(try await store.campaigns() == campaigns)
    }

    @Test func aBadSeedIsRefusedNamingTheFileAndThePlace() throws {
        let missingNumber = try seedFile("campaigns:\n  - {id: billing, name: Billing, channels: {sms: {}}}\n")
        defer { try? FileManager.default.removeItem(atPath: missingNumber) }
        #expect(throws: InboxError(.input, "\(missingNumber): campaigns[0].channels.sms.number is missing")) { try InboxSeed.load(from: missingNumber) }

        let badRole = try seedFile("agents:\n  - {id: ana, name: Ana, email: ana@example.com, role: boss}\n")
        defer { try? FileManager.default.removeItem(atPath: badRole) }
        #expect { try InboxSeed.load(from: badRole) } throws: { error in
            (error as? InboxError)?.category == .input && "\(error)".hasPrefix("\(badRole): agents[0].role: ")
        }

        // Broken YAML reaches the decoder as a DecodingError: named by file, as input.
        #expect { try InboxSeed(yaml: "agents: [unclosed", named: "team.yml") } throws: { error in
            (error as? InboxError)?.category == .input && "\(error)".hasPrefix("team.yml: ") && "\(error)".contains("not valid YAML")
        }

        let missing = TemporaryFiles.path("seed", "yml")
        #expect { try InboxSeed.load(from: missing) } throws: { error in
            (error as? InboxError)?.category == .io && "\(error)".hasPrefix("cannot read the seed file \(missing): ")
        }
    }
}
