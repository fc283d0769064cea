import Foundation
import HeraldTestSupport
import Testing

/// Starting SMS, WhatsApp and phone interactions over HTTP against a real `herald serve`, its
/// worker delivering to the providers' local stand-in (which records each request as received):
/// each message leaves from the campaign's own sender.
@Suite(.serialized) struct ChannelStartServerTests {
    /// The stand-in's requests once `count` have arrived (the server's worker sends them; at most 20 s).
    func requests(_ provider: TestServer, count: Int) async throws -> [(method: String, path: String, headers: [String: String], body: [UInt8])] {
        let deadline = Date().addingTimeInterval(20)
        while true {
            let seen = try provider.requests()
            if seen.count >= count || Date() > deadline { return seen }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    @Test func anSMSStartLeavesFromTheCampaignsNumber() async throws {
        let provider = try TestServer(script: "provider-server.py", ["--api", "sms", "--statuses", "201"])
        let server = try ServerProcess(environment: ["HERALD_SMS_URL": "http://127.0.0.1:\(provider.port)", "HERALD_SMS_ACCOUNT": "AC1",
                                                     "HERALD_SMS_TOKEN": "t0k", "HERALD_SMS_FROM": "+15550100"])
        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "sms", "campaign": "billing", "to": ["612 345 678"], "message": ["markdown": "**Your order** shipped: café."],
        ])
        #expect(started.status == 201, "\(started.text)")
        let sent = try await requests(provider, count: 1)
        try #require(sent.count == 1)
        #expect(sent[0].path == "/2010-04-01/Accounts/AC1/Messages.json")
        #expect(sent[0].headers["authorization"] == "Basic " + Data("AC1:t0k".utf8).base64EncodedString())
        #expect(sent[0].headers["content-type"] == "application/x-www-form-urlencoded")
        // Billing's own number, not the account's default; the text as the customer reads it.
        #expect(String(decoding: sent[0].body, as: UTF8.self) == "To=%2B34612345678&From=%2B34600000000&Body=Your%20order%20shipped%3A%20caf%C3%A9.")
        let shown = try await server.request("GET", "/api/v1/interactions/\(try #require(started.json["id"] as? String))", as: "ana")
        let delivery = (shown.json["messages"] as? [[String: Any]])?.first?["delivery"] as? [[String: Any]]
        #expect(delivery?.first?["recipient"] as? String == "+34612345678")
        #expect(delivery?.first?["status"] as? String == "accepted")
    }

