import HeraldChannels

/// Who may see and do what, as functions of the agent, the interaction and the directory (the
/// state machine and the server ask the same ones):
///
/// - an agent sees and works only on interactions of campaigns they are a member of; any other
///   is "not found", exactly like one that does not exist, so existence is never revealed;
/// - a supervisor (and an administrator) also sees the work of their campaigns' agents — an
///   interaction assigned to an agent who shares a campaign with them, in whichever campaign
///   it is — and may transfer the interactions of campaigns they are a member of;
/// - an administrator manages agents, campaigns, categories and forms.
public enum Authorization {
    public static func isMember(_ actor: Agent, of campaign: Campaign) -> Bool {
        campaign.hasMember(actor.id)
    }

    /// Supervisors and administrators: their campaigns' agents' work, and transfers.
    public static func supervises(_ actor: Agent) -> Bool {
        actor.role == .supervisor || actor.role == .administrator
    }

    public static func canSee(_ interaction: Interaction, actor: Agent, in directory: Directory) -> Bool {
        canSee(campaign: interaction.campaign, assignee: interaction.assignee, actor: actor, in: directory)
    }

    /// The same rule for a tab's summary (a customer's other interactions).
    public static func canSee(_ summary: Interaction.Summary, actor: Agent, in directory: Directory) -> Bool {
        canSee(campaign: summary.campaign, assignee: summary.assignee, actor: actor, in: directory)
    }

    private static func canSee(campaign campaignID: String, assignee: String?, actor: Agent, in directory: Directory) -> Bool {
        guard let campaign = directory.campaign(campaignID) else { return false }
        if campaign.hasMember(actor.id) { return true }
        guard supervises(actor), let assignee else { return false }
        return directory.campaigns.values.contains { $0.hasMember(actor.id) && $0.hasMember(assignee) }
    }

    /// The interaction's campaign, or "no interaction ID" when the actor may not see it.
    public static func requireVisible(_ interaction: Interaction, actor: Agent, in directory: Directory) throws -> Campaign {
        guard canSee(interaction, actor: actor, in: directory), let campaign = directory.campaign(interaction.campaign) else {
            throw InboxError.noInteraction(interaction.id)
        }
        return campaign
    }

    /// A campaign the actor may start in, take from or list: only a member's (any other is "not
    /// found").
    public static func requireMember(_ actor: Agent, of campaignID: String, in directory: Directory) throws -> Campaign {
        guard let campaign = directory.campaign(campaignID), campaign.hasMember(actor.id) else { throw InboxError.noCampaign(campaignID) }
        return campaign
    }

    public static func canManage(_ actor: Agent) -> Bool { actor.role == .administrator }

    /// Refuses a change to agents, campaigns, categories or forms by anyone but an
    /// administrator; `doing` says what ("add agents").
    public static func requireAdministrator(_ actor: Agent, to doing: String) throws {
        guard canManage(actor) else {
            throw InboxError(.unauthorized, "only an administrator can \(doing); \(actor.name) is \(actor.role == .agent ? "an agent" : "a supervisor")")
        }
    }

    /// What the "New" button offers: each channel enabled in a campaign the actor is a member
    /// of, with those campaigns (by name).
    public static func startOptions(for actor: Agent, in directory: Directory) -> [(channel: ChannelID, campaigns: [Campaign])] {
        let mine = directory.campaigns(of: actor.id)
        return ChannelID.allCases.compactMap { channel in
            let campaigns = mine.filter { $0.channels.isEnabled(channel) }
            return campaigns.isEmpty ? nil : (channel, campaigns)
        }
    }
}
