import Foundation
import HeraldChannels
import HeraldInbox

/// The Cloud API's webhook body (`object: whatsapp_business_account`), as much of it as Herald
/// reads: `entry[].changes[].value` with the receiving number's `metadata`, the senders'
/// `contacts`, `messages` and `statuses`. Every field is optional: Meta adds fields and types,
/// and what Herald does not know must not make a whole delivery unreadable.
struct WhatsAppPayload: Decodable {
    var entry: [Entry]?

    struct Entry: Decodable {
        var changes: [Change]?
    }

    struct Change: Decodable {
        var value: Value?
    }

    struct Value: Decodable {
        var metadata: Metadata?
        var contacts: [Contact]?
        var messages: [Message]?
        var statuses: [Status]?
    }

    struct Metadata: Decodable {
        var phone_number_id: String?
    }

    struct Contact: Decodable {
        var wa_id: String?
        var profile: Profile?
    }

    struct Profile: Decodable {
        var name: String?
    }

    struct Message: Decodable {
        var id: String?
        var from: String?
        var timestamp: String?
        var type: String?
        var context: Context?
        var text: Text?
        var image: Media?
        var audio: Media?
        var voice: Media?
        var video: Media?
        var document: Media?
        var sticker: Media?
        var location: Location?
        var button: Button?
        var interactive: Interactive?
        var reaction: Reaction?
        var errors: [ErrorInfo]?
    }

    struct Context: Decodable {
        var id: String?
    }

    struct Text: Decodable {
        var body: String?
    }

    struct Media: Decodable {
        var id: String?
        var mime_type: String?
        var caption: String?
        var filename: String?
        var voice: Bool?
    }

    struct Location: Decodable {
        var latitude: Double?
        var longitude: Double?
        var name: String?
        var address: String?
    }

    struct Button: Decodable {
        var text: String?
        var payload: String?
    }

    struct Interactive: Decodable {
        var type: String?
        var button_reply: Reply?
        var list_reply: Reply?
    }

    struct Reply: Decodable {
        var id: String?
        var title: String?
        var description: String?
    }

    struct Reaction: Decodable {
        var message_id: String?
        var emoji: String?
    }

    struct Status: Decodable {
        var id: String?
        var status: String?
        var timestamp: String?
        var recipient_id: String?
        var errors: [ErrorInfo]?
    }

    struct ErrorInfo: Decodable {
        var code: Int?
        var title: String?
        var message: String?
    }
}

/// One inbound message as read from the payload, before its media (if any) is fetched.
struct WhatsAppInbound {
    var incoming: IncomingMessage
    /// The media to download and attach, with the name to keep it under.
    var media: (id: String, name: String)?
}

extension WhatsAppPayload {
    /// The messages and the statuses, in the order Meta sent them.
    func read() -> (messages: [WhatsAppInbound], statuses: [DeliveryReceipt]) {
        var messages: [WhatsAppInbound] = []
        var statuses: [DeliveryReceipt] = []
        for change in (entry ?? []).flatMap({ $0.changes ?? [] }) {
            guard let value = change.value else { continue }
            let receiver = value.metadata?.phone_number_id
            for message in value.messages ?? [] {
                messages.append(Self.inbound(message, receivedBy: receiver, contacts: value.contacts ?? []))
            }
            for status in value.statuses ?? [] {
                if let receipt = Self.receipt(status) { statuses.append(receipt) }
            }
        }
        return (messages, statuses)
    }

