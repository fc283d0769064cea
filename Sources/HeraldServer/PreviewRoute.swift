import Foundation
import Herald
import HeraldInbox
import Hummingbird

/// POST /api/v1/preview: what the composer's draft becomes on its channel, rendered by the same
/// `Composer` that will send it — the email's HTML and text, the SMS with its encoding and
/// segments, the WhatsApp text with its marks. The page shows this, never its own rendering.
struct PreviewRoute {
    let inbox: Inbox
    let bodies: JSONBodies

    struct Body: Decodable {
        var channel: ChannelID
        var markdown: String?
        var html: String?
        var subject: String?
    }

    struct Answer: Encodable {
        var channel: ChannelID
        /// Email: the HTML part; WhatsApp: the bubble's HTML (`WhatsAppMarkup`).
        var html: String?
        /// The text: the email's text part, the SMS, the WhatsApp message.
        var text: String
        /// SMS: encoding, segments and the characters that force UCS-2.
        var sms: SMSPreview?
        var warnings: [String]
    }

    /// What the page shows of an SMS (the fields of `SMSReport`'s JSON it needs).
    struct SMSPreview: Codable {
        var encoding: String
        var units: Int
        var segmentCount: Int
        var nonGSMCharacters: [String]
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.post("/preview") { request, context in
            _ = try context.requireAgent()
            let body = try await bodies.decode(Body.self, request)
            let draft: Draft
            do {
                if let markdown = body.markdown {
                    draft = try Draft.markdown(Array(markdown.utf8))
                } else {
                    draft = try Draft.html(Array((body.html ?? "").utf8))
                }
            } catch let error as any CategorizedError {
                throw Problem(error.category, error.description, field: body.markdown != nil ? "markdown" : "html")
            }
            var message = MessageRequest()
            message.subject = body.subject
            let composer = inbox.composer
            switch body.channel {
            case .email:
                let html = try composer.render(draft, for: .email, request: message, format: .html)
                let text = try composer.render(draft, for: .email, request: message, format: .text)
                return try JSON.response(Answer(channel: .email, html: try html.text, text: try text.text, warnings: html.warnings))
            case .sms:
                let rendered = try composer.render(draft, for: .sms, request: message, format: .json)
                let json = Data(try rendered.text.utf8)
                let report = try JSON.decoder.decode(SMSPreview.self, from: json)
                let text = (try JSONSerialization.jsonObject(with: json) as? [String: Any])?["text"] as? String ?? ""
                return try JSON.response(Answer(channel: .sms, text: text, sms: report, warnings: rendered.warnings))
            case .whatsapp:
                var whatsapp = message
                whatsapp.to = ["+10000000000"]
                whatsapp.whatsapp.lastInbound = inbox.clock().timeIntervalSince1970
                let rendered = try composer.render(draft, for: .whatsapp, request: whatsapp, format: .text)
                let text = try rendered.text
                // The bubble as WhatsApp shows it: marks applied, the rest escaped.
                let bubble = WhatsAppMarkup.html(text.trimmingCharacters(in: .newlines))
                return try JSON.response(Answer(channel: .whatsapp, html: bubble, text: text, warnings: rendered.warnings))
            case .phone:
                throw Problem(.usage, "a phone interaction has no message to preview", field: "channel")
            }
        }
    }
}
