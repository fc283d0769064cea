import Foundation
import HeraldInbox
import Hummingbird

/// The directory over HTTP: colleagues and campaigns for everyone (what the transfer dialog and
/// the category and form pickers need), and for administrators adding and changing agents,
/// campaigns (channels, categories, forms, dial rule) and members; passwords; API tokens.
/// Every rule is the `Inbox`'s (`InboxAdministration`) — a refused change is 403 for a
/// non-administrator, a campaign one may not see is 404.
struct AdminRoutes {
    let inbox: Inbox
    let signIn: SignIn
    let bodies: JSONBodies

    struct NewAgent: Decodable {
        var id: String
        var name: String
        var email: String
        var role: Agent.Role?
        var password: String?
    }

    struct AgentChange: Decodable {
        var name: String
        var email: String
        var role: Agent.Role
    }

    struct PasswordChange: Decodable {
        var password: String
        var currentPassword: String?
    }

    /// A campaign as an administrator sends it: what is left out is empty (no channels, members,
    /// categories or forms); the ID is the path's.
    struct CampaignBody: Decodable {
        var id: String?
        var name: String
        var channels: CampaignChannels?
        var members: [String]?
        var categories: [String]?
        var forms: [Form]?
        var countryCode: String?

        func campaign(id path: String) throws -> Campaign {
            if let id, id != path { throw Problem(.input, "the body's id is \(id) and the path's \(path); they must be the same", field: "id") }
            return Campaign(id: path, name: name, channels: channels ?? CampaignChannels(), members: members ?? [], categories: categories ?? [],
                            forms: forms ?? [], countryCode: countryCode)
        }
    }

    struct NewToken: Decodable {
        var agent: String?
        var label: String?
    }

    /// A token as listed: never its secret or hash.
    struct TokenView: Codable {
        var id: String
        var agent: String
        var label: String?
        var createdAt: Date
        var revokedAt: Date?

        init(_ token: APIToken) {
            (id, agent, label, createdAt, revokedAt) = (token.id, token.agent, token.label, token.createdAt, token.revokedAt)
        }
    }

