import Foundation
import Herald
import HeraldInbox
@testable import HeraldServer
import Testing

/// A templates folder as `herald serve --templates` reads it: two of the shipped templates with
/// their layouts (for every campaign), an email-only one, billing's own, and one that does not
/// load (a misspelt tag).
enum TemplateFolder {
    static func make() throws -> URL {
        let folder = try Herald.temporaryDirectory().appendingPathComponent("templates")
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("billing"), withIntermediateDirectories: true)
        let shipped = Herald.repository.appendingPathComponent("Templates")
        for name in ["welcome.md", "welcome.es.md", "order-shipped.md", "layouts"] {
            try manager.copyItem(at: shipped.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        try """
            ---
            name: newsletter
            description: The month's news
            channels: [email]
            subject: "News for {{customer_name}}"
            variables:
              customer_name: {type: string, required: true, example: "Ana"}
              issue: {type: number, required: false, example: 12}
            ---
            # News

            Hello **{{customer_name}}**, this is issue {{issue}}.
            """.write(to: folder.appendingPathComponent("newsletter.md"), atomically: true, encoding: .utf8)
        try """
            ---
            name: refund-note
            description: Confirms a refund
            channels: [email, sms]
            subject: "Your refund {{refund.id}}"
            variables:
              customer_name: {type: string, required: true, example: "Ana"}
              refund: {type: object, required: true, example: {id: "R-1", amount: "$10.00"}}
            sms: "Refund {{refund.id}} of {{refund.amount}} is on its way, {{customer_name}}."
            ---
            Hi {{customer_name}}, your refund **{{refund.id}}** of {{refund.amount}} is on its way.
            """.write(to: folder.appendingPathComponent("billing/refund-note.md"), atomically: true, encoding: .utf8)
        try """
            ---
            name: broken
            channels: [email, sms]
            variables:
              name: {type: string, required: true, example: "Ana"}
            ---
            Hello {{nmae}}.
            """.write(to: folder.appendingPathComponent("broken.md"), atomically: true, encoding: .utf8)
        return folder
    }
}

@Suite(.serialized) struct TemplateServerTests {
    let folder: URL
    let server: ServerProcess

    init() throws {
        folder = try TemplateFolder.make()
        server = try ServerProcess(arguments: ["--templates", folder.path])
    }

    func names(_ campaign: String, _ channel: String, as agent: String = "ana") async throws -> [String] {
        let answer = try await server.request("GET", "/api/v1/templates?campaign=\(campaign)&channel=\(channel)", as: agent)
        #expect(answer.status == 200, "\(answer.text)")
        return answer.list.compactMap { $0["name"] as? String }
    }

    func fill(_ name: String, _ body: [String: Any], as agent: String = "ana") async throws -> ServerProcess.Answer {
        try await server.request("POST", "/api/v1/templates/\(name)/fill", as: agent, json: body)
    }

    @Test func aCampaignListsItsOwnAndTheSharedTemplatesOfTheChannel() async throws {
        #expect(try await names("billing", "email") == ["newsletter", "order-shipped", "refund-note", "welcome"])
        // The email-only newsletter is not offered for SMS; the broken one nowhere.
        #expect(try await names("billing", "sms") == ["order-shipped", "refund-note", "welcome"])
        // Billing's own is not sales'.
        #expect(try await names("sales", "email", as: "bruno") == ["newsletter", "order-shipped", "welcome"])

        let list = try await server.request("GET", "/api/v1/templates?campaign=billing&channel=email", as: "ana").list
        let welcome = try #require(list.first { $0["name"] as? String == "welcome" })
        #expect(welcome["description"] as? String == "Greets a new customer and points them to their account")
        #expect(welcome["subject"] as? String == "Welcome to Herald Home, {{customer_name}}")
        let variables = try #require(welcome["variables"] as? [[String: Any]])
        // What the composer shows, in order of use: not the layout's unsubscribe token.
        #expect(variables.compactMap { $0["name"] as? String } == ["customer_name", "account_url", "welcome_code"])
        #expect(variables.first?["type"] as? String == "string" && variables.first?["required"] as? Bool == true)
        #expect(variables.first?["example"] as? String == "Ana")
        #expect(variables.last?["required"] as? Bool == false)

        let sms = try await server.request("GET", "/api/v1/templates?campaign=billing&channel=sms", as: "ana").list
        let shipped = try #require(sms.first { $0["name"] as? String == "order-shipped" })
        // The SMS part reads no items list and has no subject.
        #expect((shipped["variables"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["customer_name", "order"])
        #expect(shipped["subject"] == nil)
        #expect(((shipped["variables"] as? [[String: Any]])?.last?["example"] as? [String: Any])?["id"] as? String == "A-1001")
    }

