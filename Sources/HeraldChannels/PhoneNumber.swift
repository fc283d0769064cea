/// A phone number in E.164 (`+` and 8 to 15 digits, no leading zero), the form SMS providers and
/// WhatsApp's Cloud API take. National numbers need a default country calling code.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// `+` followed by digits.
    public let e164: String

    /// Accepts `+34 612 345 678`, `0034-612-345-678`, `(612) 345 678` with a default country
    /// code, `+44 (0) 20 7946 0000`, and the like: spaces, dashes, dots and parentheses are
    /// ignored, a "(0)" after the country code dropped.
    public init(_ raw: String, defaultCountryCode: String? = nil) throws {
        // "+44 (0) 20 7946 0000": the "(0)" is the trunk prefix dialled at home only, written
        // after the country code by convention; kept, it would make another number.
        var trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("+") || trimmed.hasPrefix("00"), let range = trimmed.range(of: "(0)") {
            trimmed.removeSubrange(range)
        }
        var text = trimmed.filter { !" -.()\u{00A0}".contains($0) }
        if text.hasPrefix("00") { text = "+" + text.dropFirst(2) }
        if !text.hasPrefix("+") {
            guard let code = defaultCountryCode?.filter({ $0 != "+" }), !code.isEmpty, code.allSatisfy(\.isASCIIDigit) else {
                throw PhoneNumberError(input: raw, reason: "it has no country code; write it as +<country code><number> or give a default country code")
            }
            // A national trunk prefix "0" is not dialled from abroad (most countries).
            text = "+" + code + text.drop { $0 == "0" }
        }
        let digits = text.dropFirst()
        guard digits.allSatisfy(\.isASCIIDigit) else {
            throw PhoneNumberError(input: raw, reason: "only digits, spaces, dashes, dots and parentheses may follow the +")
        }
        guard (8...15).contains(digits.count), digits.first != "0" else {
            throw PhoneNumberError(input: raw, reason: "E.164 numbers have 8 to 15 digits after the + and do not start with 0")
        }
        e164 = "+" + digits
    }

    public var description: String { e164 }
}

public struct PhoneNumberError: Error, Equatable, Sendable, CustomStringConvertible {
    public var input: String
    public var reason: String
    public var description: String { "invalid phone number \"\(input)\": \(reason)" }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
