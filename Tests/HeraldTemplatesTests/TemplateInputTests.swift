import Foundation
import HeraldChannels
import HeraldTemplates
import Testing

/// What a channel's composer shows of a template and a person can type (the web inbox's picker):
/// the variables its texts use, in order, an object's fields one by one, never a list or the
/// fields of a list's items, nothing only another channel or the layout reads.
struct TemplateInputTests {
    static let template = """
        ---
        name: reminder
        channels: [email, sms]
        subject: "Your visit {{visit.date}}"
        variables:
          customer_name: {type: string, required: true, example: "Ana"}
          visit: {type: object, required: true, example: {date: "Monday", place: {city: "Madrid"}, code: "V-1"}}
          items: {type: list, example: [{name: "Mug"}]}
          note: {type: string}
          count: {type: number, example: 2}
        sms: "Hi {{customer_name}}, see you {{visit.date}}. Code {{visit.code}}."
        ---
        Hello {{customer_name}}, {{count}} things:

        {{#items}}
        - {{name}}
        {{/items}}

        {{#visit}}We meet in {{place.city}}.{{/visit}}
        {{#note}}Note: {{note}}{{/note}}
        """

    @Test func theEmailComposerShowsTheBodyAndSubjectsInputs() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("reminder.md", Self.template)
        let template = try fixture.load("reminder.md")
        let inputs = template.inputs(shownOn: .email)
        // In a section of the object, `place.city` is its field; in the list's loop, `name` is an item's.
        #expect(inputs.map(\.path) == ["customer_name", "count", "visit.place.city", "note", "visit.date"])
        #expect(inputs.map(\.required) == [true, false, true, false, true])
        #expect(inputs.first { $0.path == "visit.place.city" }?.example == .string("Madrid"))
        #expect(template.variables(shownOn: .email).map(\.name) == ["customer_name", "count", "items", "visit", "note"])
    }

    @Test func theSMSComposerShowsItsOwnPartsInputsOnly() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("reminder.md", Self.template)
        let template = try fixture.load("reminder.md")
        #expect(template.inputs(shownOn: .sms).map(\.path) == ["customer_name", "visit.date", "visit.code"])
        #expect(template.variables(shownOn: .sms).map(\.name) == ["customer_name", "visit"])
    }
}
