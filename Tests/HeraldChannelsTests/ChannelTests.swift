import HeraldChannels
import Testing

@Suite struct ChannelTests {
    @Test func capabilitiesSayWhatEachChannelCarries() {
        #expect(ChannelID.email.capabilities.attachments && !ChannelID.email.capabilities.templateRequiredToOpen)
        #expect(!ChannelID.sms.capabilities.attachments && !ChannelID.sms.capabilities.formatting)
        #expect(ChannelID.whatsapp.capabilities.voiceNotes && ChannelID.whatsapp.capabilities.templateRequiredToOpen)
        #expect(ChannelID.whatsapp.capabilities.maximumLength == 4096)
        #expect(!ChannelID.phone.capabilities.carriesMessages)
        #expect(ChannelID.messaging == [.email, .sms, .whatsapp])
        // Each ID's implementation is that channel's.
        #expect(ChannelID.allCases.allSatisfy { $0.channel.id == $0 })
    }

    @Test func eachChannelRefusesWhatItCannotCarry() throws {
        let attachment = MessageOutline(to: ["x"], attachments: ["a.pdf"])
        try ChannelID.email.channel.validate(attachment)
        try ChannelID.whatsapp.channel.validate(attachment)
        #expect(throws: ChannelError.self) { try ChannelID.sms.channel.validate(attachment) }
        #expect(throws: ChannelError.self) { try ChannelID.phone.channel.validate(attachment) }
        try ChannelID.sms.channel.validate(MessageOutline(to: ["+34612345678"]))
        // Copies are email's; voice notes WhatsApp's.
        let copied = MessageOutline(to: ["x"], cc: ["y"])
        try ChannelID.email.channel.validate(copied)
        #expect(throws: ChannelError(reason: "sms has no Cc or Bcc; give every recipient as a To", category: .usage)) { try ChannelID.sms.channel.validate(copied) }
        #expect(throws: ChannelError.self) { try ChannelID.whatsapp.channel.validate(copied) }
        let voice = MessageOutline(to: ["x"], attachments: ["a.ogg"], voiceNote: true)
        try ChannelID.whatsapp.channel.validate(voice)
        #expect(throws: ChannelError(reason: "email has no voice notes; they are for WhatsApp", category: .usage)) { try ChannelID.email.channel.validate(voice) }
    }

    @Test func dialRuleMakesTheNumberToDial() throws {
        let rule = DialRule(prefix: "0", homeCountryCode: "34")
        #expect(rule.dialString(for: try PhoneNumber("+34 612 345 678")) == "00612345678")
        #expect(rule.dialString(for: try PhoneNumber("+1 555 010 0199")) == "0+15550100199")
        #expect(DialRule().dialString(for: try PhoneNumber("+44 20 7946 0958")) == "+442079460958")
    }

    @Test func theTrunkZeroInParenthesesIsNotPartOfTheNumber() throws {
        #expect(try PhoneNumber("+44 (0) 20 7946 0958").e164 == "+442079460958")
        #expect(try PhoneNumber("+34 (0) 612 345 678").e164 == "+34612345678")
        #expect(try PhoneNumber("0049 (0)30 901820").e164 == "+4930901820")
        // Without a country code the parentheses are an area code's, as before.
        #expect(try PhoneNumber("(612) 345 678", defaultCountryCode: "34").e164 == "+34612345678")
    }
}
