import Foundation
@testable import HeraldDelivery
import HeraldTestSupport
import Testing

/// The WhatsApp and SMS transports against a local stand-in of the providers' APIs that records
/// every request byte for byte.
@Suite(.serialized) struct ProviderTransportTests {
    let whatsappPayload = Array(#"{"messaging_product":"whatsapp","recipient_type":"individual","text":{"body":"Hola Ana","preview_url":false},"to":"+34612345678","type":"text"}"#.utf8)

    @Test func whatsappRequestHasTheDocumentedShape() throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let transport = WhatsAppCloudTransport(baseURL: "http://127.0.0.1:\(server.port)/v23.0", phoneNumberID: "106540352242922", token: "EAAG-test-token")
        let report = transport.send(whatsappPayload, to: "+34612345678")
        #expect(report.failure == nil)
        #expect(report.recipients == [RecipientResult(address: "+34612345678", status: .accepted, code: 200, reply: "accepted as wamid.TEST1")])
        let request = try #require(try server.requests().first)
        #expect(request.method == "POST")
        #expect(request.path == "/v23.0/106540352242922/messages")
        #expect(request.headers["authorization"] == "Bearer EAAG-test-token")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.body == whatsappPayload)
        #expect(!report.transcript.joined().contains("EAAG-test-token"))
    }

    @Test func smsGatewayRequestIsAFormWithBasicAuthentication() throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "sms", "--statuses", "201"])
        let transport = SMSGatewayTransport(baseURL: "http://127.0.0.1:\(server.port)", account: "AC0123", token: "s3cret", from: "+15550100")
        let report = transport.send(Array("Hola Ana — ok & 100%".utf8), to: "+34612345678")
        #expect(report.failure == nil)
        #expect(report.accepted.first?.reply == "accepted as SM1")
        let request = try #require(try server.requests().first)
        #expect(request.path == "/2010-04-01/Accounts/AC0123/Messages.json")
        #expect(request.headers["authorization"] == "Basic " + Data("AC0123:s3cret".utf8).base64EncodedString())
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(String(decoding: request.body, as: UTF8.self) == "To=%2B34612345678&From=%2B15550100&Body=Hola%20Ana%20%E2%80%94%20ok%20%26%20100%25")
    }

    @Test func rateLimitsRetryThroughTheOutboxAndErrorsKeepTheProviderCode() async throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "whatsapp", "--statuses", "429,200"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-wa-\(UUID().uuidString).sqlite").path
        var policy = Outbox.Policy()
        policy.baseDelay = 0
        let outbox = try SQLiteOutboxStore(path: path, policy: policy)
        let id = try await outbox.enqueueEmail(whatsappPayload, channel: "whatsapp", sender: "106540352242922", recipients: ["+34612345678"], now: 0)
        let transport = WhatsAppCloudTransport(baseURL: "http://127.0.0.1:\(server.port)/v23.0", phoneNumberID: "106540352242922", token: "t")
        let worker = OutboxWorker(store: outbox, transports: [.email: MaildirTransport(directory: FileManager.default.temporaryDirectory), .whatsapp: transport])
        try await worker.runOnce()
        #expect(try await outbox.entry(id)?.state == .queued)
        #expect(try await outbox.entry(id)?.lastError?.contains("Rate limit hit") == true)
        try await worker.runOnce()
        #expect(try await outbox.entry(id)?.state == .sent)
        #expect(try server.requests().count == 2)

        let refusing = try TestServer(script: "provider-server.py", ["--api", "whatsapp", "--statuses", "400"])
        let rejected = WhatsAppCloudTransport(baseURL: "http://127.0.0.1:\(refusing.port)/v23.0", phoneNumberID: "1", token: "t")
            .send(whatsappPayload, to: "+34612345678")
        #expect(rejected.failure == .permanent(code: 400, reason: "(#131047) Re-engagement message (provider code 131047)"))
        #expect(rejected.recipients.first?.status == .rejected && rejected.recipients.first?.code == 131047)
    }

    @Test func mediaUploadIsAMultipartFormWithTheFileAsItIs() async throws {
        let server = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let transport = WhatsAppCloudTransport(baseURL: "http://127.0.0.1:\(server.port)/v23.0", phoneNumberID: "1065", token: "EAAG-test-token")
        let path = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/attachments/voice-note.ogg").path
        let id = try await transport.upload(path: path, filename: "voice-note.ogg", mediaType: "audio/ogg")
        #expect(id == "4490709327384001")
        let request = try #require(try server.requests().first)
        #expect(request.path == "/v23.0/1065/media")
        #expect(request.headers["authorization"] == "Bearer EAAG-test-token")
        let contentType = try #require(request.headers["content-type"])
        #expect(contentType.hasPrefix("multipart/form-data; boundary="))
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let expected = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n".utf8)
            + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\naudio/ogg\r\n".utf8)
            + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"voice-note.ogg\"\r\nContent-Type: audio/ogg\r\n\r\n".utf8)
            + file + Array("\r\n--\(boundary)--\r\n".utf8)
        #expect(request.body == expected)

        let refusing = try TestServer(script: "provider-server.py", ["--api", "whatsapp", "--statuses", "400"])
        let refused = WhatsAppCloudTransport(baseURL: "http://127.0.0.1:\(refusing.port)/v23.0", phoneNumberID: "1", token: "t")
        await #expect(throws: HTTPClient.Failure(reason: "uploading voice-note.ogg was refused: HTTP 400: (#131047) Re-engagement message (provider code 131047)")) {
            try await refused.upload(path: path, filename: "voice-note.ogg", mediaType: "audio/ogg")
        }
    }

    @Test func serverErrorsAreTemporaryForBothProviders() throws {
        let whatsappServer = try TestServer(script: "provider-server.py", ["--api", "whatsapp", "--statuses", "503"])
        let whatsapp = WhatsAppCloudTransport(baseURL: "http://127.0.0.1:\(whatsappServer.port)/v23.0", phoneNumberID: "1", token: "t")
            .send(whatsappPayload, to: "+34612345678")
        #expect(whatsapp.failure == .temporary(code: 503, reason: "Service temporarily unavailable (provider code 131000)"))
        #expect(whatsapp.recipients.first?.status == .deferred)

        let smsServer = try TestServer(script: "provider-server.py", ["--api", "sms", "--statuses", "500"])
        let sms = SMSGatewayTransport(baseURL: "http://127.0.0.1:\(smsServer.port)", account: "AC1", token: "t", from: "+15550100")
            .send(Array("hola".utf8), to: "+34612345678")
        #expect(sms.recipients.first?.status == .deferred)
        if case .temporary(let code, _)? = sms.failure { #expect(code == 500) } else { Issue.record("expected a temporary failure, got \(String(describing: sms.failure))") }
    }
}
