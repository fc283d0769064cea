import Foundation
import Herald

/// A sample: an input and the golden outputs it must render to, byte for byte. Two kinds:
///
/// A folder under `Samples/`:
///
///     Samples/agent-reply/input.md      the input: a Markdown document, or a template (front matter);
///                                       or input.html: an editor's HTML
///     Samples/agent-reply/data.json     for a template: its data (else its examples are used)
///     Samples/agent-reply/sample.json   optional: an `MessageRequest` ({"subject", "preheader",
///                                       "language", "from", "to", "cc", "bcc", "attachments"...})
///     Samples/agent-reply/golden.html   email HTML
///     Samples/agent-reply/golden.txt    email text alternative
///     Samples/agent-reply/golden.eml    the whole message, deterministic (when there is a sender)
///     Samples/agent-reply/golden.sms.txt, golden.sms.json   the SMS text, and its encoding and segments
///     Samples/agent-reply/golden.whatsapp.txt   the WhatsApp message as the customer sees it
///     Samples/agent-reply/whatsapp.json   optional: the approved template and values this sample's
///                                       WhatsApp conversation opens with (`SampleWhatsAppTemplate`)
///     Samples/agent-reply/golden.whatsapp.json  that template message's Cloud API request body
///
/// Or a template file in a templates folder (`Templates/welcome.es.md`), whose goldens live in
/// `Templates/golden/welcome.es/` (with an optional `data.json` and `sample.json` there). A
/// template renders only the channels its front matter lists.
public struct Sample: Sendable {
    public typealias Settings = MessageRequest

    /// One rendered output and the golden file it is compared with.
    public struct Output: Equatable, Sendable {
        public var fileName: String
        public var content: String
    }

    /// Where the goldens (and data.json, sample.json) are.
    public var directory: URL
    /// The input file.
    public var input: URL
    public var name: String

    /// Who a template's golden message and WhatsApp request are addressed to when its
    /// sample.json names nobody (templates do not name recipients).
    public static let exampleRecipient = "Ana García <ana.garcia@example.com>"
    public static let examplePhone = "+14155550123"

    /// A sample folder with its `input.md` (Markdown or a template) or `input.html` (editor HTML).
    public init(directory: URL) {
        self.directory = directory
        let html = directory.appendingPathComponent("input.html")
        self.input = FileManager.default.fileExists(atPath: html.path) ? html : directory.appendingPathComponent("input.md")
        self.name = directory.lastPathComponent
    }

    /// A template file whose goldens are in `goldenDirectory`.
    public init(template: URL, goldenDirectory: URL) {
        self.directory = goldenDirectory
        self.input = template
        self.name = template.deletingPathExtension().lastPathComponent
    }

    /// Every sample of `root`: its folders holding an `input.md`, and its template files (goldens
    /// in `root/golden/NAME/`), sorted by name.
    public static func all(in root: URL) throws -> [Sample] {
        let entries = try FileManager.default.contentsOfDirectory(atPath: root.path).map { root.appendingPathComponent($0) }
        let folders = entries
            .filter { folder in ["input.md", "input.html"].contains { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) } }
            .map(Sample.init(directory:))
        let templates = try TemplateLinter.templateFiles(in: root).map { file in
            Sample(template: file, goldenDirectory: root.appendingPathComponent("golden").appendingPathComponent(file.deletingPathExtension().lastPathComponent))
        }
        return (folders + templates).sorted { $0.name < $1.name }
    }

    public func settings() throws -> Settings {
        let url = directory.appendingPathComponent("sample.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return Settings() }
        return try MessageRequest.read(at: url)
    }

    /// The input read (and, for a template, filled with data.json or its examples).
    public func draft() throws -> Draft {
        let data = directory.appendingPathComponent("data.json")
        return try Draft.read(input, data: FileManager.default.fileExists(atPath: data.path) ? .file(data) : nil, examplesByDefault: true)
    }

    /// Renders the sample's input into every output of the channels it is for, through the
    /// `Composer` with deterministic identities (the same input gives the same bytes).
    public func render() throws -> [Output] {
        var settings = try settings()
        let draft = try draft()
        if draft.template != nil && settings.to.isEmpty && settings.cc.isEmpty && settings.bcc.isEmpty {
            settings.to = [Self.exampleRecipient]
        }
        let composer = Composer.deterministic
        func output(_ fileName: String, _ channel: ChannelID, _ format: RenderFormat, _ request: MessageRequest = settings) throws -> Output {
            Output(fileName: fileName, content: try composer.render(draft, for: channel, request: request, format: format).text)
        }
        var outputs: [Output] = []
        if draft.channels.contains(.email) {
            outputs += [try output("golden.html", .email, .html), try output("golden.txt", .email, .text)]
            if draft.completing(settings).from != nil {
                // Attachments of a folder sample's sample.json are relative to the folder.
                outputs.append(try output("golden.eml", .email, .eml, settings.resolvingPaths(against: directory)))
            }
        }
        if draft.channels.contains(.sms) {
            let sms = MessageRequest()
            outputs += [try output("golden.sms.txt", .sms, .text, sms), try output("golden.sms.json", .sms, .json, sms)]
        }
        if draft.channels.contains(.whatsapp) {
            if draft.template.map({ (try? $0.whatsapp()) != nil }) ?? false {
                // The template's own approved template, to the example number.
                let whatsapp = MessageRequest(to: [Self.examplePhone])
                do {
                    outputs += [try output("golden.whatsapp.txt", .whatsapp, .text, whatsapp), try output("golden.whatsapp.json", .whatsapp, .json, whatsapp)]
                } catch {
                    throw HeraldError.badInput("\(input.displayPath): the WhatsApp part does not fit its template: \(error)")
                }
            } else {
                outputs.append(try output("golden.whatsapp.txt", .whatsapp, .text, MessageRequest()))
                if let request = try whatsappTemplateRequest() {
                    outputs.append(try output("golden.whatsapp.json", .whatsapp, .json, request))
                }
            }
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
    /// The request of `whatsapp.json` (its approved template, values and recipient), checked;
    /// nil when the sample has none.
    func whatsappTemplateRequest() throws -> MessageRequest? {
        let url = directory.appendingPathComponent("whatsapp.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let file = try JSONDecoder().decode(SampleWhatsAppTemplate.self, from: Data(contentsOf: url))
            var request = MessageRequest(to: [file.to])
            request.whatsapp = WhatsAppOptions(template: file.template, parameters: file.parameters ?? [], headerParameter: file.headerParameter,
                                               buttonParameters: file.buttonParameters ?? [])
            _ = try Composer.deterministic.render(Draft(document: Document()), for: .whatsapp, request: request, format: .json)
            return request
        } catch {
            throw HeraldError.badInput("\(url.path): \(error); expected {\"to\", \"template\": {\"name\", \"language\", \"category\", \"body\"...}, "
                                       + "\"parameters\", \"headerParameter\", \"buttonParameters\"} whose values fit the template")
        }
    }
}
