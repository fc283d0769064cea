import Foundation
import HeraldDocument
import HeraldTemplates
import Testing

/// A tag that names no declared variable is refused when the template is loaded — for render,
/// send and preview alike — with its file and line; Mustache alone would print it as nothing.
@Suite struct UndeclaredVariableTests {
    func loadError(_ text: String, layout: String? = nil) throws -> TemplateError? {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        if let layout { try fixture.write("layouts/brand.yml", layout) }
        try fixture.write("t.md", text)
        do {
            _ = try fixture.load("t.md")
            return nil
        } catch let error as TemplateError {
            return error
        }
    }

    @Test func aMisspeltTagIsRefusedWithItsLine() throws {
        let error = try #require(try loadError("""
            ---
            name: t
            subject: "Hello"
            variables:
              name: {type: string, required: true, example: Ana}
            ---
            Hi {{name}},

            your code is {{nmae}}.
            """))
        #expect(error.file.hasSuffix("/t.md") && error.line == 9)
        #expect(error.message.hasPrefix("template t: {{nmae}} uses nmae, which is not declared; the variables are name;"))
    }

    @Test func aTagInTheSubjectOrSMSIsCheckedToo() throws {
        let subject = try #require(try loadError("---\nname: t\nsubject: \"Hi {{custmer}}\"\nvariables:\n  customer: {type: string}\n---\n{{customer}}"))
        #expect(subject.line == 3 && subject.message.contains("{{custmer}} uses custmer"))

        let sms = try #require(try loadError("---\nname: t\nchannels: [sms]\nsms: \"Code {{cod}}\"\nvariables:\n  code: {type: string}\n---\n{{code}}"))
        #expect(sms.line == 4 && sms.message.contains("{{cod}} uses cod"))
    }

    @Test func loopFieldsAreKnownFromTheListsExample() throws {
        let loop = """
            ---
            name: t
            variables:
              items: {type: list, example: [{name: Mug, qty: 2}]}
            ---
            {{#items}}
            - {{name}} × {{qty}}
            {{/items}}
            """
        #expect(try loadError(loop) == nil)

        // A field the example does not have is not known: the name is probably wrong.
        let misspelt = try #require(try loadError(loop.replacingOccurrences(of: "{{qty}}", with: "{{qtty}}")))
        #expect(misspelt.line == 7 && misspelt.message.contains("{{qtty}} uses qtty")
                && misspelt.message.contains("the fields of the section's example: name, qty"))

        // Outside the loop an item's field means nothing.
        let outside = try #require(try loadError(loop + "\n\n{{name}}"))
        #expect(outside.line == 10 && outside.message.contains("{{name}} uses name"))
    }

    @Test func aLayoutsVariablesCountAsDeclared() throws {
        let layout = """
            footer: "Your token {{token}}"
            variables:
              token: {type: string, required: true, example: "t-1"}
            """
        #expect(try loadError("---\nname: t\nlayout: brand\n---\nToken: {{token}}", layout: layout) == nil)

        // And the layout's own texts are checked, naming the layout's file.
        let error = try #require(try loadError("---\nname: t\nlayout: brand\n---\nx", layout: "footer: \"Bye {{tokn}}\"\nvariables:\n  token: {type: string}"))
        #expect(error.file.hasSuffix("layouts/brand.yml") && error.line == 1 && error.message.contains("{{tokn}} uses tokn"))
    }

    @Test func anUndeclaredWhatsAppParameterIsRefused() throws {
        let error = try #require(try loadError("""
            ---
            name: t
            channels: [whatsapp]
            variables:
              name: {type: string, example: Ana}
            whatsapp:
              template: hello
              language: en_US
              body: "Hi {{1}}"
              parameters: [nmae]
            ---
            {{name}}
            """))
        #expect(error.line == 10 && error.message.contains("the WhatsApp parameter nmae uses nmae, which is not declared"))
    }

    @Test func sectionsCommentsAndTheCurrentItemNeedNoDeclaration() throws {
        #expect(try loadError("""
            ---
            name: t
            variables:
              tags: {type: list, example: [a, b]}
              coupon: {type: object, example: {code: X1}}
            ---
            {{! a comment naming nothing }}
            {{#tags}}{{.}} {{/tags}}
            {{#coupon}}Use {{code}}{{/coupon}}
            {{^empty(tags)}}tagged{{/empty(tags)}}
            """) == nil)
    }
}
