import HeraldChannels

/// A change to a campaign as an administrator states it (`herald inbox campaign add`): what is
/// given changes, the rest is kept — the other channels, the email's route and WhatsApp's
/// approved templates, the phone's dial rule, the categories (new ones are added after them),
/// the forms and the members. So repeating a command with one more option never drops what an
/// earlier one, or a seed file, set.
public struct CampaignEdit: Sendable, Equatable {
    public var name: String
    /// Enables email, sent from this address.
    public var emailFrom: String?
    /// Enables SMS, sent from this number.
    public var smsNumber: String?
    /// Enables WhatsApp with this Cloud API phone number ID.
    public var whatsappPhoneNumberID: String?
    /// Enables the phone.
    public var phone: Bool
    /// Categories to add (those the campaign has are not repeated).
    public var categories: [String]
    public var countryCode: String?

    public init(name: String, emailFrom: String? = nil, smsNumber: String? = nil, whatsappPhoneNumberID: String? = nil, phone: Bool = false,
                categories: [String] = [], countryCode: String? = nil) {
        self.name = name
        self.emailFrom = emailFrom
        self.smsNumber = smsNumber
        self.whatsappPhoneNumberID = whatsappPhoneNumberID
        self.phone = phone
        self.categories = categories
        self.countryCode = countryCode
    }

    /// `campaign` with this change made (a new campaign is `Campaign(id:name:)`).
    public func applied(to campaign: Campaign) -> Campaign {
        var campaign = campaign
        campaign.name = name
        if let emailFrom { campaign.channels.email = EmailSender(from: emailFrom, route: campaign.channels.email?.route) }
        if let smsNumber { campaign.channels.sms = SMSSender(number: smsNumber) }
        if let whatsappPhoneNumberID {
            campaign.channels.whatsapp = WhatsAppSender(phoneNumberID: whatsappPhoneNumberID, templates: campaign.channels.whatsapp?.templates ?? [])
        }
        if phone { campaign.channels.phone = campaign.channels.phone ?? PhoneLine() }
        campaign.categories += categories.filter { !campaign.categories.contains($0) }
        if let countryCode { campaign.countryCode = countryCode }
        return campaign
    }
}
