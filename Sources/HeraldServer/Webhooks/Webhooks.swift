import Foundation
import HeraldInbox
import HTTPTypes
import Hummingbird

/// The providers' webhooks: WhatsApp Cloud API messages and statuses, Twilio-style SMS and SMS
/// status callbacks. They are outside /api/v1 and its agents' credentials — the provider's
/// signature is their authentication, checked on the raw request before anything in it is
/// read — but inside the body limit (Content-Length first). They are not rate limited: the
/// signature check costs an HMAC and no storage, and refusing a provider's real callback loses
/// data (Twilio does not retry).
///
/// Stored before answering: a message goes through `Inbox.receive` (the same ID twice is stored
/// once), a status through `Inbox.record` (kept only when it moves forward). A provider that
/// delivers again after an error (Meta retries for days) therefore never makes a duplicate.
struct Webhooks: Sendable {
    let inbox: Inbox
    let configuration: WebhookConfiguration
    let bodyLimit: Int

    static let hubSignature = HTTPField.Name("X-Hub-Signature-256")!
    static let twilioSignature = HTTPField.Name("X-Twilio-Signature")!

    /// What a POST to a webhook did, for the provider's logs and the operator's.
    struct Answer: Codable {
        var messages: [Reception]
        var statuses: [Status]

        struct Status: Codable {
            var id: String
            var status: DeliveryReceipt.Status
            /// false: the message's state was already as far or further (a late or repeated callback).
            var kept: Bool
        }
    }

    func register(on router: Router<ServerContext>) {
        router.get("/webhooks/whatsapp") { request, _ in try verify(request) }
        router.post("/webhooks/whatsapp") { request, _ in try await whatsapp(request) }
        router.post("/webhooks/sms") { request, _ in try await sms(request, status: false) }
        router.post("/webhooks/sms/status") { request, _ in try await sms(request, status: true) }
    }

    // MARK: WhatsApp

