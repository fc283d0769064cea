/// The channels of an interaction: one name for each, used by every module, the outbox rows,
/// the CLI and the JSON (`"email"`, `"sms"`, `"whatsapp"`, `"phone"`).
public enum ChannelID: String, CaseIterable, Sendable, Codable, Hashable, CustomStringConvertible {
    case email, sms, whatsapp, phone

    public var description: String { rawValue }

    /// The channels a message can be written for (every one but the phone).
    public static let messaging: [ChannelID] = allCases.filter(\.capabilities.carriesMessages)

    public var capabilities: ChannelCapabilities {
        switch self {
        case .email:
            return ChannelCapabilities(formatting: true, attachments: true, voiceNotes: false, maximumLength: nil, templateRequiredToOpen: false,
                                       carriesMessages: true, copies: true, plainTextAlternative: true, bulkMailHeaders: true)
        case .sms:
            return ChannelCapabilities(formatting: false, attachments: false, voiceNotes: false, maximumLength: nil, templateRequiredToOpen: false,
                                       carriesMessages: true, copies: false, plainTextAlternative: false, bulkMailHeaders: false)
        case .whatsapp:
            return ChannelCapabilities(formatting: true, attachments: true, voiceNotes: true, maximumLength: WhatsAppTextRenderer.maximumLength,
                                       templateRequiredToOpen: true, carriesMessages: true, copies: false,
                                       plainTextAlternative: false, bulkMailHeaders: false)
        case .phone:
            return ChannelCapabilities(formatting: false, attachments: false, voiceNotes: false, maximumLength: nil, templateRequiredToOpen: false,
                                       carriesMessages: false, copies: false, plainTextAlternative: false, bulkMailHeaders: false)
        }
    }

    /// The channel's implementation: how it checks and renders a message.
    public var channel: any Channel {
        switch self {
        case .email: return EmailChannel()
        case .sms: return SMSChannel()
        case .whatsapp: return WhatsAppChannel()
        case .phone: return PhoneChannel()
        }
    }

    /// "email, sms, whatsapp or phone": for messages that say what would be accepted.
    public static func list(_ ids: [ChannelID] = allCases, last: String = "or") -> String {
        let names = ids.map(\.rawValue)
        guard names.count > 1, let final = names.last else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " \(last) " + final
    }
}

/// What a channel can carry. Checks made from these declarations happen before anything is
/// enqueued, and say what to change.
public struct ChannelCapabilities: Equatable, Sendable {
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
    /// Copies to others (Cc, Bcc) besides the recipients.
    public var copies: Bool
    /// A plain-text alternative beside the formatted part, which the author may write
    /// themselves (email's text/plain); the other channels send the text rendered from the input.
    public var plainTextAlternative: Bool
    /// The headers mailbox providers ask of bulk mail: Auto-Submitted (RFC 3834), so automatic
    /// replies stay quiet, and one-click List-Unsubscribe (RFC 8058).
    public var bulkMailHeaders: Bool
}
