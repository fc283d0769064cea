import Foundation

// What the inbox's values say to a person: the lines `herald inbox` prints about them, one
// tab-separated line per agent, campaign or token so that scripts can cut them into fields.

extension Agent {
    /// ID, role, then the name and email as a mail client writes them: "ana  agent  Ana <ana@…>".
    public var listLine: String { "\(id)\t\(role.rawValue)\t\(name) <\(email)>" }
}

extension Campaign {
    /// ID, name, the enabled channels and the members, each list comma-separated.
    public var listLine: String {
        "\(id)\t\(name)\t\(channels.enabled.map(\.rawValue).joined(separator: ","))\tmembers: \(members.joined(separator: ","))"
    }
}

extension APIToken {
    /// ID, agent, when it was made, "active" or when it was revoked (ISO 8601, UTC), label —
    /// never the secret, which is not kept.
    public var listLine: String {
        let formatter = ISO8601DateFormatter()
        let state = revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "active"
        return "\(id)\t\(agent)\t\(formatter.string(from: createdAt))\t\(state)\t\(label ?? "")"
    }

    /// What to tell whoever made the token, beside the token itself: it cannot be shown again.
    public var issuedNote: String {
        "token \(id) for agent \(agent); it is shown once, keep it (herald inbox token revoke \(id) ends it)"
    }
}

extension InboxSeed {
    /// "4 agents and 2 campaigns": what loading the seed adds or replaces.
    public var contents: String {
        "\(agents.count) agent\(agents.count == 1 ? "" : "s") and \(campaigns.count) campaign\(campaigns.count == 1 ? "" : "s")"
    }
}
