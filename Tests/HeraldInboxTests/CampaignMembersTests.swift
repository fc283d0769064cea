import Foundation
import HeraldInbox
import Testing

/// Membership changed one agent at a time (`herald inbox member add|remove`).
struct CampaignMembersTests {
    @Test func addingTwiceAddsOnceAndRemovingANonMemberIsRefused() throws {
        var billing = Campaign(id: "billing", name: "Billing", members: ["ana"])
        billing.addMember("bruno")
        billing.addMember("bruno")
        billing.addMember("ana")
        #expect(billing.members == ["ana", "bruno"])
        try billing.removeMember("ana")
        #expect(billing.members == ["bruno"])
        #expect(throws: InboxError(.input, "eva is not a member of billing; its members: bruno", field: "members")) { try billing.removeMember("eva") }
        #expect(billing.members == ["bruno"])
    }
}
