/// The SMTP envelope of a message.
public struct Envelope: Equatable, Sendable {
    public var mailFrom: EmailAddress
    public var recipients: [EmailAddress]

    public init(mailFrom: EmailAddress, recipients: [EmailAddress]) {
        self.mailFrom = mailFrom
        self.recipients = recipients
    }
}
