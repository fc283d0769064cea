import Foundation
import Testing

/// Administration over HTTP: an administrator adds an agent with a password, a campaign and
/// memberships, and the agent's "New" button follows; API tokens made, listed and revoked.
@Suite(.serialized) struct AdminServerTests {
    @Test func anAdministratorBuildsACampaignForANewAgent() async throws {
        let server = try ServerProcess()
        // Checked before anything is stored: a short password adds nobody.
        let short = try await server.request("POST", "/api/v1/agents", as: "dani", json: ["id": "fran", "name": "Fran Gil", "email": "fran@example.com", "password": "short"])
        #expect(short.status == 422 && short.json["field"] as? String == "password")
        #expect(try await server.request("GET", "/api/v1/agents", as: "dani").list.contains { $0["id"] as? String == "fran" } == false)
        let added = try await server.request("POST", "/api/v1/agents", as: "dani",
                                             json: ["id": "fran", "name": "Fran Gil", "email": "fran@example.com", "password": "fran's long password"])
        #expect(added.status == 201 && added.json["role"] as? String == "agent" && added.json["password"] == nil, "\(added.text)")
        let again = try await server.request("POST", "/api/v1/agents", as: "dani", json: ["id": "fran", "name": "Fran", "email": "fran2@example.com"])
        #expect(again.status == 409)
        let taken = try await server.request("POST", "/api/v1/agents", as: "dani", json: ["id": "fran2", "name": "Fran", "email": "ANA@example.com"])
        #expect(taken.status == 409 && taken.json["field"] as? String == "email")

        let signedIn = try await server.request("POST", "/api/v1/session", as: nil, json: ["email": "fran@example.com", "password": "fran's long password"])
        #expect(signedIn.status == 200)
        let cookie = try #require(signedIn.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        // No campaign yet: nothing to start.
        #expect(try await server.request("GET", "/api/v1/start-options", as: nil, headers: ["Cookie": cookie]).list.isEmpty)

        let legal: [String: Any] = ["id": "legal", "name": "Legal", "channels": ["email": ["from": "Legal <legal@example.com>"]],
                                    "members": ["fran"], "categories": ["Done"]]
        let mismatch = try await server.request("PUT", "/api/v1/campaigns/other", as: "dani", json: legal)
        #expect(mismatch.status == 422 && mismatch.json["field"] as? String == "id")
        #expect(try await server.request("PUT", "/api/v1/campaigns/legal", as: "dani", json: legal).status == 201)
        #expect(try await server.request("PUT", "/api/v1/campaigns/legal", as: "dani", json: legal).status == 200)
        let options = try await server.request("GET", "/api/v1/start-options", as: nil, headers: ["Cookie": cookie]).list
        #expect(options.map { $0["channel"] as? String } == ["email"])
        #expect((options.first?["campaigns"] as? [[String: Any]])?.map { $0["id"] as? String } == ["legal"])
        // Ana sees her colleagues, not Fran; Fran sees only Legal.
        #expect(try await server.request("GET", "/api/v1/agents", as: "ana").list.compactMap { $0["id"] as? String } == ["ana", "bruno", "carla"])
        #expect(try await server.request("GET", "/api/v1/campaigns", as: nil, headers: ["Cookie": cookie]).list.compactMap { $0["id"] as? String } == ["legal"])
        #expect(try await server.request("GET", "/api/v1/campaigns/billing", as: nil, headers: ["Cookie": cookie]).status == 404)

        let removed = try await server.request("DELETE", "/api/v1/campaigns/legal/members/fran", as: "dani")
        #expect(removed.status == 200 && (removed.json["members"] as? [String]) == [])
        #expect(try await server.request("GET", "/api/v1/start-options", as: nil, headers: ["Cookie": cookie]).list.isEmpty)
        let notMember = try await server.request("DELETE", "/api/v1/campaigns/legal/members/fran", as: "dani")
        #expect(notMember.status == 404 && (notMember.json["detail"] as? String)?.contains("is not a member of legal") == true)
        #expect(try await server.request("PUT", "/api/v1/campaigns/legal/members/zoe", as: "dani").status == 404)
    }

    @Test func tokensAreMadeListedWithoutSecretsAndRevoked() async throws {
        let server = try ServerProcess()
        let made = try await server.request("POST", "/api/v1/tokens", as: "ana", json: ["label": "the CRM"])
        #expect(made.status == 201 && made.json["agent"] as? String == "ana")
        let token = try #require(made.json["token"] as? String)
        let id = try #require(made.json["id"] as? String)
        #expect(token.hasPrefix("herald_\(id)_"))
        let listed = try await server.request("GET", "/api/v1/tokens", as: "ana")
        #expect(listed.list.contains { $0["id"] as? String == id && $0["label"] as? String == "the CRM" })
        #expect(!listed.text.contains(String(token.split(separator: "_").last ?? "")) && !listed.text.contains("secretHash"))
        // The new token works; another agent cannot revoke it (not found); Ana can.
        #expect(try await server.request("GET", "/api/v1/me", as: token).json["id"] as? String == "ana")
        #expect(try await server.request("DELETE", "/api/v1/tokens/\(id)", as: "bruno").status == 404)
        #expect(try await server.request("DELETE", "/api/v1/tokens/\(id)", as: "ana").status == 204)
        #expect(try await server.request("GET", "/api/v1/me", as: token).status == 401)
        let revoked = try await server.request("GET", "/api/v1/tokens", as: "ana").list.first { $0["id"] as? String == id }
        #expect(revoked?["revokedAt"] as? String != nil)
    }
}
