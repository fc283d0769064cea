import Foundation
import Herald
import HeraldDelivery
import Hummingbird

/// Voice notes recorded in the page: POST /api/v1/voice-notes with the recording as a WAV body
/// (16-bit PCM, what the page captures with Web Audio) is encoded to Ogg Opus on the server
/// (`VoiceNoteEncoder`, libopusenc) and kept as the agent's upload `voice-note.ogg`, so a
/// message's `voiceNote` takes its ID like any upload's. Authenticated, and CSRF-checked for a
/// page's session, by the API's middleware as every other POST.
struct VoiceNotes: Sendable {
    let uploads: Uploads
    let encoder = VoiceNoteEncoder()

    static let name = "voice-note.ogg"

    struct Answer: Codable {
        var id: String
        var name: String
        var contentType: String
        var size: Int
        /// Seconds of audio.
        var duration: Double
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.post("/voice-notes") { request, context in
            let agent = try context.requireAgent()
            // The longest note accepted, in the largest format accepted, is the most worth reading.
            let limit = encoder.maximumWAVSize
            let wav = try await Uploads.body(of: request, limit: limit, tooLarge: tooLarge(limit))
            guard !wav.isEmpty else { throw Problem(.input, "the recording is empty; send the WAV file's bytes as the request body", field: "body") }
            let encoder = self.encoder
            // Encoding is CPU work (a second or so for the longest note): off the event loop.
            let note: VoiceNoteEncoder.VoiceNote
            do {
                note = try await Blocking.run { try encoder.encode(wav: wav, name: "the recording") }
            } catch let error as VoiceNoteError {
                throw Problem(.input, error.description, field: "body")
            }
            let id = try await uploads.store(note.bytes, name: Self.name, of: agent)
            return try JSON.response(Answer(id: id, name: Self.name, contentType: "audio/ogg", size: note.bytes.count,
                                            duration: (note.duration * 1000).rounded() / 1000), status: .created)
        }
    }

    private func tooLarge(_ limit: Int) -> Problem {
        Problem(type: "urn:herald:problem:tooLarge", title: "Recording too large", status: 413,
                detail: "the recording is larger than \(limit) bytes: a voice note may last at most \(Int(encoder.maximumDuration)) seconds", field: "body")
    }
}