    @Test func theListIsRefusedWithoutACampaignOrForAnotherChannelOrCampaign() async throws {
        let noCampaign = try await server.request("GET", "/api/v1/templates?channel=email", as: "ana")
        #expect(noCampaign.status == 400 && noCampaign.json["field"] as? String == "campaign")
        let whatsapp = try await server.request("GET", "/api/v1/templates?campaign=billing&channel=whatsapp", as: "ana")
        #expect(whatsapp.status == 422 && whatsapp.json["field"] as? String == "channel")
        #expect(whatsapp.contentType == "application/problem+json")
        // Eva is not in billing: it does not exist for her.
        #expect(try await server.request("GET", "/api/v1/templates?campaign=billing&channel=email", as: "eva").status == 404)
    }

    @Test func aFillTakesTheCustomerThenTheTypedValuesAndListsWhatIsMissing() async throws {
        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "email", "campaign": "billing", "to": ["Lucía Pérez <lucia@example.com>"], "subject": "Hello", "message": ["markdown": "Hello"],
        ])
        let id = try #require(started.json["id"] as? String, "\(started.text)")

        let first = try await fill("welcome", ["campaign": "billing", "channel": "email", "interaction": id])
        #expect(first.status == 200, "\(first.text)")
        let html = try #require(first.json["html"] as? String)
        #expect(html.hasPrefix("<h1>Welcome, Lucía Pérez!</h1>"), "\(html)")
        #expect(html.contains("<strong>Herald Home</strong>"))
        // The optional code nobody gave: its centered block is left out.
        #expect(!html.contains("10% off"))
        #expect(first.json["subject"] as? String == "Welcome to Herald Home, Lucía Pérez")
        #expect(first.json["missing"] as? [String] == ["account_url"])
        #expect(first.json["filled"] as? [String: String] == ["customer_name": "customer"])

        let second = try await fill("welcome", ["campaign": "billing", "channel": "email", "interaction": id,
                                                "values": ["account_url": "https://herald-home.example/account/lucia", "welcome_code": "HOLA5"]])
        #expect(second.status == 200, "\(second.text)")
        let filled = try #require(second.json["html"] as? String)
        #expect(filled.contains("<a href=\"https://herald-home.example/account/lucia\">Go to your account</a>"), "\(filled)")
        #expect(filled.contains("<p style=\"text-align: center\">Your first order is <mark>10% off</mark> with the code <strong>HOLA5</strong>.</p>"), "\(filled)")
        #expect(second.json["missing"] as? [String] == [])
        #expect(second.json["filled"] as? [String: String] == ["customer_name": "customer", "account_url": "given", "welcome_code": "given"])

        // A typed value beats the customer's, and stays text.
        let hostile = try await fill("welcome", ["campaign": "billing", "channel": "email", "interaction": id,
                                                 "values": ["customer_name": "<script>alert(1)</script> & \"Bob\""]])
        let escaped = try #require(hostile.json["html"] as? String)
        #expect(escaped.hasPrefix("<h1>Welcome, &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;!</h1>"), "\(escaped)")
        #expect(!escaped.contains("<script"))
        #expect((hostile.json["filled"] as? [String: String])?["customer_name"] == "given")
    }

    @Test func anSMSFillIsTheTemplatesSMSPartAndObjectFieldsAreTypedOneByOne() async throws {
        let answer = try await fill("order-shipped", ["campaign": "billing", "channel": "sms",
                                                      "values": ["customer_name": "Ana", "order.id": "A-7", "order.carrier": "UPS"]])
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["missing"] as? [String] == ["order.tracking_url"])
        #expect(answer.json["subject"] == nil)
        // The SMS part alone (no heading of the body), the missing URL empty.
        #expect(answer.json["html"] as? String == "<p>Hi Ana, your Herald Home order A-7 has shipped with UPS. Track it:</p>", "\(answer.text)")

        let own = try await fill("refund-note", ["campaign": "billing", "channel": "sms", "values": ["refund.id": "R-9", "refund.amount": "$5.00"]])
        #expect(own.json["html"] as? String == "<p>Refund R-9 of $5.00 is on its way, .</p>", "\(own.text)")
        #expect(own.json["missing"] as? [String] == ["customer_name"])
    }

    @Test func fillsAreRefusedNamingTheField() async throws {
        let base: [String: Any] = ["campaign": "billing", "channel": "email"]
        let unknown = try await fill("nothing-such", base)
        #expect(unknown.status == 404 && unknown.json["field"] as? String == "name")
        let sms = try await fill("newsletter", ["campaign": "billing", "channel": "sms"])
        #expect(sms.status == 422 && sms.json["field"] as? String == "channel", "\(sms.text)")
        let whatsapp = try await fill("welcome", ["campaign": "billing", "channel": "whatsapp"])
        #expect(whatsapp.status == 422 && whatsapp.json["field"] as? String == "channel")
        let misspelt = try await fill("welcome", base.merging(["values": ["acount_url": "https://x.example"]]) { $1 })
        #expect(misspelt.status == 422 && misspelt.json["field"] as? String == "values.acount_url", "\(misspelt.text)")
        let notText = try await fill("welcome", base.merging(["values": ["customer_name": 5]]) { $1 })
        #expect(notText.status == 422 && notText.json["field"] as? String == "values.customer_name", "\(notText.text)")
        let notANumber = try await fill("newsletter", base.merging(["values": ["issue": "twelve"]]) { $1 })
        #expect(notANumber.status == 422 && notANumber.json["field"] as? String == "values.issue", "\(notANumber.text)")
        #expect(try await fill("newsletter", base.merging(["values": ["issue": "12"]]) { $1 }).status == 200)
        // A link address the URL allow-list refuses is named by its variable.
        let script = try await fill("welcome", base.merging(["values": ["customer_name": "Ana", "account_url": "javascript:alert(1)"]]) { $1 })
        #expect(script.status == 422 && script.json["field"] as? String == "values.account_url", "\(script.text)")
        #expect((script.json["detail"] as? String)?.contains("not allowed") == true, "\(script.text)")
        let noChannel = try await fill("welcome", ["campaign": "billing"])
        #expect(noChannel.status == 422 && noChannel.json["field"] as? String == "channel")
        #expect(noChannel.contentType == "application/problem+json")

        // Bruno is in billing and sales: an interaction of billing does not fill sales' template.
        let billing = try await server.startEmail(as: "bruno", campaign: "billing")
        let crossed = try await fill("welcome", ["campaign": "sales", "channel": "email", "interaction": billing], as: "bruno")
        #expect(crossed.status == 422 && crossed.json["field"] as? String == "interaction", "\(crossed.text)")
        // Eva sees neither billing nor its interactions.
        #expect(try await fill("welcome", ["campaign": "billing", "channel": "email"], as: "eva").status == 404)
        let sales = try await server.startEmail(as: "eva", campaign: "sales")
        #expect(try await fill("welcome", ["campaign": "sales", "channel": "email", "interaction": sales], as: "bruno").status == 200)
        #expect(try await fill("welcome", ["campaign": "billing", "channel": "email", "interaction": sales], as: "ana").status == 404)
    }
}

