import Crypto
import Foundation
import Herald
import HeraldDelivery
import HeraldInbox

/// A customer's WhatsApp media, fetched as the Cloud API documents it: `GET {base}/{media-id}`
/// with the access token answers `{url, mime_type, sha256, file_size}`, then `GET url` with the
/// same token answers the bytes. They are checked against the SHA-256 Meta gave (hex or base64)
/// and the size limit, then kept by `InboundFiles` (libmagic's type, stored by SHA-256). Any
/// failure is a delivery error (502): the webhook is answered with it, so Meta delivers the
/// webhook again later and nothing of the message is stored meanwhile.
struct WhatsAppMedia: Sendable {
    let baseURL: String
    let token: String
    let files: InboundFiles
    let limit: Int

    func keep(id: String, name: String) async throws -> Interaction.Message.File {
        // The media ID goes into a URL path: digits only, as Meta's are.
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Problem(.input, "the WhatsApp media ID '\(id.prefix(64))' is not a media ID (digits)", field: "media.id")
        }
        let (baseURL, token, limit) = (self.baseURL, self.token, self.limit)
        let bytes = try await Blocking.run { () throws -> [UInt8] in
            let client = HTTPClient(timeout: 60)
            let headers = ["Authorization: Bearer \(token)"]
            let described = "GET \(baseURL)/\(id)"
            let answer = try Self.get(client, "\(baseURL)/\(id)", headers: headers, limit: 64 << 10, what: described)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(answer))) as? [String: Any],
                  let url = object["url"] as? String, url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw HeraldError(.delivery, "\(described) did not answer the media's url")
            }
            let size = (object["file_size"] as? Int) ?? (object["file_size"] as? String).flatMap(Int.init)
            if let size, size > limit {
                throw HeraldError(.delivery, "the customer's WhatsApp media \(id) has \(size) bytes, more than the \(limit) this server downloads")
            }
            // Not the URL in the message: Meta's media URLs carry a signature of their own.
            let bytes = try Self.get(client, url, headers: headers, limit: limit, what: "the download of WhatsApp media \(id)")
            if let size, size != bytes.count {
                throw HeraldError(.delivery, "the download of WhatsApp media \(id) has \(bytes.count) bytes; Meta said \(size)")
            }
            if let expected = object["sha256"] as? String, !Self.matches(expected, SHA256.hash(data: bytes)) {
                throw HeraldError(.delivery, "the download of WhatsApp media \(id) does not have the SHA-256 Meta gave (\(expected))")
            }
            return bytes
        }
        let files = self.files
        return try await Blocking.run { try files.keep(bytes, name: name) }
    }

    private static func get(_ client: HTTPClient, _ url: String, headers: [String], limit: Int, what: String) throws -> [UInt8] {
        let response: HTTPClient.Response
        do {
            response = try client.get(url, headers: headers, maximumSize: limit)
        } catch {
            throw HeraldError(.delivery, "\(what) failed: \(error)")
        }
        guard (200..<300).contains(response.status) else { throw HeraldError(.delivery, "\(what) answered HTTP \(response.status)") }
        guard response.body.count <= limit else { throw HeraldError(.delivery, "\(what) is larger than \(limit) bytes") }
        return response.body
    }

    /// Meta's `sha256`: hex in the media endpoint's answer, base64 in some webhook payloads.
    static func matches(_ expected: String, _ digest: SHA256.Digest) -> Bool {
        let actual = Array(digest)
        let given = WebhookSignature.bytes(hex: expected) ?? Data(base64Encoded: expected).map { [UInt8]($0) }
        return given == actual
    }
}
