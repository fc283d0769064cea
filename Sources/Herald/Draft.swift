import Foundation
import HeraldChannels
import HeraldDocument

/// What an input becomes before any channel renders it: a plain Markdown document, or a
/// template filled with data (its body, SMS and WhatsApp parts, subject, layout...). The CLI, the
/// samples and previews all start from a draft, so every input reaches every channel the same way.
public struct Draft: Sendable {
    public var document: Document
    /// Set when the input is a template.
    public var template: FilledTemplate?
    /// What the HTML reader took out of an editor's HTML (scripts, handlers, unsafe links...),
    /// for the composer to warn the agent.
    public var removed: [HTMLRemoval] = []
    /// The author's own plain-text alternative of an email, instead of the one rendered from
    /// the document (`plainText(reading:maximumInputBytes:)` reads one from a file).
    public var plainText: String?

    public init(document: Document, template: FilledTemplate? = nil) {
        self.document = document
        self.template = template
    }

    /// A plain-text alternative from a file: UTF-8, up to `maximumInputBytes` (`InputTooLarge`
    /// past it); line breaks LF or CRLF.
    public static func plainText(reading url: URL, maximumInputBytes: Int = defaultMaximumInputBytes) throws -> String {
        let bytes = try LimitedReader.read(url, what: "the text file ", limit: maximumInputBytes)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HeraldError(.input, "the text file '\(url.displayPath)' is not UTF-8 text; save it as UTF-8")
        }
        return text
    }

    /// How an input file is written.
    public enum Format: String, Sendable, CaseIterable {
        /// Markdown, or a template when it starts with a front matter.
        case markdown
        /// An editor's HTML, read by the sanitizing `HTMLReader`.
        case html

        /// The extensions an input file may have: Markdown (.md, .markdown, .txt) or editor
        /// HTML (.html, .htm).
        public static let inputExtensions = ["md", "markdown", "txt", "html", "htm"]

        /// Refuses an input file whose extension is none of `inputExtensions` (`formatName`:
        /// how the caller names the format given instead).
        public static func checkInput(_ path: String, formatName: String = "the input's format") throws {
            let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
            guard inputExtensions.contains(ext) else {
                throw HeraldError(.usage, "cannot read '\(path)': unsupported input type '.\(ext)'; expected Markdown (.md, .markdown, .txt) or editor HTML (.html, .htm), or say \(formatName)")
            }
        }

        /// By extension: .html and .htm are HTML, the rest Markdown.
        public static func of(_ url: URL) -> Format {
            ["html", "htm"].contains(url.pathExtension.lowercased()) ? .html : .markdown
        }
    }

    /// How much message text is read unless a caller says otherwise: 5 MB. A message is
    /// kilobytes (Gmail clips email HTML past 102 KB; an SMS of 10 segments is 1.5 KB), and a
    /// renderer's memory grows with its input, so more is almost surely a wrong file.
    public static let defaultMaximumInputBytes = 5 * 1_048_576

    /// Markdown → a draft, with what the HTML reader removed from its raw HTML. Markdown whose
    /// markup would take far more memory to read than its size is refused (`MarkdownCost`).
    public static func markdown(_ bytes: consuming [UInt8], maximumInputBytes: Int = defaultMaximumInputBytes) throws -> Draft {
        try markdown(consume bytes, named: "the Markdown", maximumInputBytes: maximumInputBytes)
    }

    /// `bytes` is given up: the reader lets it go before the parse (the input is 5 MB at the
    /// limit).
    static func markdown(_ bytes: consuming [UInt8], named name: String, maximumInputBytes: Int) throws -> Draft {
        guard bytes.count <= maximumInputBytes else { throw InputTooLarge(input: "the Markdown", size: bytes.count, limit: maximumInputBytes) }
        try checkMarkup(bytes, named: name)
        let reading = MarkdownReader().readReportingRemovals(bytes: consume bytes)
        var draft = Draft(document: reading.document)
        draft.removed = reading.removed
        return draft
    }

    /// Refuses Markdown (a document or a template) whose estimated reading memory is beyond
    /// `MarkdownCost`'s rule, before it is parsed.
    static func checkMarkup(_ bytes: [UInt8], named name: String) throws {
        if let refusal = MarkdownCost(bytes).refusal(of: name) { throw HeraldError.badInput(refusal) }
    }

    /// Editor HTML → a draft, with what was removed.
    public static func html(_ bytes: [UInt8], maximumInputBytes: Int = defaultMaximumInputBytes) throws -> Draft {
        guard bytes.count <= maximumInputBytes else { throw InputTooLarge(input: "the HTML", size: bytes.count, limit: maximumInputBytes) }
        let reading = HTMLReader().read(bytes: bytes)
        var draft = Draft(document: reading.document)
        draft.removed = reading.removed
        return draft
    }

    /// Where the data of a template comes from.
    public enum DataSource: Sendable, Equatable {
        /// A JSON file of values.
        case file(URL)
        /// The examples of the template's front matter (previews, goldens, lint).
        case examples
    }

    /// Reads a Markdown file: a template when it starts with a front matter, else a document.
    /// `data` is needed for a template, unless `examplesByDefault` lets its front matter's
    /// examples stand in (previews and renders deliver nothing); `locale` picks its variant
    /// (`welcome.es.md`). Data given for a plain document or HTML is a mistake, said so. The
    /// file and the data are read up to `maximumInputBytes` each (`InputTooLarge` past it).
    public static func read(_ url: URL, data: DataSource?, locale: String? = nil, format: Format? = nil,
                            examplesByDefault: Bool = false, maximumInputBytes: Int = defaultMaximumInputBytes) throws -> Draft {
        let bytes = try LimitedReader.read(url, what: "", limit: maximumInputBytes)
        if (format ?? Format.of(url)) == .html {
            if locale != nil || data != nil {
                throw HeraldError.badInput("\(url.displayPath) is editor HTML, so template data and a locale mean nothing for it; templates are Markdown with a front matter")
            }
            return try html(bytes, maximumInputBytes: maximumInputBytes)
        }
        // Only a text whose first line is `---` can be a template: any other is not copied
        // into a String to be asked (5 MB of Markdown cost 30 MB there).
        let opensWithRule = bytes.starts(with: "---".utf8) || bytes.starts(with: "\u{FEFF}---".utf8)
        guard opensWithRule, MessageTemplate.isTemplate(String(decoding: bytes, as: UTF8.self)) else {
            if locale != nil || data != nil {
                throw HeraldError.badInput("\(url.displayPath) is a plain document (no front matter), so template data and a locale mean nothing for it; a template starts with a line of --- and its settings (name: ...)")
            }
            return try markdown(consume bytes, named: "'\(url.displayPath)'", maximumInputBytes: maximumInputBytes)
        }
        try checkMarkup(bytes, named: "'\(url.displayPath)'")
        let template = try MessageTemplate.load(url, locale: locale)
        return try fill(template, data: data ?? (examplesByDefault ? .examples : nil), maximumInputBytes: maximumInputBytes)
    }

    /// Reads message text from a stream (standard input) up to `maximumInputBytes`, as a
    /// Markdown document or editor HTML; `name` says what it is in errors ("standard input").
    public static func read(from handle: FileHandle, named name: String, format: Format,
                            maximumInputBytes: Int = defaultMaximumInputBytes) throws -> Draft {
        let bytes: [UInt8]
        do {
            bytes = try LimitedReader.read(handle, name: name, limit: maximumInputBytes)
        } catch let error as InputTooLarge {
            throw error
        } catch {
            throw HeraldError.io("cannot read \(name): \(error.localizedDescription)")
        }
        return format == .html ? try html(bytes, maximumInputBytes: maximumInputBytes) : try markdown(bytes, named: name, maximumInputBytes: maximumInputBytes)
    }

    /// Fills a loaded template; a data file is read up to `maximumInputBytes`.
    public static func fill(_ template: MessageTemplate, data: DataSource?, maximumInputBytes: Int = defaultMaximumInputBytes) throws -> Draft {
        let values: [String: TemplateValue]
        var dataDirectory: URL?
        switch data {
        case .file(let url):
            let json = try LimitedReader.read(url, what: "the data file ", limit: maximumInputBytes)
            values = try TemplateValue.data(fromJSON: Data(json), source: url.displayPath)
            dataDirectory = url.deletingLastPathComponent()
        case .examples:
            values = template.exampleData
        case nil:
            throw HeraldError(.input, "\(template.file.displayPath) is a template: give its data (a JSON file of its variables), or use the examples of its front matter")
        }
        let filled = try template.fill(values, dataDirectory: dataDirectory)
        var draft = Draft(document: filled.document, template: filled)
        draft.removed = filled.removed
        return draft
    }

    /// The document the SMS is rendered from: the template's SMS part, or the body.
    public var smsDocument: Document { template?.sms ?? document }

    /// The colours of the email: the layout's, or Herald's.
    public var theme: EmailTheme { template?.theme ?? EmailTheme() }

    /// `request` completed by the template: its subject, preheader, language, sender, unsubscribe
    /// link and attachments where the request gives none (options always win).
    public func completing(_ request: MessageRequest) -> MessageRequest {
        guard let template else { return request }
        var result = request
        result.subject = request.subject ?? template.subject
        result.preheader = request.preheader ?? template.preheader
        result.language = request.language ?? template.language
        result.from = request.from ?? template.from
        if result.listUnsubscribe.isEmpty { result.listUnsubscribe = template.listUnsubscribe }
        result.attachments = template.attachments + request.attachments
        return result
    }

    /// The email render options for `request` (already completed), with the layout.
    public func renderOptions(_ request: MessageRequest) -> EmailRenderOptions {
        var options = request.renderOptions
        options.layout = template?.layout
        return options
    }

    /// The channels this input is meant for: a template's own list, every messaging channel
    /// otherwise.
    public var channels: [ChannelID] { template?.channels ?? ChannelID.messaging }
}