    static func inbound(_ message: Message, receivedBy: String?, contacts: [Contact]) -> WhatsAppInbound {
        let from = message.from ?? ""
        let name = (contacts.first { $0.wa_id == from } ?? (contacts.count == 1 ? contacts.first : nil))?.profile?.name
        let type = message.type ?? "unknown"
        var replyingTo = message.context?.id.map { [$0] } ?? []
        var text: String
        var media: (id: String, name: String)?
        func attach(_ item: Media?, _ placeholder: String) {
            text = item?.caption.flatMap { $0.isEmpty ? nil : $0 } ?? placeholder
            if let id = item?.id, !id.isEmpty {
                media = (id, item?.filename.flatMap { $0.isEmpty ? nil : $0 } ?? "\(type)-\(id).\(fileExtension(item?.mime_type))")
            }
        }
        switch type {
        case "text":
            text = message.text?.body ?? ""
        case "image": text = ""; attach(message.image, "(an image)")
        case "audio", "voice":
            let audio = message.audio ?? message.voice
            text = ""
            attach(audio, audio?.voice == true || type == "voice" ? "(a voice message)" : "(an audio message)")
        case "video": text = ""; attach(message.video, "(a video)")
        case "document": text = ""; attach(message.document, "(a document\(message.document?.filename.map { ": \($0)" } ?? ""))")
        case "sticker": text = ""; attach(message.sticker, "(a sticker)")
        case "location":
            let place = message.location
            let words = [place?.name, place?.address].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            let point = place.flatMap { place in
                place.latitude.flatMap { latitude in place.longitude.map { "(\(latitude), \($0))" } }
            }
            text = "📍 " + [words.isEmpty ? nil : words, point].compactMap { $0 }.joined(separator: " ")
        case "button":
            text = message.button?.text ?? message.button?.payload ?? "(a button)"
        case "interactive":
            let reply = message.interactive?.button_reply ?? message.interactive?.list_reply
            text = reply?.title ?? "(an interactive reply)"
            if let description = reply?.description, !description.isEmpty { text += " — \(description)" }
        case "reaction":
            let emoji = message.reaction?.emoji ?? ""
            text = emoji.isEmpty ? "removed a reaction from a message" : "reacted \(emoji) to a message"
            if let reacted = message.reaction?.message_id, !reacted.isEmpty { replyingTo.append(reacted) }
        default:
            // Kept, saying what it was: a customer's message is never dropped unseen.
            let why = message.errors?.first.map { ": \([$0.title, $0.message].compactMap { $0 }.joined(separator: " — "))" } ?? ""
            text = "(a WhatsApp message of type \(type), which Herald cannot show\(why))"
        }
        let content = Interaction.Message.Inbound(externalID: message.id ?? "", from: from.hasPrefix("+") ? from : "+" + from, fromName: name,
                                                  text: text, sentAt: date(message.timestamp), kind: type)
        return WhatsAppInbound(incoming: IncomingMessage(channel: .whatsapp, receivedBy: receivedBy.map { [$0] } ?? [], replyingTo: replyingTo, content: content),
                               media: media)
    }

    /// sent, delivered, read and failed (with the first error's code and title); any other
    /// status (`played`, `deleted`…) says nothing about delivery and is left out.
    static func receipt(_ status: Status) -> DeliveryReceipt? {
        guard let id = status.id, let recipient = status.recipient_id, let value = status.status,
              let kind = DeliveryReceipt.Status(rawValue: value) else { return nil }
        let detail = kind == .failed ? status.errors?.first.map { error in
            [error.code.map(String.init), error.title ?? error.message].compactMap { $0 }.joined(separator: " ")
        } : nil
        return DeliveryReceipt(channel: .whatsapp, externalID: id, recipient: recipient.hasPrefix("+") ? recipient : "+" + recipient, status: kind,
                               at: date(status.timestamp) ?? Date(), detail: detail)
    }

    /// Meta's timestamps: Unix seconds as a string.
    static func date(_ text: String?) -> Date? {
        text.flatMap(TimeInterval.init).map { Date(timeIntervalSince1970: $0) }
    }

    /// A name's extension from the declared type (the stored type is libmagic's anyway).
    static func fileExtension(_ mediaType: String?) -> String {
        let base = mediaType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch base {
        case "image/jpeg": return "jpg"
        case "image/png": return "png"
        case "image/webp": return "webp"
        case "audio/ogg": return "ogg"
        case "audio/mpeg": return "mp3"
        case "audio/mp4": return "m4a"
        case "audio/aac": return "aac"
        case "audio/amr": return "amr"
        case "video/mp4": return "mp4"
        case "video/3gpp", "video/3gp": return "3gp"
        case "application/pdf": return "pdf"
        case "text/plain": return "txt"
        default: return "bin"
        }
    }
}
