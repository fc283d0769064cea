import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HeraldTestSupport
import Testing

/// The providers' webhooks on a real `herald serve` (real SQLite): WhatsApp Cloud API messages
/// and statuses signed with X-Hub-Signature-256, Twilio-style SMS and status callbacks signed
/// with X-Twilio-Signature. Every signature here is computed by Python's hmac module, not by
/// the code under test; media come from the providers' stand-in (provider-server.py), which
/// records each request.
@Suite(.serialized) struct WebhookServerTests {
    static let appSecret = "meta-app-secret"
    static let verifyToken = "verify-me-please"
    static let smsToken = "twilio-auth-token"
    static let publicURL = "https://inbox.example.com"
    static let phoneNumberID = "106540352242922"  // billing's, in the test team

    /// A server with the webhooks' secrets, and the WhatsApp (and SMS) provider stand-ins.
    static func server(whatsapp provider: TestServer? = nil, sms: TestServer? = nil, arguments: [String] = []) throws -> ServerProcess {
        var environment = ["HERALD_WHATSAPP_APP_SECRET": appSecret, "HERALD_WHATSAPP_VERIFY_TOKEN": verifyToken, "HERALD_WHATSAPP_TOKEN": "wa-token",
                           "HERALD_SMS_TOKEN": smsToken, "HERALD_PUBLIC_URL": publicURL]
        if let provider {
            environment["HERALD_WHATSAPP_URL"] = "http://127.0.0.1:\(provider.port)/v23.0"
            environment["HERALD_WHATSAPP_PHONE_NUMBER_ID"] = phoneNumberID
        }
        if let sms {
            environment["HERALD_SMS_URL"] = "http://127.0.0.1:\(sms.port)"
            environment["HERALD_SMS_ACCOUNT"] = "AC0123456789abcdef"
            environment["HERALD_SMS_FROM"] = "+34600000000"
        }
        return try ServerProcess(arguments: arguments, environment: environment)
    }

    // MARK: Signatures, computed by Python

