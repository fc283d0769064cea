import Foundation

/// The directory as people see and manage it: who their colleagues are, which campaigns they
/// work in, and — for administrators — adding and changing agents, campaigns (channels,
/// categories, forms) and memberships. The server's /agents and /campaigns routes and
/// `herald inbox` call these.
///
/// Seeing: an administrator sees every agent and campaign; anyone else sees the campaigns they
/// are a member of and the agents who share one with them (whom they can transfer to). A
/// campaign one may not see is "not found", as interactions are.
extension Inbox {
    /// The agents `viewerID` may see, by ID.
    public func agents(visibleTo viewerID: String) async throws -> [Agent] {
        let viewer = try await agent(viewerID)
        if Authorization.canManage(viewer) { return try await store.agents() }
        let colleagues = Set(try await store.campaigns(ofMember: viewer.id).flatMap(\.members)).union([viewer.id])
        return try await store.agents().filter { colleagues.contains($0.id) }
    }

    /// The campaigns `viewerID` may see, by ID.
    public func campaigns(visibleTo viewerID: String) async throws -> [Campaign] {
        let viewer = try await agent(viewerID)
        return Authorization.canManage(viewer) ? try await store.campaigns() : try await store.campaigns(ofMember: viewer.id)
    }

    /// A campaign its member (or an administrator) asks for.
    public func campaign(_ id: String, for viewerID: String) async throws -> Campaign {
        let viewer = try await agent(viewerID)
        guard let campaign = try await store.campaign(id), Authorization.canManage(viewer) || campaign.hasMember(viewer.id) else {
            throw InboxError.noCampaign(id)
        }
        return campaign
    }

    /// Adds a new agent; an ID in use is a conflict (`save` replaces).
    public func add(_ agent: Agent, by administratorID: String) async throws {
        try Authorization.requireAdministrator(try await self.agent(administratorID), to: "manage agents")
        guard try await store.agent(agent.id) == nil else {
            throw InboxError(.conflict, "there is an agent \(agent.id) already; change it instead of adding it", field: "id")
        }
        try await store.save(agent)
    }

    /// Adds or replaces an agent; only an administrator may.
    public func save(_ agent: Agent, by administratorID: String) async throws {
        try Authorization.requireAdministrator(try await self.agent(administratorID), to: "manage agents")
        try await store.save(agent)
    }

    /// Adds or replaces a campaign (its channels, members, categories and forms); only an
    /// administrator may.
    public func save(_ campaign: Campaign, by administratorID: String) async throws {
        try Authorization.requireAdministrator(try await agent(administratorID), to: "manage campaigns, their categories and forms")
        try await store.save(campaign)
    }

    /// Makes `agentID` a member of the campaign (already one: nothing changes).
    public func addMember(_ agentID: String, to campaignID: String, by administratorID: String) async throws -> Campaign {
        try Authorization.requireAdministrator(try await agent(administratorID), to: "change a campaign's members")
        guard var campaign = try await store.campaign(campaignID) else { throw InboxError.noCampaign(campaignID) }
        guard try await store.agent(agentID) != nil else { throw InboxError(.notFound, "no agent \(agentID)", field: "agent") }
        guard !campaign.hasMember(agentID) else { return campaign }
        campaign.members.append(agentID)
        try await store.save(campaign)
        return campaign
    }

    /// Ends `agentID`'s membership of the campaign; not a member: `.notFound`, naming the
    /// members. (Interactions they have stay theirs until transferred.)
    public func removeMember(_ agentID: String, from campaignID: String, by administratorID: String) async throws -> Campaign {
        try Authorization.requireAdministrator(try await agent(administratorID), to: "change a campaign's members")
        guard var campaign = try await store.campaign(campaignID) else { throw InboxError.noCampaign(campaignID) }
        guard campaign.hasMember(agentID) else {
            throw InboxError(.notFound, "\(agentID) is not a member of \(campaignID) (its members: \(campaign.members.joined(separator: ", ")))",
                             field: "agent")
        }
        campaign.members.removeAll { $0 == agentID }
        try await store.save(campaign)
        return campaign
    }
}

/// Where an interaction can be transferred: the other members of its campaign, and every other
/// campaign (by name: a transfer may leave the agent's own campaigns).
public struct TransferTargets: Codable, Sendable, Equatable {
    public struct Place: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
    }

    public var agents: [Place]
    public var campaigns: [Place]
}

extension Inbox {
    /// The transfer dialog's choices for an interaction the agent may see.
    public func transferTargets(of interactionID: String, for agentID: String) async throws -> TransferTargets {
        let shown = try await interaction(interactionID, for: agentID)
        guard let campaign = try await store.campaign(shown.campaign) else { throw InboxError.noCampaign(shown.campaign) }
        let agents = try await store.agents().filter { campaign.hasMember($0.id) && $0.id != shown.assignee }
        let campaigns = try await store.campaigns().filter { $0.id != campaign.id }
        return TransferTargets(agents: agents.map { .init(id: $0.id, name: $0.name) }, campaigns: campaigns.map { .init(id: $0.id, name: $0.name) })
    }
}
