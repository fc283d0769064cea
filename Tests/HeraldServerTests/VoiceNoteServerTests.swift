import Foundation
import Herald
import HeraldInbox
import HeraldTestSupport
import Testing

/// Voice notes over the API: a WAV recording posted to /api/v1/voice-notes becomes the agent's
/// upload voice-note.ogg (Ogg Opus, judged by opusinfo), which a WhatsApp message sends by ID as
/// an audio message marked as a voice note.
@Suite(.serialized) struct VoiceNoteServerTests {
    /// `seconds` of a 440 Hz tone, 48 kHz mono 16-bit: what the page records.
    static func recording(seconds: Double) -> Data {
        let samples = (0..<Int(seconds * 48_000)).map { Int16(8_000 * sin(2 * Double.pi * 440 * Double($0) / 48_000)) }
        return Data(WAVAudio(sampleRate: 48_000, channels: 1, samples: samples).wavBytes())
    }

    func post(_ server: ServerProcess, _ body: Data, as agent: String? = "ana", headers: [String: String] = [:]) async throws -> ServerProcess.Answer {
        try await server.request("POST", "/api/v1/voice-notes", as: agent, rawBody: body, headers: headers, contentType: "audio/wav")
    }

    /// The customer wrote (there is no inbound webhook yet): the interaction's last inbound time
    /// set in its store, as receiving a message would, which opens WhatsApp's 24-hour window.
    static func customerWrote(_ interaction: String, in server: ServerProcess) async throws {
        let store = try SQLiteInboxStore(path: server.data.appendingPathComponent("inbox.sqlite").path, create: false)
        let before = try #require(try await store.interaction(interaction))
        var after = before
        after.lastInboundAt = Date()
        after.version += 1
        _ = try await store.apply(Transition(before: before, after: after, events: []))
    }

