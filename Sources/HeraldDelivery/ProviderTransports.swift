import Foundation
import HeraldMIME

/// WhatsApp Cloud API: `POST {base}/{phone number ID}/messages` with a bearer token; the payload
/// is the request body (`WhatsAppTextMessage`, `WhatsAppTemplateMessage`). 429 and 5xx are worth
/// retrying; other 4xx are permanent and keep Meta's error code and message.
public struct WhatsAppCloudTransport: PerRecipientTransport, MediaUploader {
    public var baseURL: String
    public var phoneNumberID: String
    public var token: String
    private let client: HTTPClient

    public init(baseURL: String = "https://graph.facebook.com/v23.0", phoneNumberID: String, token: String, timeout: Int = 30) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.phoneNumberID = phoneNumberID
        self.token = token
        client = HTTPClient(timeout: timeout)
    }

    public func send(_ payload: [UInt8], to recipient: String, from: String? = nil) -> DeliveryReport {
        let url = "\(baseURL)/\(from ?? phoneNumberID)/messages"
        do {
            let response = try client.post(url, headers: ["Authorization: Bearer \(token)", "Content-Type: application/json"], body: payload)
            return ProviderReply.report(response, recipient: recipient, request: "POST \(url)") { object in
                ((object["messages"] as? [[String: Any]])?.first?["id"] as? String).map { "accepted as \($0)" }
            } providerError: { object in
                guard let error = object["error"] as? [String: Any] else { return nil }
                return (error["code"] as? Int, error["message"] as? String ?? "unknown error")
            }
        } catch {
            return ProviderReply.failed(error, request: "POST \(url)")
        }
    }

    /// Uploads a media file (`POST {base}/{phone number ID}/media`, multipart with
    /// `messaging_product`, `type` and `file`) and returns the media id a message refers to.
    /// Done when the message is composed, not in the worker: the outbox then holds a small JSON
    /// body, and a refused file is reported to the agent at once.
    public func upload(path: String, filename: String, mediaType: String, from: String? = nil) async throws -> String {
        try await Blocking.run { try uploadNow(path: path, filename: filename, mediaType: mediaType, from: from) }
    }

    func uploadNow(path: String, filename: String, mediaType: String, from: String? = nil) throws -> String {
        let url = "\(baseURL)/\(from ?? phoneNumberID)/media"
        let response: HTTPClient.Response
        do {
            response = try client.postForm(url, headers: ["Authorization: Bearer \(token)"], fields: [
                .text(name: "messaging_product", value: "whatsapp"),
                .text(name: "type", value: mediaType),
                .file(name: "file", path: path, filename: filename, contentType: mediaType),
            ])
        } catch {
            throw HTTPClient.Failure(reason: "uploading \(filename) to POST \(url) failed: \(error)")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        if (200..<300).contains(response.status), let id = object?["id"] as? String {
            return id
        }
        let error = object?["error"] as? [String: Any]
        let message = (error?["message"] as? String).map { "\($0)\((error?["code"] as? Int).map { " (provider code \($0))" } ?? "")" }
        throw HTTPClient.Failure(reason: "uploading \(filename) was refused: HTTP \(response.status)\(message.map { ": \($0)" } ?? "")")
    }
}

/// An SMS gateway with a Twilio-style API: `POST {base}/2010-04-01/Accounts/{account}/Messages.json`,
/// HTTP Basic authentication, a form body `To`, `From`, `Body`. The payload is the SMS text.
public struct SMSGatewayTransport: PerRecipientTransport {
    public var baseURL: String
    public var account: String
    public var token: String
    public var from: String
    private let client: HTTPClient

    public init(baseURL: String = "https://api.twilio.com", account: String, token: String, from: String, timeout: Int = 30) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.account = account
        self.token = token
        self.from = from
        client = HTTPClient(timeout: timeout)
    }

    public func send(_ payload: [UInt8], to recipient: String, from sender: String? = nil) -> DeliveryReport {
        let url = "\(baseURL)/2010-04-01/Accounts/\(account)/Messages.json"
        let form = [("To", recipient), ("From", sender ?? from), ("Body", String(decoding: payload, as: UTF8.self))]
            .map { "\($0.0)=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        let credentials = Data("\(account):\(token)".utf8).base64EncodedString()
        do {
            let response = try client.post(url, headers: ["Authorization: Basic \(credentials)", "Content-Type: application/x-www-form-urlencoded"],
                                           body: Array(form.utf8))
            return ProviderReply.report(response, recipient: recipient, request: "POST \(url)") { object in
                (object["sid"] as? String).map { "accepted as \($0)" }
            } providerError: { object in
                guard let message = object["message"] as? String else { return nil }
                return (object["code"] as? Int, message)
            }
        } catch {
            return ProviderReply.failed(error, request: "POST \(url)")
        }
    }

    /// application/x-www-form-urlencoded: unreserved characters as they are, the rest %XX.
    static func formEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}

/// Turns a provider's HTTP answer into a delivery report.
enum ProviderReply {
    /// No answer: temporary when the request never went out whole (nothing can have been sent),
    /// ambiguous when it did (the message is held rather than sent twice).
    static func failed(_ error: any Error, request: String) -> DeliveryReport {
        if let failure = error as? HTTPClient.Failure, failure.requestSent {
            return DeliveryReport(recipients: [], failure: .ambiguous(reason: "\(request): the request was sent but no answer came (\(failure.reason)); the provider may have sent it"),
                                  transcript: ["> \(request)"])
        }
        return DeliveryReport(recipients: [], failure: .temporary(code: nil, reason: "\(request): \(error)"), transcript: ["> \(request)"])
    }

    static func report(_ response: HTTPClient.Response, recipient: String, request: String,
                       accepted: ([String: Any]) -> String?, providerError: ([String: Any]) -> (Int?, String)?) -> DeliveryReport {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        let transcript = ["> \(request)", "< \(response.status) \(String(decoding: response.body.prefix(500), as: UTF8.self))"]
        if (200..<300).contains(response.status) {
            let reply = accepted(object) ?? "accepted"
            return DeliveryReport(recipients: [RecipientResult(address: recipient, status: .accepted, code: response.status, reply: reply)],
                                  failure: nil, transcript: transcript)
        }
        let (code, message) = providerError(object) ?? (nil, "HTTP \(response.status)")
        let reason = "\(message)\(code.map { " (provider code \($0))" } ?? "")"
        let retry = response.status == 429 || response.status >= 500
        let result = RecipientResult(address: recipient, status: retry ? .deferred : .rejected, code: code ?? response.status, reply: reason)
        return DeliveryReport(recipients: [result],
                              failure: retry ? .temporary(code: response.status, reason: reason) : .permanent(code: response.status, reason: reason),
                              transcript: transcript)
    }
}
