import Foundation

/// An email's JSON rendering: the SMTP envelope and the MIME structure of the message.
struct MessageReport: Encodable {
    struct EnvelopeReport: Encodable {
        var mailFrom: String
        var rcptTo: [String]
        var smtputf8: Bool
    }

    var envelope: EnvelopeReport
    var messageID: String
    var date: String
    var structure: PartDescription

    init(message: EmailMessage, identity: MessageIdentity) {
        let envelope = message.envelope
        self.envelope = EnvelopeReport(mailFrom: envelope.mailFrom.addrSpec, rcptTo: envelope.recipients.map(\.addrSpec),
                                       smtputf8: message.needsSMTPUTF8)
        messageID = identity.messageID.description
        date = identity.date.description
        structure = MIMEWriter().structure(of: message, identity: identity)
    }
}
