/// Who a WhatsApp message goes to: a phone number, or — for users who chose a username and hide
/// their number — the business-scoped user ID (BSUID, e.g. `US.13491208655302741918`, or a parent
/// `US.ENT.…`) that Meta's webhooks carry. The Cloud API takes a number in `to` and a BSUID in
/// `recipient`.
public enum WhatsAppRecipient: Hashable, Sendable, CustomStringConvertible {
    case phone(PhoneNumber)
    case businessScopedUserID(String)

    /// A BSUID when it has that shape (two letters, a dot, optionally `ENT.`, then 1 to 128 letters
    /// and digits); otherwise a phone number, normalized to E.164.
    public init(_ raw: String, defaultCountryCode: String? = nil) throws {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if Self.isBusinessScopedUserID(text) {
            self = .businessScopedUserID(text)
        } else {
            self = .phone(try PhoneNumber(text, defaultCountryCode: defaultCountryCode))
        }
    }

    /// The address as stored and reported: `+34612345678` or `US.13491208655302741918`.
    public var description: String {
        switch self {
        case .phone(let number): number.e164
        case .businessScopedUserID(let id): id
        }
    }

    /// The request body's field for this recipient.
    var field: (key: String, value: String) {
        switch self {
        case .phone(let number): ("to", number.e164)
        case .businessScopedUserID(let id): ("recipient", id)
        }
    }

    static func isBusinessScopedUserID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[1] == "ENT") else { return false }
        let country = parts[0], id = parts[parts.count - 1]
        return country.count == 2 && country.allSatisfy { $0.isASCII && $0.isLetter }
            && (1...128).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
