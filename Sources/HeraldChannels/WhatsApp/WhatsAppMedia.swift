import Foundation
import HeraldMIME

/// A file checked for sending as a WhatsApp media message: its real type (libmagic, never the
/// extension) decides the message type, and the Cloud API's per-type limits are checked before
/// anything is uploaded or enqueued (the provider would refuse it later, after the agent left).
///
/// Types and limits follow Meta's "Supported media types": image jpeg/png ≤ 5 MB; video mp4/3gpp
/// ≤ 16 MB; audio aac/amr/mpeg/mp4/ogg-opus ≤ 16 MB; document txt/pdf/Office ≤ 100 MB; sticker
/// webp ≤ 500 KB. A voice note must be Ogg with the Opus codec; above 512 KB WhatsApp shows a
/// download icon instead of a play button, which is reported as a warning, not refused.
public struct WhatsAppMedia: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case image, video, audio, document, sticker
    }

    public let kind: Kind
    public let mediaType: String
    public let byteCount: Int
    public let filename: String
    public let isVoiceNote: Bool
    public let warnings: [String]

    static let voiceNotePlayableLimit = 512 * 1024

    static let limits: [Kind: Int] = [
        .image: 5 * 1024 * 1024, .video: 16 * 1024 * 1024, .audio: 16 * 1024 * 1024,
        .document: 100 * 1024 * 1024, .sticker: 500 * 1024,
    ]

    /// libmagic's answer → the message type it may be sent as.
    static let kinds: [String: Kind] = [
        "image/jpeg": .image, "image/png": .image,
        "video/mp4": .video, "video/3gpp": .video, "video/3gp": .video,
        "audio/aac": .audio, "audio/x-hx-aac-adts": .audio, "audio/amr": .audio, "audio/mpeg": .audio,
        "audio/mp4": .audio, "audio/x-m4a": .audio, "audio/ogg": .audio,
        "text/plain": .document, "application/pdf": .document, "application/msword": .document,
        "application/vnd.ms-excel": .document, "application/vnd.ms-powerpoint": .document,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": .document,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": .document,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": .document,
        "image/webp": .sticker,
    ]

    /// Checks the file at `path`. `voiceNote` asks for an audio message marked as a voice note.
    public static func check(path: String, voiceNote: Bool = false, sniffer: ContentSniffer = .shared) throws -> WhatsAppMedia {
        let name = URL(fileURLWithPath: path).lastPathComponent
        func refuse(_ reason: String) -> AttachmentError { AttachmentError(file: name, reason: reason) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw refuse("cannot be read (does it exist?)") }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        try? handle.seek(toOffset: 0)
        let head = [UInt8]((try? handle.read(upToCount: 64)) ?? Data())
        guard size > 0 else { throw refuse("it is empty") }
        let detected: String
        do { detected = try sniffer.mediaType(ofFile: path) } catch let error as AttachmentError { throw refuse(error.reason) }
        guard let kind = kinds[detected] else {
            throw refuse("its content is \(detected), which WhatsApp does not accept; send JPEG or PNG images, MP4 or 3GPP video, "
                + "AAC, AMR, MP3, M4A or Ogg Opus audio, WebP stickers, or PDF, text and Office documents")
        }
        if detected == "audio/ogg" && !isOggOpus(head) {
            throw refuse("it is Ogg audio but not Opus; WhatsApp plays only Opus in Ogg (convert with: ffmpeg -i in -ac 1 -ar 16000 -c:a libopus out.ogg)")
        }
        if voiceNote && !(detected == "audio/ogg") {
            throw refuse("a voice note must be Ogg Opus audio, and its content is \(detected)")
        }
        let limit = limits[kind] ?? 0
        guard size <= limit else {
            throw refuse("it is \(size) bytes, above WhatsApp's \(limit)-byte limit for \(kind.rawValue) messages")
        }
        var warnings: [String] = []
        if voiceNote && size > voiceNotePlayableLimit {
            warnings.append("voice note \(name) is \(size) bytes: above 512 KB WhatsApp shows a download icon instead of a play button")
        }
        return WhatsAppMedia(kind: kind, mediaType: detected, byteCount: size, filename: name, isVoiceNote: voiceNote, warnings: warnings)
    }

    /// RFC 7845: an Ogg Opus stream's first page carries only the "OpusHead" identification
    /// header, so it sits right after the 27-byte page header and the segment table.
    static func isOggOpus(_ head: [UInt8]) -> Bool {
        guard head.count >= 28, head.starts(with: Array("OggS".utf8)) else { return false }
        let payload = 27 + Int(head[26])
        let marker = Array("OpusHead".utf8)
        return head.count >= payload + marker.count && Array(head[payload..<payload + marker.count]) == marker
    }
}
