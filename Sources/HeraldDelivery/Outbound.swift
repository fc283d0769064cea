import Foundation
import HeraldChannels
import HeraldMIME

/// Everything delivery needs of one message, made by the `Composer` with every check done:
/// the channel, who sends it, who gets it, and what goes on the wire — the bytes, or for a
/// WhatsApp media message the file to upload first (`MediaPlan`). The outbox stores it and
/// hands it back to a `Transport`; neither looks inside the payload.
public struct Outbound: Sendable, Equatable {
    public enum Payload: Sendable, Equatable {
        /// What the transport sends: a whole MIME message (email), the SMS text, a provider
        /// request body (WhatsApp).
        case bytes([UInt8])
        /// A media message whose file is uploaded before the message is stored.
        case media(MediaPlan)
    }

    public var channel: ChannelID
    /// The envelope sender of an email (an addr-spec); for SMS the number (or alphanumeric ID)
    /// it is sent from and for WhatsApp the business phone number ID — or the channel's name,
    /// when the provider account's own is meant (`providerSender`).
    public var sender: String
    /// Addr-specs for email, E.164 numbers (or WhatsApp user IDs) for the others; each once.
    public var recipients: [String]
    public var payload: Payload
    /// The email needs SMTPUTF8 (a non-ASCII address).
    public var smtputf8: Bool
    /// Where an email is meant to go (an SMTP URL, `maildir:PATH`): only a worker with the same
    /// destination delivers it. Nil: any; set by `DeliveryConfiguration.prepare`.
    public var route: String?
    /// The same key stores the message once (`OutboxStore.enqueue`).
    public var idempotencyKey: String?
    /// What makes two compositions "the same message" for an idempotency key, when the bytes
    /// differ anyway (a fresh Date and Message-ID, a new media upload). Nil: the payload.
    public var fingerprint: String?

    public init(channel: ChannelID, sender: String, recipients: [String], payload: Payload, smtputf8: Bool = false,
                route: String? = nil, idempotencyKey: String? = nil, fingerprint: String? = nil) {
        self.channel = channel
        self.sender = sender
        self.recipients = recipients
        self.payload = payload
        self.smtputf8 = smtputf8
        self.route = route
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
    }

    /// The SMS or WhatsApp sender this message names; nil: the provider account's default.
    public var providerSender: String? {
        channel == .email || sender == channel.rawValue ? nil : sender
    }

    /// The payload's bytes (empty for a media plan not uploaded yet).
    public var bytes: [UInt8] {
        if case .bytes(let bytes) = payload { return bytes }
        return []
    }

    /// The SMTP envelope of an email (nil for other channels, or when a stored address no
    /// longer parses).
    public var envelope: Envelope? {
        guard channel == .email, let from = try? EmailAddress(validating: sender) else { return nil }
        let addresses = recipients.compactMap { try? EmailAddress(validating: $0) }
        return addresses.count == recipients.count ? Envelope(mailFrom: from, recipients: addresses) : nil
    }

    /// The message with its media uploaded: the provider's request body naming the media id.
    public func uploadingMedia(with uploader: any MediaUploader) async throws -> Outbound {
        guard case .media(let plan) = payload else { return self }
        let id = try await uploader.upload(path: plan.path, filename: plan.media.filename, mediaType: plan.media.mediaType, from: providerSender)
        var uploaded = self
        uploaded.payload = .bytes(Array(try plan.message(mediaID: id).json.utf8))
        return uploaded
    }
}

/// A WhatsApp media message before its upload: the checked file, the recipient, the caption.
public struct MediaPlan: Sendable, Equatable {
    /// The file to upload.
    public var path: String
    public var media: WhatsAppMedia
    public var recipient: WhatsAppRecipient
    public var caption: String?

    public init(path: String, media: WhatsAppMedia, recipient: WhatsAppRecipient, caption: String?) {
        self.path = path
        self.media = media
        self.recipient = recipient
        self.caption = caption
    }

    /// The request body once the upload gave `mediaID`.
    public func message(mediaID: String) throws -> WhatsAppMediaMessage {
        try WhatsAppMediaMessage(recipient: recipient, media: media, source: .id(mediaID), caption: caption)
    }
}

/// Uploads a file a message refers to and returns the provider's media id.
public protocol MediaUploader: Sendable {
    /// Uploads the file for the business phone number `from` (nil: the account's own).
    func upload(path: String, filename: String, mediaType: String, from: String?) async throws -> String
}