/// The library and the customer mapping without a server.
struct TemplateLibraryTests {
    @Test func aTemplateThatDoesNotLoadIsLeftOutAndReported() throws {
        let folder = try TemplateFolder.make()
        let library = TemplateLibrary(directory: folder)
        #expect(library.failures.count == 1)
        #expect(library.failures.first?.contains("broken.md") == true && library.failures.first?.contains("nmae") == true, "\(library.failures)")
        // The Spanish variant is offered through welcome, not as a second one.
        #expect(library.templates(of: "billing", for: .email).map(\.name) == ["newsletter", "order-shipped", "refund-note", "welcome"])
        #expect(library.template("refund-note", of: "sales") == nil)
    }

    @Test func theCustomersNameAddressNumberAndFieldsFillTheirVariables() throws {
        let library = TemplateLibrary(directory: try TemplateFolder.make())
        let template = try #require(library.template("order-shipped", of: "billing"))
        let customer = Customer(id: "cus-1", name: "Lucía", emailAddresses: ["lucia@example.com"], phoneNumbers: ["+34612345678"],
                                fields: ["order.id": "A-9", "order.carrier": "DHL", "tier": "gold"])
        #expect(TemplateFill.customerValues(customer) == ["customer_name": "Lucía", "name": "Lucía", "email": "lucia@example.com",
                                                          "phone": "+34612345678", "order.id": "A-9", "order.carrier": "DHL", "tier": "gold"])
        let result = try TemplateFill(template: template, channel: .sms).fill(values: ["order.carrier": "UPS"], customer: customer)
        #expect(result.sources == ["customer_name": .customer, "order.id": .customer, "order.carrier": .given])
        #expect(result.missing == ["order.tracking_url"])
        #expect(EditorHTMLWriter().write(result.filled.sms ?? result.filled.document).hasPrefix("<p>Hi Lucía, your Herald Home order A-9 has shipped with UPS."))
    }

    /// The six shipped templates fill for email and SMS with nothing given: what they require is
    /// listed missing, and the customer name's example ("Ana") never reaches the composer.
    @Test func everyShippedTemplateFillsWithNothingGivenAndListsWhatItRequires() throws {
        let library = TemplateLibrary(directory: Herald.repository.appendingPathComponent("Templates"))
        #expect(library.failures == [])
        let templates = library.templates(of: "any", for: .email)
        #expect(templates.map(\.name) == ["appointment-reminder", "invoice", "order-shipped", "password-reset", "support-follow-up", "welcome"])
        for template in templates {
            for channel in [ChannelID.email, .sms] {
                let result = try TemplateFill(template: template, channel: channel).fill(values: [:], customer: nil)
                let required = template.inputs(shownOn: channel).filter(\.required).map(\.path)
                #expect(!required.isEmpty && Set(result.missing).isSuperset(of: required), "\(template.name) \(channel): \(result.missing)")
                let html = EditorHTMLWriter().write(channel == .sms ? result.filled.sms ?? result.filled.document : result.filled.document)
                #expect(!html.contains(" Ana") && !html.contains(">Ana"), "\(template.name) \(channel): \(html)")
            }
        }
    }
}
