import Foundation
import HeraldChannels
import Testing

@Suite struct WhatsAppTemplateTests {
    @Test func aBodyOverTheLimitSaysHowManyWordJoinersItHolds() throws {
        let template = WhatsAppTemplate(name: "t", language: "en", category: .utility, body: "Code {{1}}")
        let value = WhatsAppTextRenderer.literal(String(repeating: "*", count: 600))
        let message = WhatsAppTemplateMessage(template: template, recipient: .businessScopedUserID("US.1"), bodyValues: [value])
        #expect {
            try message.validate()
        } throws: { error in
            String(describing: error).contains("1205 characters; at most 1024 (600 of them invisible word joiners")
        }
    }

    let named = WhatsAppTemplate(name: "order_confirmation", language: "en_US", category: .utility, parameterFormat: .named,
                                 header: .init(format: .image, text: nil), body: "Thank you, {{first_name}}! Your order is {{order_number}}.")

    func message(_ values: [(String, String)], header: String? = "https://e.com/banner.jpg") throws -> WhatsAppTemplateMessage {
        WhatsAppTemplateMessage(template: named, to: try PhoneNumber("+16505551234"), namedValues: values.map { (name: $0.0, value: $0.1) },
                                headerValue: header)
    }

    @Test func namedParametersMustMatchByName() throws {
        try message([("order_number", "SKBUP2"), ("first_name", "Jessica")]).validate()
        #expect {
            try message([("first_name", "Jessica"), ("orderNumber", "X")]).validate()
        } throws: { error in
            String(describing: error) == "template order_confirmation takes the parameters first_name, order_number; missing: order_number; unknown: orderNumber"
        }
    }

    @Test func valuesWithTabsOrFiveSpacesAndMissingMediaAreRefused() throws {
        #expect(throws: WhatsAppError.self) { try message([("first_name", "a\tb"), ("order_number", "1")]).validate() }
        #expect(throws: WhatsAppError.self) { try message([("first_name", "a     b"), ("order_number", "1")]).validate() }
        try message([("first_name", "a    b"), ("order_number", "1")]).validate()  // four spaces are allowed
        #expect {
            try message([("first_name", "a"), ("order_number", "1")], header: nil).validate()
        } throws: { error in String(describing: error).contains("has a IMAGE header: give its https:// link") }
    }

    @Test func theFilledBodyIsLimitedTo1024() throws {
        #expect {
            try message([("first_name", String(repeating: "x", count: 1000)), ("order_number", "1")]).validate()
        } throws: { error in String(describing: error).contains("at most 1024") }
    }

    @Test func namedJSONCarriesParameterNamesAndTheHeaderMedia() throws {
        let json = try message([("first_name", "Jessica"), ("order_number", "SKBUP2")]).json
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let template = object?["template"] as? [String: Any]
        #expect(template?["name"] as? String == "order_confirmation")
        #expect((template?["language"] as? [String: String])?["code"] == "en_US")
        let components = template?["components"] as? [[String: Any]]
        #expect(components?.map { $0["type"] as? String } == ["header", "body"])
        let header = (components?[0]["parameters"] as? [[String: Any]])?.first
        #expect((header?["image"] as? [String: String])?["link"] == "https://e.com/banner.jpg")
        let body = components?[1]["parameters"] as? [[String: String]]
        #expect(body?.map { $0["parameter_name"] } == ["first_name", "order_number"])
    }

    @Test func theWindowIsTwentyFourHoursFromTheLastInboundMessage() throws {
        try CustomerServiceWindow(lastInbound: 1000).checkFreeForm(at: 1000 + 23 * 3600)
        #expect(throws: WhatsAppError.self) { try CustomerServiceWindow(lastInbound: 1000).checkFreeForm(at: 1000 + 24 * 3600) }
        #expect(throws: WhatsAppError.self) { try CustomerServiceWindow(lastInbound: nil).checkFreeForm(at: 0) }
        // A time from the future (or in milliseconds) would keep the window open for ever.
        let now = 1_796_000_000.0
        try CustomerServiceWindow(lastInbound: now + 60).checkFreeForm(at: now)  // a minute of clock skew
        #expect {
            try CustomerServiceWindow(lastInbound: (now - 3 * 86_400) * 1000).checkFreeForm(at: now)
        } throws: { error in String(describing: error).contains("it looks like milliseconds") }
        #expect(throws: WhatsAppError.self) { try CustomerServiceWindow(lastInbound: now + 3600).checkFreeForm(at: now) }
    }

    @Test func placeholdersInOrder() {
        #expect(WhatsAppTemplate.placeholders(in: "{{2}} then {{1}} and {{ 2 }} {{name}}") == ["2", "1", "name"])
    }
}