extension Herald {
    /// A draft → email HTML + text, in the template's layout and colours.
    public static func renderEmail(_ draft: Draft, request: MessageRequest = MessageRequest()) -> RenderedEmail {
        let request = draft.completing(request)
        let options = draft.renderOptions(request)
        let html = EmailHTMLRenderer(theme: draft.theme).render(draft.document, options: options)
        let text = draft.template?.text ?? EmailTextRenderer().render(draft.document, options: options)
        return RenderedEmail(html: html.html, text: draft.plainText ?? text, warnings: html.warnings)
    }

    /// A draft + request → a complete email message (the template's subject, sender, layout,
    /// unsubscribe link and attachments where the request leaves them out). The request's own
    /// attachment paths are the caller's: relative ones are relative to the working directory;
    /// a template's are resolved by the template (beside it, or beside its data).
    public static func composeEmail(_ draft: Draft, request: MessageRequest, loader: AttachmentLoader = AttachmentLoader()) throws -> (message: EmailMessage, warnings: [RenderWarning]) {
        let request = draft.completing(request)
        let channel = EmailChannel(htmlRenderer: EmailHTMLRenderer(theme: draft.theme))
        var composed = try channel.message(for: draft.document, addressing: try request.addressing(), options: draft.renderOptions(request),
                                           attachments: try request.loadAttachments(loader: loader))
        if let text = try draft.ownPlainText(request) { composed.message.text = text }
        return composed
    }
}

