/// The channels of an interaction and what each can carry. Checks made from these declarations
/// happen before anything is enqueued, and say what to change.
public enum Channel: String, CaseIterable, Sendable, Codable {
    case email, sms, whatsapp, phone

    public struct Capabilities: Equatable, Sendable {
        /// Bold, lists, tables... shown as formatting (email, WhatsApp marks) or degraded (SMS).
        public var formatting: Bool
        public var attachments: Bool
        public var voiceNotes: Bool
        /// The longest body, in characters (nil: no limit; SMS counts segments instead).
        public var maximumLength: Int?
        /// A conversation must open with an approved template (WhatsApp's HSM).
        public var templateRequiredToOpen: Bool
        /// Phone interactions carry no message body at all.
        public var carriesMessages: Bool
    }

    public var capabilities: Capabilities {
        switch self {
        case .email:
            return Capabilities(formatting: true, attachments: true, voiceNotes: false, maximumLength: nil, templateRequiredToOpen: false, carriesMessages: true)
        case .sms:
            return Capabilities(formatting: false, attachments: false, voiceNotes: false, maximumLength: nil, templateRequiredToOpen: false, carriesMessages: true)
        case .whatsapp:
            return Capabilities(formatting: true, attachments: true, voiceNotes: true, maximumLength: WhatsAppTextRenderer.maximumLength,
                                templateRequiredToOpen: true, carriesMessages: true)
        case .phone:
            return Capabilities(formatting: false, attachments: false, voiceNotes: false, maximumLength: nil, templateRequiredToOpen: false, carriesMessages: false)
        }
    }

    /// Refuses attachments on a channel that cannot carry them.
    public func checkAttachments(_ names: [String]) throws {
        guard !names.isEmpty else { return }
        if !capabilities.carriesMessages {
            throw ChannelError(reason: "a phone interaction carries no message or attachment; use email, SMS or WhatsApp")
        }
        if !capabilities.attachments {
            throw ChannelError(reason: "an SMS carries no attachments (\(names.joined(separator: ", "))); put a link to the file in the text, or send it by email")
        }
    }
}

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

public struct ChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
