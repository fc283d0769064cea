import Foundation
import HeraldDelivery

/// Password sign-in for the web inbox: passwords set and checked (`PasswordHash`, scrypt),
/// sessions opened, found by their cookie and ended. The server turns a session into an
/// HttpOnly cookie and asks for its CSRF token on every request that changes something.
///
/// scrypt takes tens of milliseconds of one core: it runs on Dispatch's pool, never on the
/// cooperative threads that serve every other request.
public struct SignIn: Sendable {
    public let store: any InboxStore
    public var cost: PasswordHash.Cost
    public var lifetime: TimeInterval
    public var clock: @Sendable () -> Date
    public var ids: IDGenerator

    public init(store: any InboxStore, cost: PasswordHash.Cost = .standard, lifetime: TimeInterval = Session.lifetime,
                clock: @escaping @Sendable () -> Date = { Date() }, ids: IDGenerator = .random) {
        self.store = store
        self.cost = cost
        self.lifetime = lifetime
        self.clock = clock
        self.ids = ids
    }

    /// Sets (or, with nil, removes) the agent's password; every session of theirs ends.
    public func setPassword(_ password: String?, for agentID: String) async throws {
        guard try await store.agent(agentID) != nil else { throw InboxError(.notFound, "no agent \(agentID)", field: "agent") }
        var encoded: String?
        if let password {
            let cost = self.cost
            encoded = try await Blocking.run { try PasswordHash.make(password, cost: cost) }.encoded
        }
        try await store.setPassword(encoded, for: agentID, at: clock())
    }

    /// Whether `password` is the agent's (false when they have none).
    public func check(_ password: String, of agentID: String) async throws -> Bool {
        guard let stored = try await store.passwordHash(of: agentID).flatMap(PasswordHash.init(stored:)) else { return false }
        return await Blocking.run { stored.admits(password) }
    }

    /// Opens a session for the agent who signs in with `email` and `password`: the cookie value
    /// (given once) and the session. Nil for every refusal alike — an unknown email, an agent
    /// without a password, a wrong password — after the same work, so neither the answer nor its
    /// time tells which emails belong to agents. A password hashed at a lower cost than today's
    /// is rehashed on the way.
    public func signIn(email: String, password: String) async throws -> (cookie: String, session: Session)? {
        let cost = self.cost
        guard password.utf8.count <= 1024, let agent = try await store.agent(email: email),
              let stored = try await store.passwordHash(of: agent.id).flatMap(PasswordHash.init(stored:)) else {
            await Blocking.run { PasswordHash.spendOneCheck(cost: cost) }
            return nil
        }
        guard await Blocking.run({ stored.admits(password) }) else { return nil }
        if stored.isWeaker(than: cost), let stronger = try? await Blocking.run({ try PasswordHash.make(password, cost: cost) }) {
            try await store.setPassword(stronger.encoded, for: agent.id, at: clock())
        }
        let issued = Session.issue(for: agent.id, at: clock(), lifetime: lifetime, ids: ids)
        try await store.save(issued.record)
        return (issued.cookie, issued.record)
    }

    /// The open session a cookie value names; nil when it is malformed, unknown, ended, expired,
    /// or its agent is gone.
    public func session(cookie: String) async throws -> Session? {
        guard let presented = Session.parse(cookie: cookie), let session = try await store.session(presented.id),
              session.admits(secret: presented.secret, at: clock()), try await store.agent(session.agent) != nil else { return nil }
        return session
    }

    /// Ends a session (signing out).
    public func signOut(_ sessionID: String) async throws {
        _ = try await store.revokeSession(sessionID, at: clock())
    }
}
