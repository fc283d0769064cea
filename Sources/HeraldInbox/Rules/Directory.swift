/// The agents and campaigns the rules read: whoever applies a command gives the ones it
/// concerns (the actor's campaigns, the interaction's, a transfer's target).
public struct Directory: Sendable, Equatable {
    public var agents: [String: Agent]
    public var campaigns: [String: Campaign]

    public init(agents: [Agent] = [], campaigns: [Campaign] = []) {
        self.agents = Dictionary(agents.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.campaigns = Dictionary(campaigns.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func agent(_ id: String) -> Agent? { agents[id] }
    public func campaign(_ id: String) -> Campaign? { campaigns[id] }

    /// The campaigns `agentID` is a member of, by name.
    public func campaigns(of agentID: String) -> [Campaign] {
        campaigns.values.filter { $0.hasMember(agentID) }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    /// An agent as people know them, for messages ("Ana Ruiz"); the ID when unknown.
    func name(of agentID: String?) -> String {
        guard let agentID else { return "nobody" }
        return agents[agentID]?.name ?? agentID
    }
}
