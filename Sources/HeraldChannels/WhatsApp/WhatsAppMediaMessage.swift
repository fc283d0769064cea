import Foundation

/// A media message in the Cloud API's shape: `{"messaging_product": "whatsapp", "recipient_type":
/// "individual", "to": ..., "type": "image", "image": {"id" | "link": ..., "caption": ...}}`.
/// Captions go on image, video and document (≤ 1,024 characters); audio and stickers take none;
/// `filename` only on documents; `voice: true` only on voice notes.
public struct WhatsAppMediaMessage: Equatable, Sendable {
    /// An uploaded media id (`POST /<PHONE_NUMBER_ID>/media`) or a hosted https link.
    public enum Source: Equatable, Sendable {
        case id(String)
        case link(String)
    }

    public static let captionLimit = 1024

    public let to: WhatsAppRecipient
    public let media: WhatsAppMedia
    public let source: Source
    public let caption: String?

    public init(to: PhoneNumber, media: WhatsAppMedia, source: Source, caption: String? = nil) throws {
        try self.init(recipient: .phone(to), media: media, source: source, caption: caption)
    }

    public init(recipient: WhatsAppRecipient, media: WhatsAppMedia, source: Source, caption: String? = nil) throws {
        if let caption, !caption.isEmpty {
            guard media.kind == .image || media.kind == .video || media.kind == .document else {
                throw WhatsAppMediaMessageError("a caption cannot go on \(media.kind == .audio ? "audio or a voice note" : "a sticker"); send the text as its own message")
            }
            guard caption.count <= Self.captionLimit else {
                throw WhatsAppMediaMessageError("the caption is \(caption.count) characters; WhatsApp allows at most \(Self.captionLimit)")
            }
        }
        if case .link(let link) = source, !link.hasPrefix("https://") {
            throw WhatsAppMediaMessageError("media link \"\(link)\" must be an https:// URL")
        }
        if case .id(let id) = source, id.isEmpty || !id.allSatisfy(\.isNumber) {
            throw WhatsAppMediaMessageError("media id \"\(id)\" must be the digits the media upload returned")
        }
        self.to = recipient
        self.media = media
        self.source = source
        self.caption = (caption?.isEmpty ?? true) ? nil : caption
    }

    /// The request body, sorted keys, ending with a newline.
    public var json: String {
        var object: [String: Any] = [:]
        switch source {
        case .id(let id): object["id"] = id
        case .link(let link): object["link"] = link
        }
        if let caption { object["caption"] = caption }
        if media.kind == .document { object["filename"] = media.filename }
        if media.isVoiceNote { object["voice"] = true }
        let body: [String: Any] = ["messaging_product": "whatsapp", "recipient_type": "individual", to.field.key: to.field.value,
                                   "type": media.kind.rawValue, media.kind.rawValue: object]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

public struct WhatsAppMediaMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
