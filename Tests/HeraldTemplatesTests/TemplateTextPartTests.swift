import Foundation
import HeraldTemplates
import Testing

/// A template's own plain-text alternative (`text:` in the front matter): Mustache filled with
/// values as they are — no Markdown escaping, line breaks kept — checked like every other part.
@Suite struct TemplateTextPartTests {
    static let template = """
        ---
        name: receipt
        subject: "Receipt {{order}}"
        variables:
          name: {type: string, required: true, example: "Ana"}
          order: {type: string, required: true, example: "A-1"}
          address: {type: string, example: "Calle Mayor 1\\n28013 Madrid"}
        text: |
          Hello {{name}},

          order {{order}} ships to:
          {{address}}
        ---
        Hello **{{name}}**, order {{order}} is paid.
        """

    @Test func valuesGoInAsTheyAreWithTheirLineBreaks() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("receipt.md", Self.template)
        let filled = try fixture.load("receipt.md").fill(["name": .string("**Bob** <b>"), "order": .string("A_1*"),
                                                          "address": .string("Calle Mayor 1\n28013 Madrid")])
        // Exactly the author's text with the values: a Markdown renderer would have escaped
        // `*`, `_` and `<` or made them marks.
        #expect(filled.text == "Hello **Bob** <b>,\n\norder A_1* ships to:\nCalle Mayor 1\n28013 Madrid\n")
        // The body is still the Markdown body, the value literal text there.
        #expect(filled.document.blocks.count == 1)
    }

    @Test func aTemplateWithoutATextPartHasNone() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("order.md", TemplateFixture.order)
        #expect(try fixture.load("order.md").fill(try fixture.load("order.md").exampleData).text == nil)
    }

    @Test func anUndeclaredVariableInTheTextPartIsRefusedWithItsLine() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("receipt.md", Self.template.replacingOccurrences(of: "order {{order}} ships", with: "order {{ordr}} ships"))
        #expect {
            try fixture.load("receipt.md")
        } throws: { error in
            let message = String(describing: error)
            return message.contains("receipt.md:") && message.contains("ordr")
        }
    }

    @Test func aTextPartWithoutEmailIsFlaggedByTheLinter() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("receipt.md", Self.template.replacingOccurrences(of: "name: receipt\n", with: "name: receipt\nchannels: [sms]\nsms: \"Order {{order}}\"\n"))
        let diagnostics = try TemplateLinter().lint(directory: fixture.directory).diagnostics
        #expect(diagnostics.contains { $0.rule == "unused-part" && $0.message.contains("text: part") && $0.severity == .warning })
    }
}
