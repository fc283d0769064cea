import Foundation

/// A sample: one folder under `Samples/` holding an input and the golden outputs it must render
/// to, byte for byte.
///
///     Samples/agent-reply/input.md      the input (Markdown)
///     Samples/agent-reply/sample.json   optional: an `EmailRequest` ({"subject", "preheader",
///                                       "language", "from", "to", "cc", "bcc", "attachments"...})
///     Samples/agent-reply/golden.html   email HTML
///     Samples/agent-reply/golden.txt    email text alternative
///     Samples/agent-reply/golden.eml    the whole message, deterministic (when "from" is set)
///     Samples/agent-reply/golden.sms.txt, golden.sms.json   the SMS text, and its encoding and segments
///     Samples/agent-reply/golden.whatsapp.txt   the WhatsApp message as the customer sees it
///     Samples/agent-reply/whatsapp.json   optional: the approved template and values this sample's
///                                       WhatsApp conversation opens with (`SampleWhatsAppTemplate`)
///     Samples/agent-reply/golden.whatsapp.json  that template message's Cloud API request body
public struct Sample: Sendable {
    public typealias Settings = EmailRequest

    /// One rendered output and the golden file it is compared with.
    public struct Output: Equatable, Sendable {
        public var fileName: String
        public var content: String
    }

    public var directory: URL
    public var name: String { directory.lastPathComponent }

    public init(directory: URL) {
        self.directory = directory
    }

    /// Every folder of `root` that holds an `input.md`, sorted by name.
    public static func all(in root: URL) throws -> [Sample] {
        let entries = try FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)
        return entries
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("input.md").path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map(Sample.init)
    }

    public func settings() throws -> Settings {
        let url = directory.appendingPathComponent("sample.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return Settings() }
        do {
            return try JSONDecoder().decode(Settings.self, from: Data(contentsOf: url))
        } catch {
            throw HeraldError.badInput("\(url.path): \(error.localizedDescription); expected an object with \"subject\", \"preheader\", \"language\", \"from\" (strings) and \"to\", \"cc\", \"bcc\", \"attachments\", \"headers\" (lists of strings)")
        }
    }

    /// Renders the sample's input into every output it has a golden file for.
    public func render() throws -> [Output] {
        let settings = try settings()
        let input = [UInt8](try Data(contentsOf: directory.appendingPathComponent("input.md")))
        let email = Herald.renderEmail(markdown: input, options: settings.renderOptions)
        let sms = Herald.renderSMS(markdown: input)
        var outputs = [Output(fileName: "golden.html", content: email.html), Output(fileName: "golden.txt", content: email.text),
                       Output(fileName: "golden.sms.txt", content: sms.text + "\n"), Output(fileName: "golden.sms.json", content: sms.json),
                       Output(fileName: "golden.whatsapp.txt", content: WhatsAppTextRenderer().render(MarkdownReader().read(bytes: input)) + "\n")]
        if let template = try whatsappTemplate() {
            outputs.append(Output(fileName: "golden.whatsapp.json", content: template.json))
        }
        if settings.from != nil {
            let composed = try Herald.composeEmail(markdown: input, request: settings, baseDirectory: directory)
            let identity = try MessageIdentity.deterministic(for: composed.message)
            let bytes = try MIMEWriter().bytes(of: composed.message, identity: identity)
            outputs.append(Output(fileName: "golden.eml", content: String(decoding: bytes, as: UTF8.self)))
        }
        return outputs
    }
}

/// A sample's `whatsapp.json`: `{"to", "template": <WhatsAppTemplate>, "parameters": [...],
/// "headerParameter", "buttonParameters": [...]}` (named templates: parameters as "name=value").
struct SampleWhatsAppTemplate: Decodable {
    var to: String
    var template: WhatsAppTemplate
    var parameters: [String]?
    var headerParameter: String?
    var buttonParameters: [String]?
}

extension Sample {
    /// The checked template message of `whatsapp.json`, or nil when the sample has none.
    func whatsappTemplate() throws -> WhatsAppTemplateMessage? {
        let url = directory.appendingPathComponent("whatsapp.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let file = try JSONDecoder().decode(SampleWhatsAppTemplate.self, from: Data(contentsOf: url))
            var message = WhatsAppTemplateMessage(template: file.template, recipient: try WhatsAppRecipient(file.to),
                                                  headerValue: file.headerParameter, buttonValues: file.buttonParameters ?? [])
            let values = file.parameters ?? []
            if file.template.parameterFormat == .named {
                message.namedValues = values.map { value in
                    let parts = value.split(separator: "=", maxSplits: 1)
                    return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
                }
            } else {
                message.bodyValues = values
            }
            try message.validate()
            return message
        } catch {
            throw HeraldError.badInput("\(url.path): \(error); expected {\"to\", \"template\": {\"name\", \"language\", \"category\", \"body\"...}, "
                                       + "\"parameters\", \"headerParameter\", \"buttonParameters\"} whose values fit the template")
        }
    }
}

/// Errors the façade reports; each names the input and what would be accepted.
public enum HeraldError: Error, LocalizedError, Equatable {
    case badInput(String)
    case io(String)

    public var errorDescription: String? {
        switch self {
        case .badInput(let message), .io(let message): return message
        }
    }
}
