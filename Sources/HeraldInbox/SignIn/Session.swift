import Foundation

/// A signed-in browser: what a successful password sign-in makes. The browser holds
/// `ID.SECRET` in an HttpOnly cookie; the store holds only the secret's SHA-256, like an API
/// token's. The CSRF token is given to the page (not in a cookie) and must come back in a header
/// with every request that changes something: a page of another site can make the browser send
/// the cookie, but cannot read the token.
public struct Session: Codable, Sendable, Equatable {
    public var id: String
    public var agent: String
    public var secretHash: String
    public var csrfToken: String
    public var createdAt: Date
    /// A session ends at a fixed time after sign-in (a shift), not when idle.
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(id: String, agent: String, secretHash: String, csrfToken: String, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.agent = agent
        self.secretHash = secretHash
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// How long a session lasts: 12 hours, a long shift.
    public static let lifetime: TimeInterval = 12 * 3600

    /// A new session for `agent`: the record to store and the cookie value to give the browser
    /// once.
    public static func issue(for agent: String, at now: Date, lifetime: TimeInterval = Session.lifetime,
                             ids: IDGenerator = .random) -> (cookie: String, record: Session) {
        let id = ids.next("ses").replacingOccurrences(of: "_", with: "")
        let secret = Secret.random()
        let record = Session(id: id, agent: agent, secretHash: Secret.hash(secret), csrfToken: Secret.random(), createdAt: now,
                             expiresAt: now.addingTimeInterval(lifetime))
        return ("\(id).\(secret)", record)
    }

    /// The ID and secret of a cookie value; nil when it is not shaped like one.
    public static func parse(cookie: String) -> (id: String, secret: String)? {
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), Secret.isShaped(parts[1]) else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// Whether `secret` is this session's and the session is still open at `now`.
    public func admits(secret: String, at now: Date) -> Bool {
        Secret.matches(secret, storedHash: secretHash) && revokedAt == nil && now < expiresAt
    }

    /// Whether a request's CSRF header is this session's token.
    public func admits(csrfToken presented: String?) -> Bool {
        guard let presented else { return false }
        return Secret.equalInConstantTime(presented, csrfToken)
    }
}
