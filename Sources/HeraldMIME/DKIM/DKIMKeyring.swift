/// The DKIM keys of a configuration, by signing domain: a message whose From domain has keys is
/// signed with all of them (an Ed25519 and an RSA key give two signatures).
public struct DKIMKeyring: Sendable {
    public private(set) var keys: [DKIMKey]
    public var canonicalization: DKIMCanonicalization

    public init(keys: [DKIMKey] = [], canonicalization: DKIMCanonicalization = .relaxed) {
        self.keys = keys
        self.canonicalization = canonicalization
    }

    public var isEmpty: Bool { keys.isEmpty }

    /// The signer for mail from `domain` (the From address's ASCII domain), nil without a key.
    public func signer(for domain: String) -> DKIMSigner? {
        let matching = keys.filter { $0.domain == domain.lowercased() }
        return matching.isEmpty ? nil : DKIMSigner(keys: matching, canonicalization: canonicalization)
    }

    /// Keys from `DOMAIN:SELECTOR:FILE` entries separated by commas (an environment variable's
    /// value, or repeated options joined), each file read and parsed now, so a bad key stops
    /// everything before a message is stored. `name` is what the caller calls the setting.
    public static func load(_ entries: [String], name: String) throws -> DKIMKeyring {
        var keys: [DKIMKey] = []
        for entry in entries.flatMap({ $0.split(separator: ",") }).map(String.init) where !entry.isEmpty {
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, !parts[2].isEmpty else {
                throw HeraldError(.usage, "\(name) '\(entry)' is not DOMAIN:SELECTOR:FILE, like example.com:s1:/etc/herald/s1.pem")
            }
            let key = try DKIMKey.read(file: parts[2], domain: parts[0], selector: parts[1])
            if keys.contains(where: { $0.domain == key.domain && $0.algorithm == key.algorithm }) {
                throw HeraldError(.usage, "\(name) gives two \(key.algorithm.keyType) keys for \(key.domain); give at most one Ed25519 and one RSA key per domain")
            }
            keys.append(key)
        }
        return DKIMKeyring(keys: keys)
    }
}
