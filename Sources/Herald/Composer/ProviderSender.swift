import Foundation

/// The sender an SMS or WhatsApp message names (`MessageRequest.senderID`), checked before
/// anything is composed: what `Outbound.sender` holds, the channel's name when the provider
/// account's own is meant.
enum ProviderSender {
    static func of(_ request: MessageRequest) throws -> String {
        guard let given = request.senderID else { return request.channel.rawValue }
        let value = given.trimmingCharacters(in: .whitespaces)
        switch request.channel {
        case .sms:
            if value.hasPrefix("+"), let number = try? PhoneNumber(value, defaultCountryCode: nil) { return number.e164 }
            // An alphanumeric sender ID ("HERALD"): 1 to 11 letters, digits and spaces, a letter among them.
            let alphanumeric = value.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == " ") }
            guard alphanumeric, (1...11).contains(value.count), value.contains(where: \.isLetter) else {
                throw HeraldError(.input, "the SMS sender '\(given)' is neither a phone number with its country code (+34600000000) "
                                    + "nor an alphanumeric sender ID (1 to 11 letters, digits and spaces)")
            }
            return value
        case .whatsapp:
            guard (1...32).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw HeraldError(.input, "the WhatsApp sender '\(given)' is not a phone number ID (the digits Meta gives a business number, like 106540352242922)")
            }
            return value
        case .email, .phone:
            throw HeraldError(.usage, "a sender ID is for SMS and WhatsApp; an email's sender is its From address")
        }
    }
}
