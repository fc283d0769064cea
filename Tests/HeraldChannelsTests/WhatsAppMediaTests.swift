import Foundation
import HeraldChannels
import HeraldMIME
import HeraldTestSupport
import Testing

/// Real libmagic on the real sample files of Tests/Fixtures/attachments.
@Suite struct WhatsAppMediaTests {
    static let fixtures = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/attachments")

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    /// A copy of a fixture with `extra` zero bytes appended: same detected type, larger size.
    func padded(_ name: String, extra: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-wa-\(UUID().uuidString)-\(name)").path
        try (Data(contentsOf: URL(fileURLWithPath: fixture(name))) + Data(count: extra)).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [("sample.jpg", "image"), ("sample.png", "image"), ("sample.mp4", "video"), ("sample.mp3", "audio"),
                      ("sample.m4a", "audio"), ("sample.aac", "audio"), ("voice-note.ogg", "audio"), ("sample.pdf", "document"),
                      ("sample.docx", "document"), ("sample.xls", "document"), ("sample.txt", "document"), ("sample.webp", "sticker")])
    func theContentDecidesTheMessageType(file: String, kind: String) throws {
        #expect(try WhatsAppMedia.check(path: fixture(file)).kind.rawValue == kind)
    }

    @Test func typesWhatsAppRefusesAreNamed() {
        for (file, type) in [("sample.gif", "image/gif"), ("sample.mov", "video/quicktime"), ("sample.zip", "application/zip"), ("photo.png", "application/zip"), ("invoice.pdf", "application/vnd.microsoft.portable-executable")] {
            #expect(throws: AttachmentError.self) { try WhatsAppMedia.check(path: fixture(file)) }
            do { _ = try WhatsAppMedia.check(path: fixture(file)) } catch let error as AttachmentError {
                #expect(error.description.contains(file) && error.description.contains(type) && error.description.contains("JPEG or PNG"))
            } catch { Issue.record("unexpected \(error)") }
        }
    }

    @Test func oggMustBeOpusAndAVoiceNoteMustBeOgg() throws {
        let voice = try WhatsAppMedia.check(path: fixture("voice-note.ogg"), voiceNote: true)
        #expect(voice.isVoiceNote && voice.kind == .audio && voice.warnings.isEmpty)
        #expect(throws: AttachmentError(file: "sample.ogg", reason: "it is Ogg audio but not Opus; WhatsApp plays only Opus in Ogg (convert with: ffmpeg -i in -ac 1 -ar 16000 -c:a libopus out.ogg)")) {
            try WhatsAppMedia.check(path: fixture("sample.ogg"))
        }
        #expect(throws: AttachmentError(file: "sample.mp3", reason: "a voice note must be Ogg Opus audio, and its content is audio/mpeg")) {
            try WhatsAppMedia.check(path: fixture("sample.mp3"), voiceNote: true)
        }
    }

    @Test func sizeLimitsPerType() throws {
        let bigImage = try padded("sample.png", extra: 5 * 1024 * 1024)
        defer { try? FileManager.default.removeItem(atPath: bigImage) }
        do {
            _ = try WhatsAppMedia.check(path: bigImage)
            Issue.record("a PNG above 5 MB was accepted")
        } catch let error as AttachmentError {
            #expect(error.reason.hasSuffix("above WhatsApp's 5242880-byte limit for image messages"))
        }
        let longVoice = try padded("voice-note.ogg", extra: 600 * 1024)
        defer { try? FileManager.default.removeItem(atPath: longVoice) }
        let voice = try WhatsAppMedia.check(path: longVoice, voiceNote: true)
        #expect(voice.warnings.count == 1 && voice.warnings[0].contains("download icon"))
        #expect(throws: AttachmentError.self) { try WhatsAppMedia.check(path: fixture("empty.txt")) }
        #expect(throws: AttachmentError.self) { try WhatsAppMedia.check(path: fixture("no-such-file.pdf")) }
    }

    @Test func requestBodiesHaveTheDocumentedShape() throws {
        let to = try PhoneNumber("+34612345678")
        let pdf = try WhatsAppMedia.check(path: fixture("sample.pdf"))
        let document = try WhatsAppMediaMessage(to: to, media: pdf, source: .link("https://example.com/invoice.pdf"), caption: "Your invoice")
        #expect(document.json == """
            {
              "document" : {
                "caption" : "Your invoice",
                "filename" : "sample.pdf",
                "link" : "https://example.com/invoice.pdf"
              },
              "messaging_product" : "whatsapp",
              "recipient_type" : "individual",
              "to" : "+34612345678",
              "type" : "document"
            }

            """)
        let voice = try WhatsAppMediaMessage(to: to, media: try WhatsAppMedia.check(path: fixture("voice-note.ogg"), voiceNote: true), source: .id("1013859600285441"))
        #expect(voice.json == """
            {
              "audio" : {
                "id" : "1013859600285441",
                "voice" : true
              },
              "messaging_product" : "whatsapp",
              "recipient_type" : "individual",
              "to" : "+34612345678",
              "type" : "audio"
            }

            """)
    }

    @Test func captionsAndSourcesAreChecked() throws {
        let to = try PhoneNumber("+34612345678")
        let audio = try WhatsAppMedia.check(path: fixture("sample.mp3"))
        let image = try WhatsAppMedia.check(path: fixture("sample.jpg"))
        #expect(throws: WhatsAppMediaMessageError.self) { try WhatsAppMediaMessage(to: to, media: audio, source: .id("1"), caption: "listen") }
        #expect(throws: WhatsAppMediaMessageError.self) { try WhatsAppMediaMessage(to: to, media: image, source: .id("1"), caption: String(repeating: "a", count: 1025)) }
        #expect(throws: WhatsAppMediaMessageError.self) { try WhatsAppMediaMessage(to: to, media: image, source: .link("http://example.com/a.jpg")) }
        #expect(throws: WhatsAppMediaMessageError.self) { try WhatsAppMediaMessage(to: to, media: image, source: .id("12 34")) }
        #expect(try WhatsAppMediaMessage(to: to, media: image, source: .id("1"), caption: String(repeating: "é", count: 1024)).caption?.count == 1024)
    }
}
