import Foundation
import HeraldTemplates
import Testing

/// Errors about the data point at a place that is about the variable: its first use, or its
/// declaration — in the layout's own file for a variable the layout declares or reads, never a
/// line of the template that happens to have the same number.
@Suite struct ErrorLocationTests {
    /// Line 4 holds the `url:` whose value uses `{{token}}`; line 6 declares it.
    static let layout = """
        from: "Shop <hello@shop.example>"
        footer: "Shop · 1 Main St"
        unsubscribe:
          url: "https://shop.example/u/{{token}}"
          text: "Unsubscribe"
        variables:
          token: {type: string, required: true, example: "t-1"}
          home: {type: string, example: "https://shop.example"}
        """

    func fillError(_ template: String, data: [String: TemplateValue], layout: String = Self.layout) throws -> TemplateError? {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("layouts/brand.yml", layout)
        try fixture.write("t.md", template)
        do {
            _ = try fixture.load("t.md").fill(data)
            return nil
        } catch let error as TemplateError {
            return error
        }
    }

    @Test func aMissingLayoutVariableNamesTheLayoutFileAndLine() throws {
        // Line 4 of the template is its body's first line: the old report pointed there.
        let error = try #require(try fillError("---\nname: t\nlayout: brand\n---\nHello", data: [:]))
        #expect(error.file.hasSuffix("/layouts/brand.yml"), "\(error)")
        #expect(error.line == 4)
        #expect(error.message.hasPrefix("template t: the required variable token (declared by the layout brand, "))
        #expect(error.message.contains("/layouts/brand.yml:7) has no value; the data is empty"))
    }

    @Test func aLayoutVariableOfTheWrongTypeNamesTheLayout() throws {
        let error = try #require(try fillError("---\nname: t\nlayout: brand\n---\nHello", data: ["token": .number("5")]))
        #expect(error.file.hasSuffix("/layouts/brand.yml") && error.line == 4)
        #expect(error.message == "template t: token is a number in the data; the layout brand declares a string")
    }

    @Test func whenTheTemplateUsesTheLayoutVariableItsOwnLineIsNamed() throws {
        let error = try #require(try fillError("---\nname: t\nlayout: brand\n---\nHello\n\nYour token: {{token}}", data: [:]))
        #expect(error.file.hasSuffix("/t.md") && error.line == 7)
    }

    @Test func aRefusedURLInTheLayoutNamesTheLayoutsLine() throws {
        // {{home}} is first used in the template's body (line 5), but the refused URL is the
        // layout's footer link (its line 2): the error names that file and line together.
        let layout = Self.layout.replacingOccurrences(of: "footer: \"Shop · 1 Main St\"", with: "footer: \"[Home]({{home}})\"")
        let error = try #require(try fillError("---\nname: t\nlayout: brand\n---\nVisit {{home}}",
                                               data: ["token": .string("t"), "home": .string("javascript:alert(1)")], layout: layout))
        #expect(error.file.hasSuffix("/layouts/brand.yml") && error.line == 2, "\(error)")
        #expect(error.message.contains("filled from home is 'javascript:alert(1)', which is not allowed"))
    }
}