    /// Meta's subscription check: `hub.mode=subscribe` and the configured verify token answer
    /// `hub.challenge` as text; anything else is 403.
    func verify(_ request: Request) throws -> Response {
        guard let expected = configuration.whatsappVerifyToken else {
            throw Self.notConfigured("WhatsApp webhook verification", set: "HERALD_WHATSAPP_VERIFY_TOKEN (or HERALD_WHATSAPP_VERIFY_TOKEN_FILE)")
        }
        let query = request.uri.queryParameters
        guard query.get("hub.mode") == "subscribe", let presented = query.get("hub.verify_token"),
              WebhookSignature.equal(Array(presented.utf8), Array(expected.utf8)), let challenge = query.get("hub.challenge") else {
            throw Problem(type: "urn:herald:problem:forbidden", title: "Verification refused", status: 403,
                          detail: "the verification needs hub.mode=subscribe, the configured verify token and a hub.challenge")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .init("X-Content-Type-Options")!: "nosniff"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: challenge)))
    }

    func whatsapp(_ request: Request) async throws -> Response {
        guard let secret = configuration.whatsappAppSecret else {
            throw Self.notConfigured("WhatsApp webhook", set: "HERALD_WHATSAPP_APP_SECRET (or HERALD_WHATSAPP_APP_SECRET_FILE): the Meta app's secret")
        }
        let body = try await Uploads.body(of: request, limit: bodyLimit, tooLarge: Problem.tooLarge(limit: bodyLimit))
        guard WebhookSignature.whatsappAdmits(request.headers[Self.hubSignature], body: body, secret: secret) else {
            throw Self.badSignature("X-Hub-Signature-256 (sha256= and the HMAC-SHA256 of the body with the app secret)")
        }
        let payload: WhatsAppPayload
        do {
            payload = try JSONDecoder().decode(WhatsAppPayload.self, from: Data(body))
        } catch {
            throw Problem(.usage, "the WhatsApp webhook's body is not the Cloud API's JSON: \(error)")
        }
        let (messages, statuses) = payload.read()
        var answer = Answer(messages: [], statuses: [])
        for message in messages {
            var incoming = message.incoming
            if let media = message.media {
                // A duplicate is not downloaded again (its files were kept the first time).
                if try await inbox.store.inboundMessage(channel: .whatsapp, externalID: incoming.content.externalID) == nil {
                    guard let token = configuration.whatsappAccessToken else {
                        throw Self.notConfigured("WhatsApp media download", set: "HERALD_WHATSAPP_TOKEN (or HERALD_WHATSAPP_TOKEN_FILE): the Cloud API access token")
                    }
                    let fetcher = WhatsAppMedia(baseURL: configuration.whatsappBaseURL, token: token, files: configuration.inboundFiles,
                                                limit: configuration.mediaLimit)
                    incoming.content.files = [try await fetcher.keep(id: media.id, name: media.name)]
                }
            }
            answer.messages.append(try await inbox.receive(incoming))
        }
        for receipt in statuses {
            answer.statuses.append(Answer.Status(id: receipt.externalID, status: receipt.status, kept: try await inbox.record(receipt)))
        }
        return try JSON.response(answer)
    }

    // MARK: SMS

    /// An inbound SMS (`MessageSid`, `From`, `To`, `Body`, `NumMedia`) or a status callback
    /// (`MessageSid`, `MessageStatus`, `ErrorCode`, `To`), a form signed with
    /// `X-Twilio-Signature` over the public URL and the parameters.
    func sms(_ request: Request, status: Bool) async throws -> Response {
        guard let token = configuration.smsAuthToken else {
            throw Self.notConfigured("SMS webhook", set: "HERALD_SMS_TOKEN (or HERALD_SMS_TOKEN_FILE): the account's auth token")
        }
        guard let publicURL = configuration.publicURL else {
            throw Self.notConfigured("SMS webhook", set: "--public-url or HERALD_PUBLIC_URL (the URL the provider calls, e.g. https://inbox.example.com): the signature covers it")
        }
        let body = try await Uploads.body(of: request, limit: bodyLimit, tooLarge: Problem.tooLarge(limit: bodyLimit))
        // Twilio signs the decoded parameters, so the form is split first; a form that does not
        // decode cannot carry a valid signature and is refused as unsigned.
        guard let form = URLEncodedForm(body),
              WebhookSignature.twilioAdmits(request.headers[Self.twilioSignature], url: publicURL + request.uri.string, parameters: form.parameters, token: token) else {
            throw Self.badSignature("X-Twilio-Signature (base64 of the HMAC-SHA1 of the public URL and the sorted parameters with the auth token)")
        }
        guard let sid = form["MessageSid"] ?? form["SmsSid"], !sid.isEmpty else {
            throw Problem(.input, "the SMS callback has no MessageSid", field: "MessageSid")
        }
        if status {
            guard let state = form["MessageStatus"] ?? form["SmsStatus"], let recipient = form["To"] else {
                throw Problem(.input, "the SMS status callback needs MessageStatus and To", field: "MessageStatus")
            }
            if let kept = Self.receipt(sid: sid, status: state, recipient: recipient, errorCode: form["ErrorCode"], at: inbox.clock()) {
                _ = try await inbox.record(kept)
            }
            return Response(status: .noContent)
        }
        guard let from = form["From"], let to = form["To"] else { throw Problem(.input, "the inbound SMS needs From and To", field: "From") }
        var text = form["Body"] ?? ""
        // Media (MMS) are not downloaded yet; the message says they were there.
        let media = Int(form["NumMedia"] ?? "0") ?? 0
        if media > 0 {
            let types = (0..<min(media, 10)).map { form["MediaContentType\($0)"] ?? "a file" }.joined(separator: ", ")
            text += (text.isEmpty ? "" : "\n") + "(\(media) media not shown: \(types))"
        }
        let incoming = IncomingMessage(channel: .sms, receivedBy: [to], content: Interaction.Message.Inbound(externalID: sid, from: from, text: text))
        _ = try await inbox.receive(incoming)
        // Twilio reads the answer to an inbound message as TwiML: an empty <Response/> sends no reply.
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)))
    }

    /// Twilio's `MessageStatus`: sent, delivered, read; undelivered and failed are a failure with
    /// the `ErrorCode`; queued, accepted, sending, scheduled… say nothing Herald keeps.
    static func receipt(sid: String, status: String, recipient: String, errorCode: String?, at: Date) -> DeliveryReceipt? {
        let kind: DeliveryReceipt.Status
        switch status.lowercased() {
        case "sent": kind = .sent
        case "delivered": kind = .delivered
        case "read": kind = .read
        case "undelivered", "failed": kind = .failed
        default: return nil
        }
        let detail = kind == .failed ? "\(status)\(errorCode.flatMap { $0.isEmpty ? nil : " (error \($0))" } ?? "")" : nil
        return DeliveryReceipt(channel: .sms, externalID: sid, recipient: recipient, status: kind, at: at, detail: detail)
    }

    // MARK: Problems

    static func notConfigured(_ what: String, set variables: String) -> Problem {
        Problem(type: "urn:herald:problem:notConfigured", title: "Webhook not configured", status: 404,
                detail: "this server has no \(what): set \(variables) and restart herald serve")
    }

    static func badSignature(_ expected: String) -> Problem {
        Problem(type: "urn:herald:problem:badSignature", title: "Bad signature", status: 401,
                detail: "the request is not signed by the provider: it needs a valid \(expected); nothing was stored")
    }
}

/// An application/x-www-form-urlencoded body, its parameters in order (a name may repeat).
struct URLEncodedForm {
    var parameters: [(name: String, value: String)]

    /// nil when a name or value is not valid percent-encoded UTF-8.
    init?(_ bytes: [UInt8]) {
        parameters = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decoded(parts[0]), let value = Self.decoded(parts.count > 1 ? parts[1] : []) else { return nil }
            parameters.append((name, value))
        }
    }

    subscript(name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    private static func decoded(_ bytes: ArraySlice<UInt8>) -> String? {
        let plus = bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
        return String(decoding: plus, as: UTF8.self).removingPercentEncoding
    }
}