extension Draft {
    /// The email's plain-text alternative when someone wrote it instead of having it rendered:
    /// the draft's own (`--text`), else the request's `text` file, else the template's `text:`.
    public func ownPlainText(_ request: MessageRequest) throws -> String? {
        if let plainText { return plainText }
        if let file = request.text { return try Draft.plainText(reading: URL(fileURLWithPath: file)) }
        return template?.text
    }
}

extension Draft {
    /// Every file reading this draft from `input` may have read — the input, the data file, the
    /// request's attachments and the template's, and for a template its locale variants and
    /// layouts — so that no output is ever written over one of them (`AtomicFile.write(to:inputs:_:)`).
    public func filesRead(input: String, data: String?, request: MessageRequest?) -> [String] {
        var files = [input] + [data].compactMap { $0 } + completing(request ?? MessageRequest()).attachments
        if let request { files += request.attachments + [request.text].compactMap { $0 } }
        if template != nil {
            let url = URL(fileURLWithPath: input)
            let folder = url.deletingLastPathComponent()
            let stem = url.deletingPathExtension().lastPathComponent.split(separator: ".").first.map(String.init) ?? ""
            let siblings = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            files += siblings.filter { $0.hasPrefix(stem + ".") }.map { folder.appendingPathComponent($0).path }
            let layouts = folder.appendingPathComponent("layouts")
            files += ((try? FileManager.default.contentsOfDirectory(atPath: layouts.path)) ?? []).map { layouts.appendingPathComponent($0).path }
        }
        return files
    }
}
