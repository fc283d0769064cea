import Foundation
import Herald
import HeraldDelivery
import HeraldInbox

/// What the providers' webhooks need: their secrets, where to fetch WhatsApp media, the public
/// URL Twilio signs. Secrets come only from the environment or from files (`NAME_FILE`, for
/// container secrets), never from a command-line argument (other users can read those), and are
/// never printed or logged. A webhook whose secret is missing is not served: it answers 404
/// saying what to set, and never accepts unsigned data.
public struct WebhookConfiguration: Sendable {
    /// The Meta app's secret: `X-Hub-Signature-256` is the HMAC-SHA256 of the body with it.
    public var whatsappAppSecret: [UInt8]?
    /// What the verification challenge (GET /webhooks/whatsapp) must present.
    public var whatsappVerifyToken: String?
    /// The Cloud API's access token: media are downloaded with it.
    public var whatsappAccessToken: String?
    /// The Graph API's base URL (`https://graph.facebook.com/v23.0`): media at `{base}/{media-id}`.
    public var whatsappBaseURL: String
    /// The Twilio-style account's auth token: `X-Twilio-Signature` is an HMAC-SHA1 with it.
    public var smsAuthToken: String?
    /// The server's URL as the provider calls it (`https://inbox.example.com`): Twilio signs the
    /// URL it requested, which a server behind a proxy cannot know.
    public var publicURL: String?
    /// Where customers' files are kept (`DATA/inbound-files`).
    public var inboundFiles: InboundFiles
    /// The largest WhatsApp media file downloaded: 100 MB, WhatsApp's own largest (documents).
    public var mediaLimit: Int

    public init(whatsappAppSecret: [UInt8]? = nil, whatsappVerifyToken: String? = nil, whatsappAccessToken: String? = nil,
                whatsappBaseURL: String = DeliveryConfiguration.whatsappDefaultURL, smsAuthToken: String? = nil, publicURL: String? = nil,
                inboundFiles: InboundFiles = InboundFiles(dataFolder: ".herald"), mediaLimit: Int = 100 << 20) {
        self.whatsappAppSecret = whatsappAppSecret
        self.whatsappVerifyToken = whatsappVerifyToken
        self.whatsappAccessToken = whatsappAccessToken
        self.whatsappBaseURL = whatsappBaseURL.hasSuffix("/") ? String(whatsappBaseURL.dropLast()) : whatsappBaseURL
        self.smsAuthToken = smsAuthToken
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.inboundFiles = inboundFiles
        self.mediaLimit = mediaLimit
    }

    /// From the environment: HERALD_WHATSAPP_APP_SECRET, HERALD_WHATSAPP_VERIFY_TOKEN,
    /// HERALD_WHATSAPP_TOKEN (each or its `_FILE`), HERALD_WHATSAPP_URL, HERALD_SMS_TOKEN (or
    /// `_FILE`); `publicURL` (`--public-url`) else HERALD_PUBLIC_URL. A file that cannot be read
    /// or a public URL that is not http(s) is an error now, not at the first webhook.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, publicURL: String? = nil, dataFolder: String) throws {
        let publicURL = publicURL ?? environment["HERALD_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let publicURL {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil,
                  url.query == nil, url.fragment == nil else {
                throw HeraldError(.usage, "the public URL '\(publicURL)' is not an http(s) URL like https://inbox.example.com (the address the providers call)")
            }
        }
        self.init(whatsappAppSecret: try Self.secret("HERALD_WHATSAPP_APP_SECRET", environment).map { Array($0.utf8) },
                  whatsappVerifyToken: try Self.secret("HERALD_WHATSAPP_VERIFY_TOKEN", environment),
                  whatsappAccessToken: try Self.secret("HERALD_WHATSAPP_TOKEN", environment),
                  whatsappBaseURL: environment["HERALD_WHATSAPP_URL"] ?? DeliveryConfiguration.whatsappDefaultURL,
                  smsAuthToken: try Self.secret("HERALD_SMS_TOKEN", environment), publicURL: publicURL,
                  inboundFiles: InboundFiles(dataFolder: dataFolder))
    }

    /// `NAME`, else the content of the file `NAME_FILE` without its final newline; empty is none.
    static func secret(_ name: String, _ environment: [String: String]) throws -> String? {
        if let value = environment[name], !value.isEmpty { return value }
        guard let file = environment[name + "_FILE"], !file.isEmpty else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw HeraldError(.io, "cannot read \(name)_FILE (\(file)): \(error.localizedDescription)")
        }
        let value = text.trimmingCharacters(in: .newlines)
        return value.isEmpty ? nil : value
    }
}
