import Foundation

/// A bearer API token, as stored: never the secret itself, only its SHA-256. The token a client
/// presents is `herald_ID_SECRET`: the ID finds the row, the secret's hash is compared with the
/// stored one in constant time. Revoked tokens stay (who had one, and when it stopped) but let
/// nobody in.
public struct APIToken: Codable, Sendable, Equatable {
    public var id: String
    /// The agent it acts as.
    public var agent: String
    /// SHA-256 of the secret, lower-case hex.
    public var secretHash: String
    /// What the token is for ("the CRM integration"), for people listing them.
    public var label: String?
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, agent: String, secretHash: String, label: String? = nil, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.agent = agent
        self.secretHash = secretHash
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// A new token for `agent`: the record to store and the text to show once (it cannot be
    /// shown again: only its hash is kept). 160 random bits of secret.
    public static func issue(for agent: String, label: String? = nil, at now: Date, ids: IDGenerator = .random) -> (token: String, record: APIToken) {
        let id = ids.next("tok").replacingOccurrences(of: "_", with: "")
        let secret = Secret.random()
        return ("herald_\(id)_\(secret)", APIToken(id: id, agent: agent, secretHash: Self.hash(secret: secret), label: label, createdAt: now))
    }

    /// The ID and secret of a presented token; nil when it is not shaped like one.
    public static func parse(_ text: String) -> (id: String, secret: String)? {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "herald", !parts[1].isEmpty, parts[1].count <= 64, parts[2].count == 32,
              (parts[1] + parts[2]).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// Whether `secret` is this token's and the token still lets its agent in. The comparison
    /// takes the same time wherever the hashes differ.
    public func admits(secret: String) -> Bool {
        Secret.matches(secret, storedHash: secretHash) && revokedAt == nil
    }
}

extension APIToken {
    /// How a secret is stored: its SHA-256 (swift-crypto), lower-case hex. A token's secret is
    /// 160 random bits, so a fast hash is enough here; passwords need a slow KDF (`PasswordHash`).
    public static func hash(secret: String) -> String {
        Secret.hash(secret)
    }
}