    @Test func aRecordingBecomesAnOggOpusUploadThatWhatsAppSendsAsAVoiceNote() async throws {
        let provider = try TestServer(script: "provider-server.py", ["--api", "whatsapp"])
        let server = try ServerProcess(environment: ["HERALD_WHATSAPP_URL": "http://127.0.0.1:\(provider.port)/v23.0",
                                                     "HERALD_WHATSAPP_PHONE_NUMBER_ID": "999", "HERALD_WHATSAPP_TOKEN": "wa-token"])
        let made = try await post(server, Self.recording(seconds: 2))
        #expect(made.status == 201, "\(made.text)")
        #expect(made.json["name"] as? String == "voice-note.ogg" && made.json["contentType"] as? String == "audio/ogg")
        #expect(made.json["duration"] as? Double == 2)
        let id = try #require(made.json["id"] as? String)
        // Kept as Ana's upload: the file under uploads/agent-ana/ID/ is Ogg Opus of 2 s.
        let stored = server.data.appendingPathComponent("uploads/agent-ana/\(id)/voice-note.ogg")
        let bytes = try [UInt8](Data(contentsOf: stored))
        #expect(made.json["size"] as? Int == bytes.count)
        let info = try OpusInfo(bytes: bytes)
        #expect(info.isOpus && abs((info.playbackLength ?? 0) - 2) < 0.03, "\(info.output)")

        let started = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "whatsapp", "campaign": "billing", "to": ["+34 612 345 678"],
            "message": ["template": "order_update", "parameters": ["Lucía", "A-1001"]],
        ])
        let interaction = try #require(started.json["id"] as? String, "\(started.text)")
        // Before the customer answers, WhatsApp's window is closed to anything but a template.
        let closed = try await server.request("POST", "/api/v1/interactions/\(interaction)/messages", as: "ana", json: ["voiceNote": id])
        #expect(closed.status == 422 && (closed.json["detail"] as? String)?.contains("approved template") == true, "\(closed.text)")
        try await Self.customerWrote(interaction, in: server)
        // Bruno cannot send Ana's recording.
        let bruno = try await server.request("POST", "/api/v1/interactions/\(interaction)/messages", as: "bruno", json: ["voiceNote": id])
        #expect(bruno.status == 404 && bruno.json["field"] as? String == "voiceNote", "\(bruno.text)")
        let sent = try await server.request("POST", "/api/v1/interactions/\(interaction)/messages", as: "ana", json: ["voiceNote": id])
        #expect(sent.status == 201, "\(sent.text)")

        // The template (sent by the worker), the upload of the note's very bytes (when the message
        // is prepared, so in either order with the template), then the audio message by its media ID.
        let deadline = Date().addingTimeInterval(20)
        while try provider.requests().count < 3 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let requests = try provider.requests()
        #expect(requests.map(\.path).sorted() == ["/v23.0/106540352242922/media", "/v23.0/106540352242922/messages", "/v23.0/106540352242922/messages"])
        let uploaded = try #require(requests.firstIndex { $0.path.hasSuffix("/media") })
        #expect(Self.contains(requests[uploaded].body, bytes), "the media upload carries the note's bytes as stored")
        let messages = try requests.filter { $0.path.hasSuffix("/messages") }.map { try #require(try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]) }
        let message = try #require(messages.first { $0["type"] as? String == "audio" }, "\(messages)")
        let audio = try #require(message["audio"] as? [String: Any])
        // The stand-in numbers its media IDs by the request's position.
        #expect(audio["voice"] as? Bool == true && audio["id"] as? String == String(format: "44907093273840%02d", uploaded + 1), "\(message)")
    }

    @Test func whatIsNotARecordingIsRefusedAndNothingIsKept() async throws {
        let server = try ServerProcess()
        let text = try await post(server, Data("not audio at all".utf8))
        #expect(text.status == 422 && text.json["field"] as? String == "body", "\(text.text)")
        #expect(text.contentType.hasPrefix("application/problem+json"))
        #expect(text.json["detail"] as? String == "the recording: it is not a WAV file (no RIFF/WAVE header); give a RIFF/WAVE file of 16-bit PCM, mono or stereo, 8000 to 48000 Hz")
        let tooLong = try await post(server, Self.recording(seconds: 151))
        #expect(tooLong.status == 422 && (tooLong.json["detail"] as? String)?.contains("at most 150 seconds") == true, "\(tooLong.text)")
        let empty = try await post(server, Data())
        #expect(empty.status == 422, "\(empty.text)")
        // Larger than the longest note in the largest format: 413 before it is read whole.
        let huge = try await post(server, Data(count: VoiceNoteEncoder().maximumWAVSize + 1))
        #expect(huge.status == 413 && huge.json["type"] as? String == "urn:herald:problem:tooLarge", "\(huge.text)")
        // Not signed in.
        let anonymous = try await post(server, Self.recording(seconds: 1), as: nil)
        #expect(anonymous.status == 401, "\(anonymous.text)")
        let uploads = server.data.appendingPathComponent("uploads")
        #expect(((try? FileManager.default.subpathsOfDirectory(atPath: uploads.path)) ?? []).filter { $0.hasSuffix(".ogg") }.isEmpty)
    }

    @Test func aSignedInPageNeedsItsCSRFToken() async throws {
        let server = try ServerProcess()
        let set = try await server.request("PUT", "/api/v1/agents/ana/password", as: "dani", json: ["password": "a long test password"])
        try #require(set.status == 204, "\(set.text)")
        let session = try await server.request("POST", "/api/v1/session", as: nil, json: ["email": "ana@example.com", "password": "a long test password"])
        let cookie = try #require(session.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let csrf = try #require(session.json["csrfToken"] as? String)
        let refused = try await post(server, Self.recording(seconds: 1), as: nil, headers: ["Cookie": cookie])
        #expect(refused.status == 403 && refused.json["type"] as? String == "urn:herald:problem:csrf", "\(refused.text)")
        let made = try await post(server, Self.recording(seconds: 1), as: nil, headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        #expect(made.status == 201 && made.json["duration"] as? Double == 1, "\(made.text)")
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
