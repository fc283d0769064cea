import Foundation
import HeraldChannels
import HeraldDocument
import HeraldTemplates
import Testing

/// Template files: the front matter schema with file:line errors, locale variants and fallback,
/// and layouts with per-template and per-locale overrides.
@Suite struct TemplateLoadingTests {
    func loadError(_ text: String, name: String = "t.md") throws -> TemplateError? {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write(name, text)
        do {
            _ = try fixture.load(name)
            return nil
        } catch let error as TemplateError {
            return error
        }
    }

    @Test func frontMatterMistakesNameTheLine() throws {
        let typo = try #require(try loadError("---\nname: t\nsubjet: Hi\n---\nBody"))
        #expect(typo.line == 3 && typo.message.contains("no key 'subjet'") && typo.message.contains("subject"))

        let yaml = try #require(try loadError("---\nname: t\nsubject: \"unclosed\n---\nBody"))
        #expect(yaml.line != nil && yaml.message.contains("YAML is not valid"))

        let unclosed = try #require(try loadError("---\nname: t\nBody"))
        #expect(unclosed.line == 1 && unclosed.message.contains("never closed"))

        let type = try #require(try loadError("---\nname: t\nvariables:\n  n: {type: integer}\n---\nx"))
        #expect(type.line == 4 && type.message.contains("type 'integer'") && type.message.contains("number"))

        let example = try #require(try loadError("---\nname: t\nvariables:\n  n: {type: number, example: \"many\"}\n---\nx"))
        #expect(example.line == 4 && example.message.contains("example of n is a string"))

        let channel = try #require(try loadError("---\nname: t\nchannels: [email, fax]\n---\nx"))
        #expect(channel.line == 3 && channel.message.contains("unknown channel 'fax'"))
    }

    @Test func mustacheMistakesNameTheLine() throws {
        let partial = try #require(try loadError("---\nname: t\n---\nHi\n\n{{> footer}}"))
        #expect(partial.line == 6 && partial.message.contains("no partials"))

        let unclosed = try #require(try loadError("---\nname: t\n---\nHi\n{{#items}}\nx"))
        #expect(unclosed.line == 5 && unclosed.message.contains("never closed"))

        let misnested = try #require(try loadError("---\nname: t\n---\n{{#a}}{{#b}}\n{{/a}}{{/b}}"))
        #expect(misnested.line == 5 && misnested.message.contains("closes {{#b}}"))

        let transform = try #require(try loadError("---\nname: t\n---\n{{uppercased(name)}}"))
        #expect(transform.line == 4 && transform.message.contains("uppercased() is not available"))
    }

    @Test func aLocaleVariantInheritsWhatItLeavesOut() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("hello.md", "---\nname: hello\nlanguage: en\nsubject: Hello {{n}}\nvariables:\n  n: {type: string, example: Ana}\n---\nHello {{n}}")
        try fixture.write("hello.es.md", "---\nsubject: Hola {{n}}\n---\nHola {{n}}")

        let spanish = try fixture.load("hello.md", locale: "es-MX")
        #expect(spanish.locale == "es" && spanish.manifest.language == "es")
        let filled = try spanish.fill(["n": .string("Bo")])
        #expect(filled.subject == "Hola Bo" && filled.document.blocks == [.paragraph(Paragraph([.text("Hola Bo")]))])
        // Its variables come from the default file.
        #expect(spanish.variables.map(\.name) == ["n"])

        // A locale without a variant falls back to the default.
        let german = try fixture.load("hello.md", locale: "de")
        let germanFilled = try german.fill(["n": .string("Bo")])
        #expect(german.locale == nil && german.manifest.language == "en" && germanFilled.subject == "Hello Bo")

