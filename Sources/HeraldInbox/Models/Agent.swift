import Foundation
import HeraldMIME

/// A person who works in the inbox. The role decides what they may do beyond their own
/// interactions: a supervisor also sees their campaigns' agents' work, an administrator manages
/// agents, campaigns, categories and forms (see `Authorization`).
public struct Agent: Codable, Sendable, Equatable, Hashable {
    public enum Role: String, Codable, Sendable, CaseIterable {
        case agent, supervisor, administrator
    }

    /// Stable and chosen by the administrator ("ana"), so a seed file and the CLI can name it.
    public var id: String
    public var name: String
    /// An addr-spec; unique among agents (it is what an agent signs in with).
    public var email: String
    public var role: Role

    public init(id: String, name: String, email: String, role: Role = .agent) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
    }

    /// Refuses what could not be stored or signed in with, naming the field.
    public func validate() throws {
        try Identifier.check(id, what: "agent ID", field: "id")
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InboxError(.input, "agent \(id) has no name; give the name colleagues know them by", field: "name")
        }
        do {
            _ = try EmailAddress(validating: email, field: "agent email address")
        } catch {
            throw InboxError(.input, "agent \(id): \(error)", field: "email")
        }
    }
}

/// The IDs people choose (agents, campaigns, forms and their fields): short, printable, safe in
/// a URL path and a YAML key.
enum Identifier {
    static func check(_ value: String, what: String, field: String) throws {
        let allowed = value.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
        guard !value.isEmpty, value.count <= 64, allowed else {
            throw InboxError(.input, "\(what) '\(value)' is not usable; use 1 to 64 letters, digits, '-', '_' or '.' (like billing-es)", field: field)
        }
    }
}