    /// A new token: the only time its text is shown.
    struct IssuedToken: Codable {
        var token: String
        var id: String
        var agent: String
        var label: String?
        var createdAt: Date
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.get("/agents") { _, context in try JSON.response(try await inbox.agents(visibleTo: context.requireAgent())) }
        api.post("/agents") { request, context in
            try await requireAdministrator(context, to: "manage agents")
            let body = try await bodies.decode(NewAgent.self, request)
            let agent = Agent(id: body.id, name: body.name, email: body.email, role: body.role ?? .agent)
            // Everything is checked before the agent is stored: a refused password adds nobody.
            try agent.validate()
            if let password = body.password {
                do { try PasswordHash.check(password) } catch let error as InboxError { throw Problem(error.category, error.message, field: "password") }
            }
            try await inbox.add(agent, by: context.requireAgent())
            if let password = body.password { try await signIn.setPassword(password, for: agent.id) }
            return try JSON.response(agent, status: .created)
        }
        api.put("/agents/{id}") { request, context in
            try await requireAdministrator(context, to: "manage agents")
            let body = try await bodies.decode(AgentChange.self, request)
            let id = try context.parameters.require("id")
            let administrator = try context.requireAgent()
            guard try await inbox.agents(visibleTo: administrator).contains(where: { $0.id == id }) else {
                throw InboxError(.notFound, "no agent \(id)")
            }
            let agent = Agent(id: id, name: body.name, email: body.email, role: body.role)
            try await inbox.save(agent, by: administrator)
            return try JSON.response(agent)
        }
        api.put("/agents/{id}/password") { request, context in
            let body = try await bodies.decode(PasswordChange.self, request)
            let id = try context.parameters.require("id")
            let caller = try context.requireAgent()
            try await checkMayChangePassword(of: id, by: caller, current: body.currentPassword)
            try await signIn.setPassword(body.password, for: id)
            return Response(status: .noContent)
        }
        api.get("/campaigns") { _, context in try JSON.response(try await inbox.campaigns(visibleTo: context.requireAgent())) }
        api.get("/campaigns/{id}") { _, context in
            try JSON.response(try await inbox.campaign(context.parameters.require("id"), for: context.requireAgent()))
        }
        api.put("/campaigns/{id}") { request, context in
            try await requireAdministrator(context, to: "manage campaigns, their categories and forms")
            let id = try context.parameters.require("id")
            let campaign = try await bodies.decode(CampaignBody.self, request).campaign(id: id)
            let existed = try await inbox.store.campaign(id) != nil
            try await inbox.save(campaign, by: context.requireAgent())
            return try JSON.response(campaign, status: existed ? .ok : .created)
        }
        api.put("/campaigns/{id}/members/{agent}") { _, context in
            try JSON.response(try await inbox.addMember(context.parameters.require("agent"), to: context.parameters.require("id"),
                                                        by: context.requireAgent()))
        }
        api.delete("/campaigns/{id}/members/{agent}") { _, context in
            try JSON.response(try await inbox.removeMember(context.parameters.require("agent"), from: context.parameters.require("id"),
                                                           by: context.requireAgent()))
        }
        api.get("/tokens") { request, context in
            let caller = try context.requireAgent()
            let of = request.uri.queryParameters.get("agent") ?? caller
            try await checkMayManageTokens(of: of, by: caller)
            return try JSON.response(try await inbox.store.tokens(of: of).map(TokenView.init))
        }
        api.post("/tokens") { request, context in
            let body = try await bodies.decode(NewToken.self, request)
            let caller = try context.requireAgent()
            let agent = body.agent ?? caller
            try await checkMayManageTokens(of: agent, by: caller)
            let issued = APIToken.issue(for: agent, label: body.label, at: inbox.clock())
            try await inbox.store.save(issued.record)
            return try JSON.response(IssuedToken(token: issued.token, id: issued.record.id, agent: agent, label: body.label,
                                                 createdAt: issued.record.createdAt), status: .created)
        }
        api.delete("/tokens/{id}") { _, context in
            let id = try context.parameters.require("id")
            let caller = try context.requireAgent()
            guard let token = try await inbox.store.token(id), try await mayManageTokens(of: token.agent, by: caller) else {
                throw InboxError(.notFound, "no token \(id) of yours")
            }
            _ = try await inbox.store.revokeToken(id, at: inbox.clock())
            return Response(status: .noContent)
        }
    }

    /// Refuses a non-administrator before their request's body is read: what they sent does not
    /// matter, and a 422 about it would say more than "not allowed".
    private func requireAdministrator(_ context: ServerContext, to doing: String) async throws {
        guard let actor = try await inbox.store.agent(context.requireAgent()) else { throw Problem.unauthenticated("the signed-in agent is gone") }
        try Authorization.requireAdministrator(actor, to: doing)
    }

    /// An agent changes their own password (giving the current one); an administrator anyone's.
    private func checkMayChangePassword(of id: String, by caller: String, current: String?) async throws {
        guard let actor = try await inbox.store.agent(caller) else { throw Problem.unauthenticated("the signed-in agent is gone") }
        if Authorization.canManage(actor) {
            guard try await inbox.store.agent(id) != nil else { throw InboxError(.notFound, "no agent \(id)") }
            return
        }
        guard id == caller else {
            throw InboxError(.unauthorized, "only an administrator can set another agent's password")
        }
        let hasPassword = try await inbox.store.passwordHash(of: id) != nil
        let currentIsRight = hasPassword ? try await signIn.check(current ?? "", of: id) : true
        guard currentIsRight else {
            throw Problem(.unauthorized, "give your current password (currentPassword) to change it; the one given is not right", field: "currentPassword")
        }
    }

    private func mayManageTokens(of agent: String, by caller: String) async throws -> Bool {
        guard agent != caller else { return true }
        guard let actor = try await inbox.store.agent(caller) else { return false }
        return Authorization.canManage(actor)
    }

    private func checkMayManageTokens(of agent: String, by caller: String) async throws {
        guard try await mayManageTokens(of: agent, by: caller) else {
            throw InboxError(.unauthorized, "only an administrator manages another agent's tokens")
        }
        guard try await inbox.store.agent(agent) != nil else { throw InboxError(.notFound, "no agent \(agent)", field: "agent") }
    }
}