        // The variant file given directly is read on top of its default.
        #expect(try fixture.load("hello.es.md").fill(["n": .string("Bo")]).subject == "Hola Bo")
    }

    static let layout = """
        from: "Shop <hello@shop.example>"
        logo: {src: "https://shop.example/logo.png", alt: "Shop", width: 100}
        footer: "Shop · 1 Main St"
        unsubscribe: {url: "https://shop.example/u/{{token}}", text: "Unsubscribe"}
        colors: {accent: "#0f766e"}
        variables:
          token: {type: string, required: true, example: "t-1"}
        """

    @Test func aLayoutFramesTheEmailAndCanBeOverriddenPerTemplateAndLocale() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("layouts/brand.yml", Self.layout)
        try fixture.write("layouts/brand.es.yml", "footer: \"Shop · Calle Mayor 1\"\nunsubscribe: {text: \"Darse de baja\"}")
        try fixture.write("news.md", "---\nname: news\nlayout: brand\n---\nNews")
        try fixture.write("news.es.md", "---\n---\nNoticias")
        try fixture.write("reset.md", "---\nname: reset\nlayout: {extends: brand, unsubscribe: false, colors: {accent: \"#1d4ed8\"}}\n---\nReset")

        let news = try fixture.load("news.md").fill(["token": .string("abc")])
        #expect(news.from == "Shop <hello@shop.example>" && news.listUnsubscribe == ["https://shop.example/u/abc"])
        #expect(news.theme.linkColor == "#0f766e")
        let footer = try #require(news.layout?.footer.blocks)
        #expect(footer == [.paragraph(Paragraph([.text("Shop · 1 Main St")])),
                           .paragraph(Paragraph([.link(Link(url: "https://shop.example/u/abc", content: [.text("Unsubscribe")]))]))])
        let html = EmailHTMLRenderer(theme: news.theme).render(news.document, options: news.renderOptions).html
        #expect(html.contains("class=\"herald-header\"") && html.contains("src=\"https://shop.example/logo.png\"") && html.contains("alt=\"Shop\""))
        #expect(html.contains("class=\"herald-footer\"") && html.contains("href=\"https://shop.example/u/abc\""))
        // The text part has no logo, and its footer follows a rule.
        let text = EmailTextRenderer().render(news.document, options: news.renderOptions)
        #expect(text.hasPrefix("News\n") && text.contains("---\n\nShop · 1 Main St") && !text.contains("[Shop]"))

        let noticias = try fixture.load("news.md", locale: "es").fill(["token": .string("abc")])
        #expect(noticias.layout?.footer.blocks == [.paragraph(Paragraph([.text("Shop · Calle Mayor 1")])),
                                                   .paragraph(Paragraph([.link(Link(url: "https://shop.example/u/abc", content: [.text("Darse de baja")]))]))])

        let reset = try fixture.load("reset.md").fill(["token": .string("abc")])
        #expect(reset.listUnsubscribe.isEmpty && reset.theme.linkColor == "#1d4ed8")
        #expect(reset.layout?.footer.blocks == [.paragraph(Paragraph([.text("Shop · 1 Main St")]))])

        // The layout's required variable is required of every template using it.
        #expect(throws: TemplateError.self) { _ = try fixture.load("news.md").fill([:]) }
    }

    @Test func anUnknownLayoutListsTheKnownOnes() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("layouts/brand.yml", Self.layout)
        try fixture.write("t.md", "---\nname: t\nlayout: brnad\n---\nx")
        #expect(throws: TemplateError.self) { _ = try fixture.load("t.md") }
        do {
            _ = try fixture.load("t.md")
        } catch let error as TemplateError {
            #expect(error.line == 3 && error.message.contains("no layout 'brnad'") && error.message.contains("the layouts are brand"))
        }
    }

    @Test func aFileNamedByDataStaysInTheDataFolder() throws {
        let fixture = try TemplateFixture()
        defer { fixture.remove() }
        try fixture.write("bill.md", "---\nname: bill\nvariables:\n  pdf: {type: string, required: true, example: a.pdf}\nattachments: [\"{{pdf}}\", terms.pdf]\n---\nx")
        let template = try fixture.load("bill.md")
        let data = URL(fileURLWithPath: "/srv/data")
        #expect(try template.fill(["pdf": .string("bills/b.pdf")], dataDirectory: data).attachments
                == ["/srv/data/bills/b.pdf", fixture.directory.appendingPathComponent("terms.pdf").path])
        for escape in ["/etc/passwd", "../../etc/passwd", "bills/../../x"] {
            #expect(throws: TemplateError.self, "\(escape)") { _ = try template.fill(["pdf": .string(escape)], dataDirectory: data) }
        }
    }

    @Test func dataFilesAreJSONObjects() throws {
        let data = try TemplateValue.data(fromJSON: Data(#"{"n": "Ana", "qty": 2, "price": 19.99, "ok": true, "items": [{"a": null}]}"#.utf8), source: "d.json")
        #expect(data == ["n": .string("Ana"), "qty": .number("2"), "price": .number("19.99"), "ok": .bool(true), "items": .list([.object(["a": .null])])])
        #expect(throws: TemplateError.self) { _ = try TemplateValue.data(fromJSON: Data("[1]".utf8), source: "d.json") }
        #expect(throws: TemplateError.self) { _ = try TemplateValue.data(fromJSON: Data("{".utf8), source: "d.json") }
    }

    @Test func aDocumentThatOpensWithARuleIsNotATemplate() {
        #expect(!MessageTemplate.isTemplate("---\n\nHello **there**\n\n---\n\nBye\n"))
        #expect(!MessageTemplate.isTemplate("---\n"))
        // A rule then "Key: text" (or a heading) and no closing line is a document too.
        #expect(!MessageTemplate.isTemplate("---\nNote: this is a doc\n\nBody\n"))
        #expect(!MessageTemplate.isTemplate("---\n# Heading after a rule\n\nBody\n"))
        #expect(MessageTemplate.isTemplate("---\nname: t\n---\nx"))
        #expect(MessageTemplate.isTemplate("\u{FEFF}---\r\nsubject: Hola\r\n---\r\nx"))
        #expect(MessageTemplate.isTemplate("---\n---\nNoticias"))
        #expect(MessageTemplate.isTemplate("---\n# a comment\nname: t\n---\n"))
    }

    @Test func inputThatWouldExhaustTheParsersIsRefusedWithTheLine() throws {
        let deep = String(repeating: "{{#a}}", count: 40) + "x" + String(repeating: "{{/a}}", count: 40)
        let sections = try #require(try loadError("---\nname: t\n---\n\(deep)"))
        #expect(sections.line == 4 && sections.message.contains("nested more than 32 deep"))

        // Ten aliases of ten aliases...: a dozen lines that would expand to millions of values.
        var yaml = "---\nname: t\nvariables:\n  a: {type: list, example: &a [x, x, x, x, x, x, x, x, x, x]}\n"
        for (index, name) in ["b", "c", "d", "e", "f"].enumerated() {
            let previous = ["a", "b", "c", "d", "e"][index]
            yaml += "  \(name): {type: list, example: &\(name) [\(Array(repeating: "*\(previous)", count: 10).joined(separator: ", "))]}\n"
        }
        let bomb = try #require(try loadError(yaml + "---\nx"))
        #expect(bomb.message.contains("more than 20000 values"))

        let layout = try #require(try loadError("---\nname: t\nlayout: ../../../etc/passwd\n---\nx"))
        #expect(layout.line == 3 && layout.message.contains("must be a name"))
    }

    @Test func tagsMustFitTheKindOfTheirVariable() throws {
        let list = try #require(try loadError("---\nname: t\nvariables:\n  items: {type: list, example: [a]}\n---\n{{items}}"))
        #expect(list.line == 6 && list.message.contains("would print a whole list"))
        let transform = try #require(try loadError("---\nname: t\nvariables:\n  name: {type: string, example: a}\n---\n{{#first(name)}}x{{/first(name)}}"))
        #expect(transform.line == 6 && transform.message.contains("first() works on lists, and name is a string"))
    }
}