    @Test func aWhatsAppStartSendsTheApprovedTemplateFromTheCampaignsNumber() async throws {
        let provider = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let server = try ServerProcess(environment: ["HERALD_WHATSAPP_URL": "http://127.0.0.1:\(provider.port)/v23.0",
                                                     "HERALD_WHATSAPP_PHONE_NUMBER_ID": "999", "HERALD_WHATSAPP_TOKEN": "wa-token"])
        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "whatsapp", "campaign": "billing", "to": ["+34 612 345 678"],
            "message": ["template": "order_update", "parameters": ["Lucía", "A-1001"]],
        ])
        #expect(started.status == 201, "\(started.text)")
        let sent = try await requests(provider, count: 1)
        try #require(sent.count == 1)
        #expect(sent[0].path == "/v23.0/106540352242922/messages")
        #expect(sent[0].headers["authorization"] == "Bearer wa-token")
        #expect(sent[0].headers["content-type"] == "application/json")
        // The Cloud API's template message (channels.md): the template by name and language, the
        // body's values as text parameters in order.
        let expected = #"{"messaging_product":"whatsapp","recipient_type":"individual","to":"+34612345678","type":"template","template":{"name":"order_update","language":{"code":"es"},"components":[{"type":"body","parameters":[{"type":"text","text":"Lucía"},{"type":"text","text":"A-1001"}]}]}}"#
        // Compared as JSON values (Herald writes the body pretty-printed with sorted keys).
        let body = try JSONSerialization.jsonObject(with: Data(sent[0].body)) as? NSDictionary
        #expect(body == (try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? NSDictionary), "\(String(decoding: sent[0].body, as: UTF8.self))")
    }

    @Test func aPhoneStartRecordsTheNumberDialledAndSendsNothing() async throws {
        let server = try ServerProcess()
        // Dani, the administrator, gives billing a phone line with an outside-line prefix.
        var billing = try await server.request("GET", "/api/v1/campaigns/billing", as: "dani").json
        var channels = try #require(billing["channels"] as? [String: Any])
        channels["phone"] = ["dialRule": ["prefix": "0", "homeCountryCode": "34", "nationalPrefix": ""]]
        billing["channels"] = channels
        let saved = try await server.request("PUT", "/api/v1/campaigns/billing", as: "dani", json: billing)
        #expect(saved.status == 200, "\(saved.text)")
        let options = try await server.request("GET", "/api/v1/start-options", as: "ana").list
        #expect(options.contains { $0["channel"] as? String == "phone" })

        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "phone", "campaign": "billing", "to": ["612 345 678"],
        ])
        #expect(started.status == 201, "\(started.text)")
        let call = try #require(started.json["call"] as? [String: Any], "\(started.text)")
        #expect(call["number"] as? String == "+34612345678")
        #expect(call["dialled"] as? String == "0612345678")
        #expect(started.json["state"] as? String == "active" && (started.json["messages"] as? [Any])?.isEmpty == true)
        let outbox = try Herald.run(["outbox", "list", "--outbox", server.data.appendingPathComponent("outbox.sqlite").path], in: server.directory)
        #expect(outbox.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(outbox.stdout)")
        // A campaign without a phone line is not offered for phone.
        let sales = try await server.request("POST", "/api/v1/interactions", as: "bruno", json: ["channel": "phone", "campaign": "sales", "to": ["612345678"]])
        #expect(sales.status == 422 || sales.status == 409, "\(sales.text)")
    }

    @Test func thePreviewIsTheServersRenderingOfTheDraft() async throws {
        let server = try ServerProcess()
        let sms = try await server.request("POST", "/api/v1/preview", as: "ana", json: ["channel": "sms", "html": "<p>Your <b>order</b> shipped: café</p>"])
        #expect(sms.status == 200)
        #expect(sms.json["text"] as? String == "Your order shipped: café")
        let report = try #require(sms.json["sms"] as? [String: Any])
        #expect(report["encoding"] as? String == "GSM-7" && report["segmentCount"] as? Int == 1, "\(sms.text)")
        let unicode = try await server.request("POST", "/api/v1/preview", as: "ana", json: ["channel": "sms", "markdown": "Gracias 🙏"])
        #expect((unicode.json["sms"] as? [String: Any])?["nonGSMCharacters"] as? [String] == ["🙏"], "\(unicode.text)")
        let email = try await server.request("POST", "/api/v1/preview", as: "ana", json: ["channel": "email", "html": "<p>Your <b>order</b></p>", "subject": "Hi"])
        #expect((email.json["html"] as? String)?.contains("<strong style=\"font-weight:bold;\">order</strong>") == true)
        let text = try #require(email.json["text"] as? String)
        #expect(text.contains("Your") && text.contains("order") && !text.contains("<"), "the text alternative: \(text)")
        let whatsapp = try await server.request("POST", "/api/v1/preview", as: "ana", json: ["channel": "whatsapp", "html": "<p>Your <b>order</b></p>"])
        #expect(whatsapp.json["text"] as? String == "Your *order*\n", "\(whatsapp.text)")
        #expect(whatsapp.json["html"] as? String == "Your <strong>order</strong>", "the bubble with WhatsApp's marks applied")
        let phone = try await server.request("POST", "/api/v1/preview", as: "ana", json: ["channel": "phone", "markdown": "x"])
        #expect(phone.status == 400 && phone.json["field"] as? String == "channel")
    }

    @Test func addressesAreReadAsTheHeadersWillBe() async throws {
        let server = try ServerProcess()
        let list = try await server.request("POST", "/api/v1/addresses", as: "ana", json: ["text": "\"Díaz, Bruno\" <bruno@example.com>, ana@EXAMPLE.com"])
        #expect(list.status == 200)
        let addresses = try #require(list.json["addresses"] as? [[String: String]])
        #expect(addresses.map { $0["addrSpec"] } == ["bruno@example.com", "ana@example.com"], "\(list.text)")
        // Quoted again, so the chip's value reads back as the same mailbox when the start sends it.
        #expect(addresses.first?["address"] == "\"Díaz, Bruno\" <bruno@example.com>")
        for bad in ["not an address", "ana@", "<a@example.com>\r\nBcc: x@example.com"] {
            let refused = try await server.request("POST", "/api/v1/addresses", as: "ana", json: ["text": bad])
            #expect(refused.status == 422 && refused.json["field"] as? String == "text", "\(bad): \(refused.text)")
            #expect((refused.json["detail"] as? String)?.isEmpty == false)
        }
    }
}
