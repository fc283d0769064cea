import HeraldChannels
import Testing

@Suite struct ChannelTests {
    @Test func capabilitiesSayWhatEachChannelCarries() {
        #expect(Channel.email.capabilities.attachments && !Channel.email.capabilities.templateRequiredToOpen)
        #expect(!Channel.sms.capabilities.attachments && !Channel.sms.capabilities.formatting)
        #expect(Channel.whatsapp.capabilities.voiceNotes && Channel.whatsapp.capabilities.templateRequiredToOpen)
        #expect(Channel.whatsapp.capabilities.maximumLength == 4096)
        #expect(!Channel.phone.capabilities.carriesMessages)
    }

    @Test func attachmentsAreRefusedWhereTheyCannotGo() throws {
        try Channel.email.checkAttachments(["a.pdf"])
        try Channel.whatsapp.checkAttachments(["a.pdf"])
        #expect(throws: ChannelError.self) { try Channel.sms.checkAttachments(["a.pdf"]) }
        #expect(throws: ChannelError.self) { try Channel.phone.checkAttachments(["a.pdf"]) }
        try Channel.sms.checkAttachments([])
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
