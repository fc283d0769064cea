import Foundation

/// Whom an interaction is with: what the agent sees in the customer information panel. An
/// interaction started to an address or number nobody has yet makes a customer with just that.
public struct Customer: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// Addr-specs.
    public var emailAddresses: [String]
    /// E.164 numbers.
    public var phoneNumbers: [String]
    /// Whatever else the business keeps (a customer number, a plan), shown as written.
    public var fields: [String: String]

    public init(id: String, name: String = "", emailAddresses: [String] = [], phoneNumbers: [String] = [], fields: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.emailAddresses = emailAddresses
        self.phoneNumbers = phoneNumbers
        self.fields = fields
    }

    /// The keys a customer is found by: each email address (its domain in lower case, as
    /// `EmailAddress.recipientKey`) and each number.
    public var contacts: [String] { emailAddresses + phoneNumbers }
}
