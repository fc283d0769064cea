import Foundation

/// Makes what makes a written email unique: its Date, Message-ID and boundary seed.
public protocol IdentityGenerator: Sendable {
    func identity(for message: EmailMessage, at date: MessageDate) throws -> MessageIdentity
}

/// The normal one: the clock's date and 128 random bits.
public struct RandomIdentities: IdentityGenerator {
    public init() {}

    public func identity(for message: EmailMessage, at date: MessageDate) throws -> MessageIdentity {
        var random = SystemRandomNumberGenerator()
        return MessageIdentity.unique(for: message, now: date, using: &random)
    }
}

/// Golden files and tests: a fixed date and IDs derived from the content, so the same input
/// gives the same bytes.
public struct DeterministicIdentities: IdentityGenerator {
    public init() {}

    public func identity(for message: EmailMessage, at date: MessageDate) throws -> MessageIdentity {
        try MessageIdentity.deterministic(for: message)
    }
}
