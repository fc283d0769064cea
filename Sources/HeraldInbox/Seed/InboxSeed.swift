import Foundation
import Herald
import Yams

/// A seed file (`herald inbox load team.yml`, Examples/inbox/demo-team.yml): agents, then
/// campaigns with their channels' senders, members, categories and forms, written as the models
/// are, with the lists and flags that may be left out left out. Applying it adds or replaces each
/// one by its ID, so loading the same file again changes nothing.
///
/// An agent may have a `password` — for demo and test teams, whose passwords are no secret; a
/// real team's are set with `herald inbox agent password` (or by an administrator over HTTP),
/// never written in a file. A password already in force is left alone (loading again signs
/// nobody out).
public struct InboxSeed: Sendable, Equatable {
    public var agents: [Agent]
    public var campaigns: [Campaign]
    /// Agent ID → password, for the agents the file gives one.
    public var passwords: [String: String]

    public init(agents: [Agent] = [], campaigns: [Campaign] = [], passwords: [String: String] = [:]) {
        self.agents = agents
        self.campaigns = campaigns
        self.passwords = passwords
    }

    /// Reads and checks the seed file at `path`; errors name the file (I/O when it cannot be
    /// read, input when it is not a seed) and where in its YAML the problem is.
    public static func load(from path: String) throws -> InboxSeed {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InboxError(.io, "cannot read the seed file \(path): \(error.localizedDescription)")
        }
        return try InboxSeed(yaml: text, named: path)
    }

    /// A seed from its YAML text; `name` (the file's path) starts every error message.
    public init(yaml: String, named name: String) throws {
        let file: SeedFile
        do {
            file = try YAMLDecoder().decode(SeedFile.self, from: yaml)
        } catch let error as DecodingError {
            throw InboxError(.input, "\(name): \(Self.describe(error))")
        } catch {
            throw InboxError(.input, "\(name) is not YAML: \(error)")
        }
        var passwords: [String: String] = [:]
        for agent in file.agents ?? [] {
            guard let password = agent.password else { continue }
            do {
                try PasswordHash.check(password)
            } catch let error as InboxError {
                throw InboxError(.input, "\(name): agent \(agent.id): \(error.message)", field: "password")
            }
            passwords[agent.id] = password
        }
        self.init(agents: (file.agents ?? []).map(\.agent), campaigns: (file.campaigns ?? []).map(\.campaign), passwords: passwords)
    }

    /// Adds or replaces the agents, then the campaigns (whose members must be agents by then);
    /// the store checks each as it saves it.
    public func apply(to store: any InboxStore, passwordCost: PasswordHash.Cost = .standard) async throws {
        for agent in agents { try await store.save(agent) }
        for campaign in campaigns { try await store.save(campaign) }
        let signIn = SignIn(store: store, cost: passwordCost)
        for (agent, password) in passwords.sorted(by: { $0.key < $1.key }) where !(try await signIn.check(password, of: agent)) {
            try await signIn.setPassword(password, for: agent)
        }
    }

    /// "campaigns[0].channels.sms.number is missing": the path as it is written in the file.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
