import Foundation
import HeraldTestSupport
import Testing

/// Attachments over the API: uploaded first (checked as they arrive), then named by ID in a
/// message; an upload is its uploader's alone.
@Suite(.serialized) struct UploadServerTests {
    static let fixtures = Herald.repository.appendingPathComponent("Tests/Fixtures/attachments")

    func upload(_ server: ServerProcess, _ fixture: String, as agent: String = "ana", name: String? = nil) async throws -> ServerProcess.Answer {
        let bytes = try Data(contentsOf: Self.fixtures.appendingPathComponent(fixture))
        let query = (name ?? fixture).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? fixture
        return try await server.request("POST", "/api/v1/uploads?name=\(query)", as: agent, rawBody: bytes, contentType: "application/octet-stream")
    }

    /// The files stored under the data folder's uploads/.
    func storedUploads(_ server: ServerProcess) -> [String] {
        let root = server.data.appendingPathComponent("uploads")
        return (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter { $0.split(separator: "/").count == 3 }
    }

    @Test func anUploadedFileGoesWithTheEmailAsItsAttachment() async throws {
        let server = try ServerProcess()
        let uploaded = try await upload(server, "sample.pdf")
        #expect(uploaded.status == 201, "\(uploaded.text)")
        #expect(uploaded.json["name"] as? String == "sample.pdf" && uploaded.json["contentType"] as? String == "application/pdf")
        let pdf = try Data(contentsOf: Self.fixtures.appendingPathComponent("sample.pdf"))
        #expect(uploaded.json["size"] as? Int == pdf.count)
        let id = try #require(uploaded.json["id"] as? String)

        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "email", "campaign": "billing", "to": ["customer@example.com"], "subject": "Your invoice",
            "message": ["markdown": "Your invoice is attached.", "attachments": [id]],
        ])
        #expect(started.status == 201, "\(started.text)")
        #expect((started.json["messages"] as? [[String: Any]])?.first?["attachments"] as? [String] == ["sample.pdf"])
        let message = try #require(try await server.maildirMessages(count: 1).first)
        #expect(try ExternalEmailTools.checkMessage(Array(message.utf8)) == [])
        let parsed = try ExternalEmailTools.inspect(Array(message.utf8))
        let attachment = try #require(parsed.leaves.first { $0.filename == "sample.pdf" })
        #expect(attachment.content_type == "application/pdf")
        #expect(attachment.sha256 == (try ExternalEmailTools.sha256(ofFile: Self.fixtures.appendingPathComponent("sample.pdf"))))
    }

    @Test func aRefusedFileIsRefusedOnArrivalAndNothingIsKept() async throws {
        let server = try ServerProcess(arguments: ["--upload-limit-mb", "1"])
        // An executable named invoice.pdf.
        let disguised = try await upload(server, "invoice.pdf")
        #expect(disguised.status == 422 && disguised.json["field"] as? String == "body")
        #expect((disguised.json["detail"] as? String)?.contains("portable-executable") == true, "\(disguised.text)")
        // Over the limit: 413 before the file is read whole.
        let large = Data(repeating: 0x41, count: (1 << 20) + 1)
        let tooLarge = try await server.request("POST", "/api/v1/uploads?name=big.txt", as: "ana", rawBody: large, contentType: "text/plain")
        #expect(tooLarge.status == 413 && tooLarge.json["type"] as? String == "urn:herald:problem:tooLarge", "\(tooLarge.text)")
        // Names that are not a file's name.
        let unnamed = try await server.request("POST", "/api/v1/uploads", as: "ana", rawBody: Data("hi".utf8), contentType: "text/plain")
        #expect(unnamed.status == 400 && unnamed.json["field"] as? String == "name")
        for name in ["../../inbox.sqlite", ".hidden", "a/b.txt"] {
            let refused = try await upload(server, "sample.csv", name: name)
            #expect(refused.status == 422 && refused.json["field"] as? String == "name", "\(name): \(refused.text)")
        }
        let empty = try await server.request("POST", "/api/v1/uploads?name=empty.txt", as: "ana", rawBody: Data(), contentType: "text/plain")
        #expect(empty.status == 422 || empty.status == 400, "\(empty.text)")
        #expect(storedUploads(server).isEmpty, "\(storedUploads(server))")
    }

    @Test func anUploadIsItsUploadersAndChannelsKeepTheirRules() async throws {
        let server = try ServerProcess()
        let id = try #require(try await upload(server, "sample.pdf").json["id"] as? String)
        // Bruno (a member of billing too) cannot send Ana's upload: not found, nothing stored.
        let bruno = try await server.request("POST", "/api/v1/interactions", as: "bruno", json: [
            "channel": "email", "campaign": "billing", "to": ["c@example.com"], "subject": "Hi", "message": ["markdown": "Hi", "attachments": [id]],
        ])
        #expect(bruno.status == 404 && bruno.json["field"] as? String == "message.attachments.0", "\(bruno.text)")
        #expect(try await server.request("GET", "/api/v1/tabs/active", as: "bruno").list.isEmpty)
        let made = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "email", "campaign": "billing", "to": ["c@example.com"], "subject": "Hi", "message": ["markdown": "Hi"],
        ])
        let interaction = try #require(made.json["id"] as? String)
        let shapedWrong = try await server.request("POST", "/api/v1/interactions/\(interaction)/messages", as: "ana",
                                                   json: ["markdown": "x", "attachments": ["../../../etc/passwd"]])
        #expect(shapedWrong.status == 404 && shapedWrong.json["field"] as? String == "attachments.0")
        // Email has no voice notes (audio goes as an attachment); a voice note goes alone.
        let ogg = try #require(try await upload(server, "voice-note.ogg").json["id"] as? String)
        let voice = try await server.request("POST", "/api/v1/interactions/\(interaction)/messages", as: "ana", json: ["voiceNote": ogg])
        #expect(voice.status == 422 || voice.status == 400, "\(voice.text)")
        #expect((voice.json["detail"] as? String)?.contains("voice note") == true, "\(voice.text)")
        let both = try await server.request("POST", "/api/v1/interactions/\(interaction)/messages", as: "ana",
                                            json: ["markdown": "x", "voiceNote": ogg, "attachments": [id]])
        #expect(both.status == 422 && both.json["field"] as? String == "voiceNote")
        // SMS carries no attachments: refused before anything is stored or sent.
        let sms = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "sms", "campaign": "billing", "to": ["+34612345678"], "message": ["markdown": "Invoice", "attachments": [id]],
        ])
        #expect(sms.status == 422 || sms.status == 400, "\(sms.text)")
        #expect(try await server.request("GET", "/api/v1/tabs/active", as: "ana").list.count == 1)
        #expect(try await server.maildirMessages(count: 1).count == 1)
    }
}
