import Foundation
import HeraldChannels
import HeraldMIME

/// The channels a campaign enables, each with who the customer sees the message come from. A
/// channel left nil is not enabled: nobody starts an interaction on it in this campaign, and
/// nothing is transferred into it on that channel.
public struct CampaignChannels: Codable, Sendable, Equatable {
    public var email: EmailSender?
    public var sms: SMSSender?
    public var whatsapp: WhatsAppSender?
    public var phone: PhoneLine?

    public init(email: EmailSender? = nil, sms: SMSSender? = nil, whatsapp: WhatsAppSender? = nil, phone: PhoneLine? = nil) {
        self.email = email
        self.sms = sms
        self.whatsapp = whatsapp
        self.phone = phone
    }

    /// The enabled channels, in `ChannelID` order.
    public var enabled: [ChannelID] {
        ChannelID.allCases.filter(isEnabled)
    }

    public func isEnabled(_ channel: ChannelID) -> Bool {
        switch channel {
        case .email: return email != nil
        case .sms: return sms != nil
        case .whatsapp: return whatsapp != nil
        case .phone: return phone != nil
        }
    }
}

/// Email: the From address and, when this campaign's mail must leave by a particular way, its
/// route (an SMTP URL or `maildir:PATH`, as `Outbound.route`); nil sends by the delivery
/// configuration's own.
public struct EmailSender: Codable, Sendable, Equatable {
    /// `Support <help@example.com>`.
    public var from: String
    public var route: String?

    public init(from: String, route: String? = nil) {
        self.from = from
        self.route = route
    }
}

/// SMS: the number (or alphanumeric sender ID) the customer sees.
public struct SMSSender: Codable, Sendable, Equatable {
    public var number: String

    public init(number: String) {
        self.number = number
    }
}

/// WhatsApp: the business phone number ID of the Cloud API and the templates Meta approved for
/// it — the only messages that may open a conversation.
public struct WhatsAppSender: Codable, Sendable, Equatable {
    public var phoneNumberID: String
    public var templates: [WhatsAppTemplate]

    public init(phoneNumberID: String, templates: [WhatsAppTemplate] = []) {
        self.phoneNumberID = phoneNumberID
        self.templates = templates
    }

    public func template(named name: String) -> WhatsAppTemplate? {
        templates.first { $0.name == name }
    }
}

/// Phone: how a number the agent types becomes the digits the switch dials (the
/// administrator's setting: an outside-line prefix, the national form at home).
public struct PhoneLine: Codable, Sendable, Equatable {
    public var dialRule: DialRule

    public init(dialRule: DialRule = DialRule()) {
        self.dialRule = dialRule
    }
}