    static func python(_ script: String, _ arguments: [String], input: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// "sha256=" and the hex HMAC-SHA256 of the body.
    static func metaSignature(_ body: Data, secret: String = appSecret) throws -> String {
        "sha256=" + (try python("import hmac, hashlib, sys; print(hmac.new(sys.argv[1].encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())",
                                [secret], input: body))
    }

    /// Twilio's: base64(HMAC-SHA1(token, url + name + value for each parameter sorted by name)).
    static func twilioSignature(url: String, _ parameters: [(String, String)], token: String = smsToken) throws -> String {
        let json = try JSONSerialization.data(withJSONObject: parameters.map { [$0.0, $0.1] })
        return try python("""
            import base64, hmac, hashlib, json, sys
            params = json.load(sys.stdin)
            data = sys.argv[2] + "".join(k + v for k, v in sorted(params))
            print(base64.b64encode(hmac.new(sys.argv[1].encode(), data.encode(), hashlib.sha1).digest()).decode())
            """, [token, url], input: json)
    }

    static func form(_ parameters: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Data(parameters.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
    }

    // MARK: Payloads

    static func textMessage(id: String, from: String = "34612345678", name: String = "Lucía Pérez", text: String = "Hola, my order has not arrived",
                            at: Date = Date()) -> [String: Any] {
        ["from": from, "id": id, "timestamp": String(Int(at.timeIntervalSince1970)), "type": "text", "text": ["body": text]]
    }

    static func payload(messages: [[String: Any]] = [], statuses: [[String: Any]] = [], name: String = "Lucía Pérez", waID: String = "34612345678") throws -> Data {
        var value: [String: Any] = ["messaging_product": "whatsapp",
                                    "metadata": ["display_phone_number": "34600000000", "phone_number_id": phoneNumberID]]
        if !messages.isEmpty { value["contacts"] = [["profile": ["name": name], "wa_id": waID]]; value["messages"] = messages }
        if !statuses.isEmpty { value["statuses"] = statuses }
        let body: [String: Any] = ["object": "whatsapp_business_account",
                                   "entry": [["id": "102290129340398", "changes": [["field": "messages", "value": value]]]]]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    static func status(_ id: String, _ status: String, at: Int, recipient: String = "34612345678", error: (Int, String)? = nil) -> [String: Any] {
        var object: [String: Any] = ["id": id, "status": status, "timestamp": String(at), "recipient_id": recipient]
        if let error { object["errors"] = [["code": error.0, "title": error.1]] }
        return object
    }

    func postWhatsApp(_ server: ServerProcess, _ body: Data, signature: String?) async throws -> ServerProcess.Answer {
        try await server.request("POST", "/webhooks/whatsapp", as: nil, rawBody: body,
                                 headers: signature.map { ["X-Hub-Signature-256": $0] } ?? [:], contentType: "application/json")
    }

    func pending(_ server: ServerProcess, campaign: String = "billing") async throws -> [[String: Any]] {
        try await server.request("GET", "/api/v1/tabs/pending?campaign=\(campaign)", as: "ana").list
    }

    func messages(_ server: ServerProcess, _ interaction: String) async throws -> [[String: Any]] {
        try await server.request("GET", "/api/v1/interactions/\(interaction)", as: "ana").json["messages"] as? [[String: Any]] ?? []
    }

    // MARK: WhatsApp

    @Test func theVerificationChallengeAnswersOnlyTheVerifyToken() async throws {
        // The secrets from files (a container's secrets), with a final newline as editors leave it.
        let secrets = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: secrets) }
        let tokenFile = secrets.appendingPathComponent("verify-token"), secretFile = secrets.appendingPathComponent("app-secret")
        try (Self.verifyToken + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        try (Self.appSecret + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
        let server = try ServerProcess(environment: ["HERALD_WHATSAPP_VERIFY_TOKEN_FILE": tokenFile.path, "HERALD_WHATSAPP_APP_SECRET_FILE": secretFile.path])
        let ok = try await server.request("GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=\(Self.verifyToken)&hub.challenge=1158201444", as: nil)
        #expect(ok.status == 200 && ok.text == "1158201444" && ok.contentType.hasPrefix("text/plain"), "\(ok.status) \(ok.text)")
        let wrong = try await server.request("GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444", as: nil)
        #expect(wrong.status == 403 && wrong.contentType.hasPrefix("application/problem+json") && !wrong.text.contains("1158201444"), "\(wrong.text)")
        let mode = try await server.request("GET", "/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=\(Self.verifyToken)&hub.challenge=1", as: nil)
        #expect(mode.status == 403)
        let none = try await server.request("GET", "/webhooks/whatsapp", as: nil)
        #expect(none.status == 403)
        // The app secret read from its file signs as well.
        let body = try Self.payload(messages: [Self.textMessage(id: "wamid.fromfile")])
        #expect(try await postWhatsApp(server, body, signature: try Self.metaSignature(body)).status == 200)
    }

    @Test func aMessageToANumberNoCampaignAnswersIsRefusedAndNotStored() async throws {
        let server = try Self.server()
        var body = try Self.payload(messages: [Self.textMessage(id: "wamid.nowhere")])
        body = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: Self.phoneNumberID, with: "999999999999999").utf8)
        let refused = try await postWhatsApp(server, body, signature: try Self.metaSignature(body))
        // Not a 200: Meta delivers it again later, when a campaign may answer at that number.
        #expect(refused.status == 404 && refused.json["field"] as? String == "receivedBy", "\(refused.text)")
        #expect(try await pending(server).isEmpty)
    }

    @Test func aPublicURLThatIsNotHTTPStopsTheServerFromStarting() throws {
        let folder = try Herald.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Herald.run(["serve", "--port", "0", "--data", folder.appendingPathComponent("data").path, "--public-url", "ftp://inbox.example.com"], in: folder)
        #expect(run.status == 64 && run.stderr.contains("'ftp://inbox.example.com' is not an http(s) URL"), "\(run.status) \(run.stderr)")
    }

    @Test func aSignedTextMessageOpensAPendingInteractionOnceNamedFromTheProfile() async throws {
        let server = try Self.server()
        let body = try Self.payload(messages: [Self.textMessage(id: "wamid.HBgLMzQ2MTIzNDU2NzgVAgASGBQzQUZ")])
        let first = try await postWhatsApp(server, body, signature: try Self.metaSignature(body))
        #expect(first.status == 200, "\(first.text)")
        let reception = try #require((first.json["messages"] as? [[String: Any]])?.first)
        #expect(reception["outcome"] as? String == "opened" && reception["campaign"] as? String == "billing", "\(first.text)")
        let interaction = try #require(reception["interaction"] as? String)

        let tab = try await pending(server)
        #expect(tab.map { $0["id"] as? String } == [interaction] && tab.first?["channel"] as? String == "whatsapp", "\(tab)")
        let card = try await server.request("GET", "/api/v1/interactions/\(interaction)/customer", as: "ana").json["customer"] as? [String: Any]
        #expect(card?["name"] as? String == "Lucía Pérez" && card?["phoneNumbers"] as? [String] == ["+34612345678"], "\(card ?? [:])")
        let stored = try await messages(server, interaction)
        let inbound = stored.first?["inbound"] as? [String: Any]
        #expect(stored.count == 1 && inbound?["text"] as? String == "Hola, my order has not arrived" && inbound?["kind"] as? String == "text", "\(stored)")
        #expect(inbound?["receivedBy"] as? String == Self.phoneNumberID && inbound?["externalID"] as? String == "wamid.HBgLMzQ2MTIzNDU2NzgVAgASGBQzQUZ")

        // Meta delivers the same webhook again: 200, and still one message.
        let again = try await postWhatsApp(server, body, signature: try Self.metaSignature(body))
        #expect(again.status == 200 && (again.json["messages"] as? [[String: Any]])?.first?["outcome"] as? String == "duplicate", "\(again.text)")
        #expect(try await messages(server, interaction).count == 1)
        #expect(try await pending(server).count == 1)
    }

    @Test func aBadOrMissingSignatureIs401AndStoresNothing() async throws {
        let server = try Self.server()
        let body = try Self.payload(messages: [Self.textMessage(id: "wamid.unsigned")])
        let otherBody = try Self.payload(messages: [Self.textMessage(id: "wamid.other")])
        let wrongSecret = try Self.metaSignature(body, secret: "not-the-secret")
        let valid = try Self.metaSignature(body)
        for signature in [nil, "", wrongSecret, try Self.metaSignature(otherBody), String(valid.dropFirst(7)), "sha1=" + valid.dropFirst(7),
                          valid.dropLast(2) + "00", valid + "00"] as [String?] {
            let refused = try await postWhatsApp(server, body, signature: signature)
            #expect(refused.status == 401 && refused.contentType.hasPrefix("application/problem+json"), "\(signature ?? "none"): \(refused.text)")
            #expect(refused.json["type"] as? String == "urn:herald:problem:badSignature")
            // It asks for the provider's signature, not for an agent's bearer token.
            #expect(refused.headers["www-authenticate"] == nil)
        }
        // A body changed by one byte after signing.
        var tampered = body
        tampered[tampered.count - 3] ^= 1
        #expect(try await postWhatsApp(server, tampered, signature: valid).status == 401)
        // Statuses are refused the same way.
        let status = try Self.payload(statuses: [Self.status("wamid.x", "read", at: 1_700_000_000)])
        #expect(try await postWhatsApp(server, status, signature: wrongSecret).status == 401)
        #expect(try await pending(server).isEmpty)

        // Over the body limit: 413 before the signature is even looked at.
        let huge = Data(count: (1 << 20) + 1)
        let tooLarge = try await postWhatsApp(server, huge, signature: try Self.metaSignature(huge))
        #expect(tooLarge.status == 413, "\(tooLarge.text)")
        // Signed, but not JSON: 400.
        let junk = Data("not json".utf8)
        #expect(try await postWhatsApp(server, junk, signature: try Self.metaSignature(junk)).status == 400)
    }

    @Test func aServerWithoutTheSecretsServesNoWebhook() async throws {
        let server = try ServerProcess()
        let body = try Self.payload(messages: [Self.textMessage(id: "wamid.nosecret")])
        let whatsapp = try await postWhatsApp(server, body, signature: try Self.metaSignature(body))
        #expect(whatsapp.status == 404 && (whatsapp.json["detail"] as? String)?.contains("HERALD_WHATSAPP_APP_SECRET") == true, "\(whatsapp.text)")
        let verify = try await server.request("GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1", as: nil)
        #expect(verify.status == 404 && (verify.json["detail"] as? String)?.contains("HERALD_WHATSAPP_VERIFY_TOKEN") == true)
        let sms = try await server.request("POST", "/webhooks/sms", as: nil, rawBody: Self.form([("MessageSid", "SM1")]), contentType: "application/x-www-form-urlencoded")
        #expect(sms.status == 404 && (sms.json["detail"] as? String)?.contains("HERALD_SMS_TOKEN") == true, "\(sms.text)")
        #expect(try await pending(server).isEmpty)
    }

    /// A 1×1 PNG.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!

    @Test func anImageIsDownloadedCheckedAndKeptWithLibmagicsType() async throws {
        let provider = try TestServer(script: "provider-server.py", ["--api", "whatsapp", "--token", "wa-token"])
        let server = try Self.server(whatsapp: provider)
        let media = provider.spool.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        try Self.png.write(to: media.appendingPathComponent("1166846181421424"))
        // Declared a JPEG (by the webhook and by the media endpoint): libmagic finds the PNG.
        let image: [String: Any] = ["from": "34612345678", "id": "wamid.image1", "timestamp": String(Int(Date().timeIntervalSince1970)), "type": "image",
                                    "image": ["caption": "the broken box", "mime_type": "image/jpeg", "sha256": "ignored", "id": "1166846181421424"]]
        let body = try Self.payload(messages: [image])
        let answer = try await postWhatsApp(server, body, signature: try Self.metaSignature(body))
        #expect(answer.status == 200, "\(answer.text)")
        let interaction = try #require((answer.json["messages"] as? [[String: Any]])?.first?["interaction"] as? String)

        // The media endpoint, then the URL it gave, both with the access token.
        let requests = try provider.requests()
        #expect(requests.map { "\($0.method) \($0.path)" } == ["GET /v23.0/1166846181421424", "GET /media-files/1166846181421424"])
        #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer wa-token" && $0.body.isEmpty })

        let inbound = try #require(try await messages(server, interaction).first?["inbound"] as? [String: Any])
        #expect(inbound["text"] as? String == "the broken box" && inbound["kind"] as? String == "image")
        let file = try #require((inbound["files"] as? [[String: Any]])?.first)
        let sha256 = try Self.python("import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())", [], input: Self.png)
        #expect(file["mediaType"] as? String == "image/png" && file["size"] as? Int == Self.png.count && file["sha256"] as? String == sha256, "\(file)")
        #expect(file["name"] as? String == "image-1166846181421424.jpg")
        let kept = server.data.appendingPathComponent("inbound-files/\(sha256.prefix(2))/\(sha256)")
        #expect(try Data(contentsOf: kept) == Self.png)

        // A download whose SHA-256 is not the one announced: 502 (Meta retries), nothing stored.
        try Self.png.write(to: media.appendingPathComponent("2266846181421424"))
        try String(repeating: "ab", count: 32).write(to: media.appendingPathComponent("2266846181421424.sha256"), atomically: true, encoding: .utf8)
        var corrupt = image
        corrupt["id"] = "wamid.image2"
        corrupt["from"] = "34699999999"
        corrupt["image"] = ["mime_type": "image/jpeg", "id": "2266846181421424"]
        let second = try Self.payload(messages: [corrupt], waID: "34699999999")
        let refused = try await postWhatsApp(server, second, signature: try Self.metaSignature(second))
        #expect(refused.status == 502 && (refused.json["detail"] as? String)?.contains("SHA-256") == true, "\(refused.text)")
        #expect(try await pending(server).count == 1)
        // A media the provider does not have: 502 too.
        corrupt["image"] = ["mime_type": "image/jpeg", "id": "3366846181421424"]
        let third = try Self.payload(messages: [corrupt], waID: "34699999999")
        #expect(try await postWhatsApp(server, third, signature: try Self.metaSignature(third)).status == 502)
        #expect(try await pending(server).count == 1)
    }

    @Test func everyKindOfMessageIsKeptSayingWhatItWas() async throws {
        let server = try Self.server()
        let now = String(Int(Date().timeIntervalSince1970))
        func message(_ n: Int, _ type: String, _ fields: [String: Any]) -> [String: Any] {
            ["from": "34612345678", "id": "wamid.kind\(n)", "timestamp": now, "type": type].merging(fields) { $1 }
        }
        let body = try Self.payload(messages: [
            message(1, "location", ["location": ["latitude": 40.4168, "longitude": -3.7038, "name": "Sol", "address": "Puerta del Sol, Madrid"]]),
            message(2, "button", ["button": ["text": "Yes, call me", "payload": "CALL"], "context": ["id": "wamid.template1"]]),
            message(3, "interactive", ["interactive": ["type": "button_reply", "button_reply": ["id": "b1", "title": "Refund"]]]),
            message(4, "interactive", ["interactive": ["type": "list_reply", "list_reply": ["id": "l2", "title": "Tomorrow", "description": "9:00–13:00"]]]),
            message(5, "reaction", ["reaction": ["message_id": "wamid.kind1", "emoji": "👍"]]),
            message(6, "unsupported", ["errors": [["code": 131051, "title": "Message type unknown"]]]),
            message(7, "contacts", ["contacts": [["name": ["formatted_name": "Ana"]]]]),
        ])
        let answer = try await postWhatsApp(server, body, signature: try Self.metaSignature(body))
        #expect(answer.status == 200, "\(answer.text)")
        let receptions = try #require(answer.json["messages"] as? [[String: Any]])
        #expect(receptions.map { $0["outcome"] as? String } == ["opened", "added", "added", "added", "added", "added", "added"], "\(answer.text)")
        let interaction = try #require(receptions.first?["interaction"] as? String)
        let texts = try await messages(server, interaction).map { ($0["inbound"] as? [String: Any])?["text"] as? String ?? "" }
        #expect(texts == [
            "📍 Sol, Puerta del Sol, Madrid (40.4168, -3.7038)",
            "Yes, call me",
            "Refund",
            "Tomorrow — 9:00–13:00",
            "reacted 👍 to a message",
            "(a WhatsApp message of type unsupported, which Herald cannot show: Message type unknown)",
            "(a WhatsApp message of type contacts, which Herald cannot show)",
        ], "\(texts)")
    }

    /// Ana's template to +34612345678 through the stand-in, delivered by the server's worker:
    /// the interaction, once the stand-in accepted it as wamid.TEST<n>.
    func sentTemplate(_ server: ServerProcess, to number: String = "+34 612 345 678") async throws -> String {
        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "whatsapp", "campaign": "billing", "to": [number],
            "message": ["template": "order_update", "parameters": ["Lucía", "A-1001"]],
        ])
        let interaction = try #require(started.json["id"] as? String, "\(started.text)")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let delivery = try await messages(server, interaction).first?["delivery"] as? [[String: Any]]
            if (delivery?.first?["detail"] as? String)?.hasPrefix("accepted as ") == true { return interaction }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw ServerProcess.Failure("the template was not delivered to the stand-in")
    }

    func receipt(_ server: ServerProcess, _ interaction: String) async throws -> [String: Any]? {
        ((try await messages(server, interaction).first?["delivery"] as? [[String: Any]])?.first)?["receipt"] as? [String: Any]
    }

    @Test func statusesOutOfOrderNeverMoveAMessageBackwards() async throws {
        let provider = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let server = try Self.server(whatsapp: provider)
        let interaction = try await sentTemplate(server)
        let wamid = "wamid.TEST1"  // the stand-in's answer to its first request
        var kept: [Bool] = []
        for (status, at) in [("delivered", 1_764_500_000), ("read", 1_764_500_060), ("delivered", 1_764_500_001), ("sent", 1_764_499_999)] {
            let body = try Self.payload(statuses: [Self.status(wamid, status, at: at)])
            let answer = try await postWhatsApp(server, body, signature: try Self.metaSignature(body))
            #expect(answer.status == 200, "\(answer.text)")
            kept += (answer.json["statuses"] as? [[String: Any]] ?? []).compactMap { $0["kept"] as? Bool }
        }
        #expect(kept == [true, true, false, false])
        let read = try #require(try await receipt(server, interaction))
        #expect(read["status"] as? String == "read" && read["externalID"] as? String == wamid && read["recipient"] as? String == "+34612345678", "\(read)")
        #expect(read["at"] as? String == "2025-11-30T10:54:20Z", "\(read)")

        // Another message fails, with Meta's code and title.
        let other = try await sentTemplate(server, to: "+34 699 999 999")
        let failed = try Self.payload(statuses: [Self.status("wamid.TEST2", "failed", at: 1_764_500_100, recipient: "34699999999", error: (131026, "Message undeliverable"))])
        #expect(try await postWhatsApp(server, failed, signature: try Self.metaSignature(failed)).status == 200)
        let failure = try #require(try await receipt(server, other))
        #expect(failure["status"] as? String == "failed" && failure["detail"] as? String == "131026 Message undeliverable", "\(failure)")
        // A delivered after the failure (multi-device) leaves it failed.
        let late = try Self.payload(statuses: [Self.status("wamid.TEST2", "delivered", at: 1_764_500_200, recipient: "34699999999")])
        #expect(try await postWhatsApp(server, late, signature: try Self.metaSignature(late)).status == 200)
        #expect(try await receipt(server, other)?["status"] as? String == "failed")
    }

    @Test func theCustomersMessageOpensTheWindowAndOneFrom25HoursAgoDoesNot() async throws {
        let provider = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let server = try Self.server(whatsapp: provider)
        // Written now: the agent may answer in free form, without a template.
        let fresh = try Self.payload(messages: [Self.textMessage(id: "wamid.fresh")])
        let opened = try await postWhatsApp(server, fresh, signature: try Self.metaSignature(fresh))
        let interaction = try #require((opened.json["messages"] as? [[String: Any]])?.first?["interaction"] as? String, "\(opened.text)")
        #expect(try await server.request("POST", "/api/v1/interactions/\(interaction)/take", as: "ana").status == 200)
        let reply = try await server.request("POST", "/api/v1/interactions/\(interaction)/messages", as: "ana", json: ["markdown": "Sorry! It ships **today**."])
        #expect(reply.status == 201, "\(reply.text)")

        // Written 25 hours ago (delivered late): the window closed an hour ago.
        let written = Date().addingTimeInterval(-25 * 3600)
        let stale = try Self.payload(messages: [Self.textMessage(id: "wamid.stale", from: "34699999999", at: written)], name: "Marta", waID: "34699999999")
        let staleAnswer = try await postWhatsApp(server, stale, signature: try Self.metaSignature(stale))
        let old = try #require((staleAnswer.json["messages"] as? [[String: Any]])?.first?["interaction"] as? String, "\(staleAnswer.text)")
        #expect(try await server.request("POST", "/api/v1/interactions/\(old)/take", as: "ana").status == 200)
        let refused = try await server.request("POST", "/api/v1/interactions/\(old)/messages", as: "ana", json: ["markdown": "Sorry!"])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let closed = formatter.string(from: Date(timeIntervalSince1970: Double(Int(written.timeIntervalSince1970)) + 24 * 3600)) + " UTC"
        #expect(refused.status == 422 && (refused.json["detail"] as? String)?.contains("it closed at \(closed)") == true, "\(refused.text)")

        // The reply went to the stand-in as free-form text; nothing was sent for the refused one.
        let deadline = Date().addingTimeInterval(20)
        while try provider.requests().isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let sent = try provider.requests().compactMap { try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
        #expect(sent.count == 1 && sent.first?["type"] as? String == "text" && sent.first?["to"] as? String == "+34612345678", "\(sent)")
    }

    // MARK: SMS

    func postSMS(_ server: ServerProcess, _ path: String, _ parameters: [(String, String)], signature: String?) async throws -> ServerProcess.Answer {
        try await server.request("POST", path, as: nil, rawBody: Self.form(parameters),
                                 headers: signature.map { ["X-Twilio-Signature": $0] } ?? [:], contentType: "application/x-www-form-urlencoded")
    }

    @Test func anSMSAndItsStatusesSignedByTwilio() async throws {
        let sms = try TestServer(script: "provider-server.py", ["--api", "sms"])
        let server = try Self.server(sms: sms)
        let inbound: [(String, String)] = [("ToCountry", "ES"), ("SmsMessageSid", "SM5a1"), ("NumMedia", "0"), ("Body", "¿Dónde está mi pedido? 100% urgent & now"),
                                           ("To", "+34600000001"), ("MessageSid", "SM5a1"), ("From", "+34612345678"), ("AccountSid", "AC0123456789abcdef")]
        let url = Self.publicURL + "/webhooks/sms"
        // Signed for another URL, or with another token: refused, nothing stored.
        for signature in [try Self.twilioSignature(url: "https://elsewhere.example.com/webhooks/sms", inbound),
                          try Self.twilioSignature(url: url, inbound, token: "wrong"), "", nil] as [String?] {
            let refused = try await postSMS(server, "/webhooks/sms", inbound, signature: signature)
            #expect(refused.status == 401 && refused.json["type"] as? String == "urn:herald:problem:badSignature", "\(refused.text)")
        }
        #expect(try await server.request("GET", "/api/v1/tabs/pending?campaign=support", as: "eva").list.isEmpty)

        let answer = try await postSMS(server, "/webhooks/sms", inbound, signature: try Self.twilioSignature(url: url, inbound))
        #expect(answer.status == 200 && answer.contentType.hasPrefix("text/xml") && answer.text.hasSuffix("<Response/>"), "\(answer.text)")
        let tab = try await server.request("GET", "/api/v1/tabs/pending?campaign=support", as: "eva").list
        let interaction = try #require(tab.first?["id"] as? String, "\(tab)")
        let stored = try await server.request("GET", "/api/v1/interactions/\(interaction)", as: "eva").json["messages"] as? [[String: Any]]
        #expect((stored?.first?["inbound"] as? [String: Any])?["text"] as? String == "¿Dónde está mi pedido? 100% urgent & now", "\(stored ?? [])")
        // Twilio's retry of the same message: one message still.
        #expect(try await postSMS(server, "/webhooks/sms", inbound, signature: try Self.twilioSignature(url: url, inbound)).status == 200)
        #expect((try await server.request("GET", "/api/v1/interactions/\(interaction)", as: "eva").json["messages"] as? [[String: Any]])?.count == 1)

        // Ana's SMS, accepted by the stand-in as SM1, then its status callbacks.
        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "sms", "campaign": "billing", "to": ["+34 612 345 678"], "message": ["markdown": "Your order ships today."],
        ])
        let sent = try #require(started.json["id"] as? String, "\(started.text)")
        let deadline = Date().addingTimeInterval(20)
        while try sms.requests().isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let statusURL = Self.publicURL + "/webhooks/sms/status"
        for (state, code) in [("sent", ""), ("undelivered", "30003"), ("delivered", "")] {
            let callback = [("MessageSid", "SM1"), ("MessageStatus", state), ("To", "+34612345678"), ("From", "+34600000000"), ("ErrorCode", code)]
            let wrong = try await postSMS(server, "/webhooks/sms/status", callback, signature: try Self.twilioSignature(url: url, callback))
            #expect(wrong.status == 401, "signed for the inbound URL, not the status one")
            let answered = try await postSMS(server, "/webhooks/sms/status", callback, signature: try Self.twilioSignature(url: statusURL, callback))
            #expect(answered.status == 204, "\(answered.text)")
        }
        var receipt: [String: Any]?
        while Date() < deadline {
            let delivery = (try await messages(server, sent).first?["delivery"] as? [[String: Any]])?.first
            receipt = delivery?["receipt"] as? [String: Any]
            if receipt != nil { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        // Undelivered is a failure with the code; the late "delivered" does not undo it.
        #expect(receipt?["status"] as? String == "failed" && receipt?["detail"] as? String == "undelivered (error 30003)", "\(receipt ?? [:])")
    }
}
