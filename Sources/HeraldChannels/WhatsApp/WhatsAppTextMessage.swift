import Foundation

/// A free-form text message in the Cloud API's shape (`POST /<PHONE_NUMBER_ID>/messages`):
/// `{"messaging_product": "whatsapp", "recipient_type": "individual", "to": ..., "type": "text",
///   "text": {"preview_url": ..., "body": ...}}`. `preview_url` is on when the text has a link.
public struct WhatsAppTextMessage: Encodable, Equatable, Sendable {
    public struct Text: Encodable, Equatable, Sendable {
        public var preview_url: Bool
        public var body: String
    }

    public var messaging_product = "whatsapp"
    public var recipient_type = "individual"
    /// A phone number goes in `to`, a business-scoped user ID in `recipient`; the other is absent.
    public var to: String?
    public var recipient: String?
    public var type = "text"
    public var text: Text

    public init(to: PhoneNumber, body: String) {
        self.init(recipient: .phone(to), body: body)
    }

    public init(recipient: WhatsAppRecipient, body: String) {
        switch recipient {
        case .phone(let number): to = number.e164
        case .businessScopedUserID(let id): self.recipient = id
        }
        text = Text(preview_url: body.contains("https://") || body.contains("http://"), body: body)
    }

    /// Sorted keys, ending with a newline.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}
