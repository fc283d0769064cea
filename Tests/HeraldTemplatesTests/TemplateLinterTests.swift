import Foundation
import HeraldDocument
import HeraldTemplates
import Testing

/// `herald lint`'s rules, each shown failing on a template written to break it.
@Suite struct TemplateLinterTests {
    func findings(_ text: String, name: String = "t.md", maximumSegments: Int = 3) throws -> [TemplateDiagnostic] {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write(name, text)
        return try TemplateLinter(maximumSMSSegments: maximumSegments).lint(directory: fixture.directory).diagnostics
    }

    func rules(_ diagnostics: [TemplateDiagnostic]) -> [String] { diagnostics.map(\.rule) }

    @Test func aCleanTemplateHasNoFinding() throws {
        #expect(try findings(TemplateFixture.order, name: "order.md") == [])
    }

    @Test func aReportEndsWithItsCountsAndReadsAsSortedJSON() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("order.md", TemplateFixture.order)
        let report = try TemplateLinter().lint(directory: fixture.directory)
        #expect(report.summary == "1 template: 0 errors, 0 warnings")
        #expect(try report.json().hasPrefix("{\n  \"diagnostics\" : [\n\n  ],\n  \"errors\" : 0,"))
    }

    @Test func variablesAreCheckedAgainstTheDeclarations() throws {
        let result = try findings("""
            ---
            name: t
            subject: "Hi {{nmae}}"
            variables:
              name: {type: string, required: true}
              spare: {type: string, example: x}
              items: {type: list, example: [{title: a}]}
            ---
            {{#items}}{{title}} {{price}}{{/items}}
            """)
        let undeclared = result.filter { $0.rule == "undeclared-variable" }
        // nmae in the subject (line 3), price inside the items loop (line 9): title is an item field.
        #expect(undeclared.map(\.line) == [9, 3] || undeclared.map(\.line) == [3, 9])
        #expect(undeclared.contains { $0.message.contains("price") } && undeclared.contains { $0.message.contains("nmae") })
        #expect(result.contains { $0.rule == "unused-variable" && $0.line == 6 && $0.message.contains("spare") })
        #expect(result.contains { $0.rule == "missing-example" && $0.line == 5 && $0.severity == .error })
    }

    @Test func imagesWithoutAltAndPlainHTTPLinksAreFlagged() throws {
        let result = try findings("---\nname: t\nsubject: s\n---\nHi\n\n![](https://x.example/a.png)\n\n[site](http://x.example)")
        #expect(result.contains { $0.rule == "image-alt" && $0.line == 7 })
        #expect(result.contains { $0.rule == "insecure-link" && $0.line == 9 })
    }

    @Test func longSubjectsAreFlaggedWithTheExamples() throws {
        let result = try findings("""
            ---
            name: t
            subject: "Your order {{id}} from the Herald Home store has shipped and is on its way to you"
            variables:
              id: {type: string, required: true, example: "A-100000001"}
            ---
            {{id}}
            """)
        let finding = try #require(result.first { $0.rule == "subject-length" })
        #expect(finding.line == 3 && finding.severity == .warning && finding.message.contains("86 characters"))
    }

    @Test func smsEncodingAndSegmentsAreChecked() throws {
        let ucs2 = try findings("---\nname: t\nchannels: [sms]\nsms: \"Café — ready\"\n---\nx")
        #expect(ucs2.contains { $0.rule == "sms-ucs2" && $0.line == 4 && $0.message.contains("—") })
        let long = try findings("---\nname: t\nchannels: [sms]\nsms: \"\(String(repeating: "word ", count: 100))\"\n---\nx", maximumSegments: 2)
        #expect(long.contains { $0.rule == "sms-segments" && $0.severity == .error && $0.message.contains("4 segments") })
    }

    @Test func whatsAppParametersMustFitTheApprovedTemplate() throws {
        let result = try findings("""
            ---
            name: t
            channels: [whatsapp]
            variables:
              n: {type: string, required: true, example: Ana}
            whatsapp:
              template: hello
              language: en_US
              body: "Hi {{1}}, your code is {{2}}"
              parameters: [n]
            ---
            x
            """)
        let finding = try #require(result.first { $0.rule == "whatsapp-parameters" })
        #expect(finding.line == 7 && finding.severity == .error && finding.message.contains("takes 2 body parameter(s)"))
    }

    @Test func gmailClippingSizeIsChecked() throws {
        let paragraphs = String(repeating: "A paragraph of some length that fills the message with words.\n\n", count: 1500)
        let result = try findings("---\nname: t\nsubject: s\n---\n\(paragraphs)")
        #expect(result.contains { $0.rule == "html-size" && $0.message.contains("Gmail clips") })
    }

    @Test func rawHTMLThatLosesSomethingIsFlagged() throws {
        let result = try findings("---\nname: t\nsubject: s\nvariables:\n  u: {type: string, example: \"https://x.example\"}\n---\nHi <a href=\"{{u}}\">link</a><script>x()</script>")
        let finding = try #require(result.first { $0.rule == "raw-html" })
        #expect(finding.line == 7 && finding.message.contains("1 link without a scheme, 1 <script> element"))
    }

    @Test func anInvalidTemplateIsOneError() throws {
        let result = try findings("---\nname: t\nsubjet: s\n---\nx")
        #expect(rules(result) == ["invalid-template"] && result.first?.line == 3)
    }

    /// The link URLs of a document, in order.
    static func links(in document: Document) -> [String] {
        var urls: [String] = []
        document.forEachInline { if case .link(let link) = $0 { urls.append(link.url) } }
        return urls
    }
}
