import Foundation
import Herald
import HeraldInbox
import Testing

/// The lines `herald inbox … list` prints, tab-separated for scripts.
struct InboxReportsTests {
    @Test func anAgentsLineIsIDRoleAndAddress() {
        let agent = Agent(id: "ana", name: "Ana Pérez", email: "ana@example.com", role: .supervisor)
        #expect(agent.listLine == "ana\tsupervisor\tAna Pérez <ana@example.com>")
    }

    @Test func aCampaignsLineListsItsChannelsAndMembers() {
        var campaign = CampaignEdit(name: "Sales", emailFrom: "sales@example.com", phone: true).applied(to: Campaign(id: "sales", name: "Sales"))
        campaign.addMember("ana")
        campaign.addMember("bruno")
        #expect(campaign.listLine == "sales\tSales\temail,phone\tmembers: ana,bruno")
        #expect(Campaign(id: "empty", name: "Empty").listLine == "empty\tEmpty\t\tmembers: ")
    }

    @Test func aTokensLineNeverHoldsItsSecret() {
        let (secret, token) = APIToken.issue(for: "ana", label: "crm", at: Date(timeIntervalSince1970: 1_764_460_800))
        #expect(token.listLine == "\(token.id)\tana\t2025-11-30T00:00:00Z\tactive\tcrm")
        #expect(!token.listLine.contains(secret))
        var revoked = token
        revoked.revokedAt = Date(timeIntervalSince1970: 1_764_464_400)
        revoked.label = nil
        #expect(revoked.listLine == "\(token.id)\tana\t2025-11-30T00:00:00Z\trevoked 2025-11-30T01:00:00Z\t")
        #expect(token.issuedNote == "token \(token.id) for agent ana; it is shown once, keep it (herald inbox token revoke \(token.id) ends it)")
    }

    @Test func aSeedsContentsCountAgentsAndCampaigns() {
        let one = InboxSeed(agents: [Agent(id: "ana", name: "Ana", email: "ana@example.com")], campaigns: [])
        #expect(one.contents == "1 agent and 0 campaigns")
    }
}
