/// The DKIM keys of a configuration, by signing domain: a message whose From domain has keys is
/// signed with all of them (an Ed25519 and an RSA key give two signatures).
public struct DKIMKeyring: Sendable {
    public private(set) var keys: [DKIMKey]
    public var canonicalization: DKIMCanonicalization
    /// Domains whose mail must be signed: a message from one of them without a key is refused.
    public private(set) var requiredDomains: Set<String> = []

    public init(keys: [DKIMKey] = [], canonicalization: DKIMCanonicalization = .relaxed) {
        self.keys = keys
        self.canonicalization = canonicalization
    }

    /// Requires a key for each of `domains` (lowercased, ASCII); one without a key is a usage
    /// error now, naming `name` — so no message from it can be composed unsigned.
    public mutating func require(_ domains: [String], name: String) throws {
        for domain in domains.flatMap({ $0.split(separator: ",") }).map({ String($0).trimmingWhitespace.lowercased() }) where !domain.isEmpty {
            let checked = try DKIMKey.checked(domain: domain)
            guard keys.contains(where: { $0.domain == checked }) else {
                throw HeraldError(.usage, "\(name) requires DKIM signing for \(checked), which has no key; give one (DOMAIN:SELECTOR:FILE) for it")
            }
            requiredDomains.insert(checked)
        }
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
    /// Instead of a file, the third part may be the PEM text itself (`DOMAIN:SELECTOR:-----BEGIN
    /// …`), as a secret store puts it in the environment; an error about it never quotes it.
    public static func load(_ entries: [String], name: String) throws -> DKIMKeyring {
        try load(entries.flatMap { $0.split(separator: ",") }.map { (String($0), name) })
    }

    /// Entries each with the name of the setting it came from.
    public static func load(_ entries: [(entry: String, name: String)]) throws -> DKIMKeyring {
        var keys: [DKIMKey] = []
        for (entry, name) in entries where !entry.isEmpty {
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            let isPEM = parts.count == 3 && parts[2].trimmingWhitespace.hasPrefix("-----BEGIN")
            guard parts.count == 3, !parts[2].isEmpty else {
                let shown = entry.contains("-----BEGIN") ? "(a PEM key, not shown)" : "'\(entry)'"
                throw HeraldError(.usage, "\(name) \(shown) is not DOMAIN:SELECTOR:FILE or DOMAIN:SELECTOR:PEM, like example.com:s1:/etc/herald/s1.pem")
            }
            let key = isPEM ? try DKIMKey(pem: parts[2], domain: parts[0], selector: parts[1], source: "the PEM key in \(name) (for \(parts[1])._domainkey.\(parts[0]))")
                            : try DKIMKey.read(file: parts[2], domain: parts[0], selector: parts[1])
            if keys.contains(where: { $0.domain == key.domain && $0.algorithm == key.algorithm }) {
                throw HeraldError(.usage, "\(name) gives two \(key.algorithm.keyType) keys for \(key.domain); give at most one Ed25519 and one RSA key per domain")
            }
            keys.append(key)
        }
        return DKIMKeyring(keys: keys)
    }
}
