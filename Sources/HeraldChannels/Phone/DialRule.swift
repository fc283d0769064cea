/// The Phone channel: interactions happen by calling, so what Herald holds is a number to dial,
/// made by the administrator's prefix rule (an outside-line digit, a carrier code...).
public struct DialRule: Equatable, Sendable, Codable {
    /// Dialled before the number (e.g. "0" for an outside line).
    public var prefix: String
    /// Calls within this country calling code drop it and use the national trunk prefix.
    public var homeCountryCode: String?
    public var nationalPrefix: String

    public init(prefix: String = "", homeCountryCode: String? = nil, nationalPrefix: String = "0") {
        self.prefix = prefix
        self.homeCountryCode = homeCountryCode
        self.nationalPrefix = nationalPrefix
    }

    /// The digits to dial for `number`: `prefix` + national form at home, `prefix` + `+...` abroad.
    public func dialString(for number: PhoneNumber) -> String {
        let digits = String(number.e164.dropFirst())
        if let home = homeCountryCode, digits.hasPrefix(home) {
            return prefix + nationalPrefix + digits.dropFirst(home.count)
        }
        return prefix + number.e164
    }
}
