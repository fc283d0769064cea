import Foundation
import HeraldTestSupport
import Testing

/// `herald send --channel sms|whatsapp` through the outbox to the providers' local stand-in.
@Suite(.serialized) struct SendChannelsTests {
    @Test func whatsappTemplateThroughTheOutbox() throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = directory.appendingPathComponent("order_shipped.json")
        try Data(#"{"name": "order_shipped", "language": "es_ES", "category": "UTILITY", "body": "Hola {{1}}, tu pedido {{2}} ha salido."}"#.utf8).write(to: template)
        let environment = ["HERALD_WHATSAPP_URL": "http://127.0.0.1:\(server.port)/v23.0", "HERALD_WHATSAPP_PHONE_NUMBER_ID": "1065",
                           "HERALD_WHATSAPP_TOKEN": "test-token"]
        // A template message carries no body of its own; the input is still required, so an empty file stands in.
        let input = directory.appendingPathComponent("empty.md")
        try Data().write(to: input)
        let result = try HeraldProcess.run(["send", input.path, "--channel", "whatsapp", "--to", "612 345 678", "--country-code", "34",
                                            "--whatsapp-template", template.path, "--param", "Ana", "--param", "A-1001"],
                                           in: directory, environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("accepted  +34612345678  200 accepted as wamid.TEST1"))
        let request = try #require(try server.requests().first)
        #expect(request.path == "/v23.0/1065/messages")
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(body?["to"] as? String == "+34612345678")
        #expect((body?["template"] as? [String: Any])?["name"] as? String == "order_shipped")

        // A user known only by a business-scoped user ID: the ID goes in "recipient", not "to".
        let bsuid = try HeraldProcess.run(["send", input.path, "--channel", "whatsapp", "--to", "US.13491208655302741918",
                                           "--whatsapp-template", template.path, "--param", "Ana", "--param", "A-1002"],
                                          in: directory, environment: environment)
        #expect(bsuid.status == 0, "\(bsuid.stdout)\(bsuid.stderr)")
        #expect(bsuid.stdout.contains("accepted  US.13491208655302741918"))
        let second = try JSONSerialization.jsonObject(with: Data(try #require(try server.requests().last).body)) as? [String: Any]
        #expect(second?["recipient"] as? String == "US.13491208655302741918" && second?["to"] == nil)
    }

    @Test func whatsappTextThenMediaAndAVoiceNote() throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixtures = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/attachments")
        let input = directory.appendingPathComponent("reply.md")
        try Data("Here is **your invoice**.".utf8).write(to: input)
        let environment = ["HERALD_WHATSAPP_URL": "http://127.0.0.1:\(server.port)/v23.0", "HERALD_WHATSAPP_PHONE_NUMBER_ID": "1065",
                           "HERALD_WHATSAPP_TOKEN": "t"]
        let now = String(Int(Date().timeIntervalSince1970))
        let result = try HeraldProcess.run(["send", input.path, "--channel", "whatsapp", "--to", "+34612345678", "--last-inbound", now,
                                            "--attach", fixtures.appendingPathComponent("sample.pdf").path,
                                            "--attach", fixtures.appendingPathComponent("voice-note.ogg").path, "--voice-note"],
                                           in: directory, environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // Two uploads, then the document with the text as its caption, then the voice note.
        let requests = try server.requests()
        #expect(requests.map(\.path) == ["/v23.0/1065/media", "/v23.0/1065/media", "/v23.0/1065/messages", "/v23.0/1065/messages"])
        guard requests.count == 4 else { return }
        let document = try JSONSerialization.jsonObject(with: Data(requests[2].body)) as? [String: Any]
        #expect(document?["type"] as? String == "document")
        #expect(document?["document"] as? [String: String] == ["id": "4490709327384001", "caption": "Here is *your invoice*.", "filename": "sample.pdf"])
        let voice = try JSONSerialization.jsonObject(with: Data(requests[3].body)) as? [String: Any]
        #expect(voice?["type"] as? String == "audio")
        #expect((voice?["audio"] as? [String: Any])?["voice"] as? Bool == true)
        #expect((voice?["audio"] as? [String: Any])?["id"] as? String == "4490709327384002")
        #expect(result.stdout.components(separatedBy: "outbox message").count == 3)

        // Refusals before anything is uploaded: a disguised file, Ogg Vorbis as a voice note, render.
        let disguised = try HeraldProcess.run(["send", input.path, "--channel", "whatsapp", "--to", "+34612345678", "--last-inbound", now,
                                               "--attach", fixtures.appendingPathComponent("invoice.pdf").path], in: directory, environment: environment)
        #expect(disguised.status == 65 && disguised.stderr.contains("attachment \"invoice.pdf\" refused: its content is application/vnd.microsoft.portable-executable"))
        let vorbis = try HeraldProcess.run(["send", input.path, "--channel", "whatsapp", "--to", "+34612345678", "--last-inbound", now, "--voice-note",
                                            "--attach", fixtures.appendingPathComponent("sample.ogg").path], in: directory, environment: environment)
        #expect(vorbis.status == 65 && vorbis.stderr.contains("not Opus"))
        let render = try HeraldProcess.run(["render", input.path, "--channel", "whatsapp", "--format", "text", "--attach", fixtures.appendingPathComponent("sample.pdf").path],
                                           in: directory)
        #expect(render.status == 65 && render.stderr.contains("WhatsApp media messages cannot be shown before their upload"))
        #expect(try server.requests().count == 4)

        // The same send again under one idempotency key: the files are uploaded again (new ids),
        // but the messages are recognised by their content and not sent twice.
        let keyed = ["send", input.path, "--channel", "whatsapp", "--to", "+34612345678", "--last-inbound", now, "--idempotency-key", "ticket-7",
                     "--attach", fixtures.appendingPathComponent("sample.pdf").path]
        let first = try HeraldProcess.run(keyed, in: directory, environment: environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let again = try HeraldProcess.run(keyed, in: directory, environment: environment)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try server.requests().filter { $0.path.hasSuffix("/messages") }.count == 3)
    }

    @Test func smsToSeveralNumbersAndRefusalsBeforeEnqueueing() throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "sms", "--statuses", "201"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["HERALD_SMS_URL": "http://127.0.0.1:\(server.port)", "HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t",
                           "HERALD_SMS_FROM": "+15550100"]
        let input = directory.appendingPathComponent("note.md")
        try Data("**Your order** shipped.".utf8).write(to: input)
        let sent = try HeraldProcess.run(["send", input.path, "--channel", "sms", "--to", "+34612345678, +34698765432"], in: directory, environment: environment)
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        #expect(try server.requests().map { String(decoding: $0.body, as: UTF8.self) } == [
            "To=%2B34612345678&From=%2B15550100&Body=Your%20order%20shipped.",
            "To=%2B34698765432&From=%2B15550100&Body=Your%20order%20shipped.",
        ])
        let attachment = try HeraldProcess.run(["send", input.path, "--channel", "sms", "--to", "+34612345678", "--attach", input.path],
                                               in: directory, environment: environment)
        #expect(attachment.status == 65 && attachment.stderr.contains("an SMS carries no attachments"))
        let voice = try HeraldProcess.run(["send", input.path, "--channel", "sms", "--to", "+34612345678", "--voice-note"], in: directory, environment: environment)
        #expect(voice.status == 64 && voice.stderr.contains("error: sms has no voice notes; they are for WhatsApp"))
        let badNumber = try HeraldProcess.run(["send", input.path, "--channel", "sms", "--to", "12"], in: directory, environment: environment)
        #expect(badNumber.status == 65 && badNumber.stderr.contains("invalid phone number \"12\""))
        let unconfigured = try HeraldProcess.run(["send", input.path, "--channel", "whatsapp", "--to", "+34612345678"], in: directory)
        #expect(unconfigured.status == 64 && unconfigured.stderr.contains("no whatsapp provider is configured"))
        let window = try HeraldProcess.run(["send", input.path, "--channel", "whatsapp", "--to", "+34612345678"], in: directory,
                                           environment: ["HERALD_WHATSAPP_PHONE_NUMBER_ID": "1", "HERALD_WHATSAPP_TOKEN": "t"])
        #expect(window.status == 65 && window.stderr.contains("cannot start a conversation"))
        // Nothing refused was stored.
        let list = try HeraldProcess.run(["outbox", "list"], in: directory)
        #expect(list.stdout.split(separator: "\n").count == 1)
    }
}
