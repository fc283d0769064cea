import Foundation
import HeraldChannels
import HeraldDocument

/// A template filled with one customer's data: everything each channel renders from.
public struct FilledTemplate: Sendable {
    public var templateName: String
    public var channels: [ChannelID]
    /// The email body (and the SMS and WhatsApp text when the template has no part of its own).
    public var document: Document
    /// The SMS part, when the template has one.
    public var sms: Document?
    public var subject: String?
    public var preheader: String?
    public var language: String?
    /// The email's plain-text alternative, when the template writes its own (`text:`).
    public var text: String?
    /// The sender the template or its layout names, used when none is given.
    public var from: String?
    public var layout: EmailLayout?
    public var theme: EmailTheme
    /// The layout's unsubscribe URL, for the List-Unsubscribe header.
    public var listUnsubscribe: [String]
    /// Attachment file paths, resolved.
    public var attachments: [String]
    /// The WhatsApp part filled, or why it could not be: kept apart so that an email or SMS of a
    /// template is not refused for a WhatsApp parameter it does not use.
    var whatsappResult: Result<FilledWhatsApp, TemplateError>?

    /// The WhatsApp part, when the template has one; throws what is wrong with its values.
    public func whatsapp() throws -> FilledWhatsApp? {
        try whatsappResult?.get()
    }
    /// What the author should know but that does not stop the message (data keys no variable reads).
    public var warnings: [String] = []
    /// What the HTML reader removed from the template's raw HTML (a `<script>`, or a raw
    /// `<a href="{{url}}">`, whose URL is not known when the HTML is read: use Markdown links).
    public var removed: [HTMLRemoval] = []

    /// The email render options the template implies.
    public var renderOptions: EmailRenderOptions {
        EmailRenderOptions(title: subject, preheader: preheader, language: language, layout: layout)
    }
}

/// The WhatsApp template with its values, waiting for a recipient.
public struct FilledWhatsApp: Equatable, Sendable {
    public var template: WhatsAppTemplate
    public var bodyValues: [String]
    public var namedValues: [(name: String, value: String)]
    public var headerValue: String?
    public var buttonValues: [String]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.template == rhs.template && lhs.bodyValues == rhs.bodyValues && lhs.headerValue == rhs.headerValue
            && lhs.buttonValues == rhs.buttonValues && lhs.namedValues.map(\.name) == rhs.namedValues.map(\.name)
            && lhs.namedValues.map(\.value) == rhs.namedValues.map(\.value)
    }

    public func message(to recipient: WhatsAppRecipient) -> WhatsAppTemplateMessage {
        WhatsAppTemplateMessage(template: template, recipient: recipient, bodyValues: bodyValues, namedValues: namedValues,
                                headerValue: headerValue, buttonValues: buttonValues)
    }

    /// Checks the values against the template and WhatsApp's limits (no recipient needed).
    public func validate() throws {
        try message(to: .businessScopedUserID("US.0")).validate()
    }

    /// The message as the customer sees it: the header in bold (as WhatsApp shows it), the
    /// body, the footer, and the buttons in brackets.
    public var text: String {
        template.buttons.isEmpty ? bubbleText : bubbleText + "\n\n" + buttons.map { "[ \($0) ]" }.joined(separator: " ")
    }

    /// The buttons' labels, shown as buttons under the bubble by a preview.
    public var buttons: [String] { template.buttons.map(\.text) }

    /// The bubble's text: the header in bold, the body, the footer (no buttons).
    public var bubbleText: String {
        var parts: [String] = []
        if let header = template.header {
            switch header.format {
            case .text:
                var line = header.text ?? ""
                if let headerValue { line = line.replacingOccurrences(of: WhatsAppTemplate.placeholders(in: line).first.map { "{{\($0)}}" } ?? "{{1}}", with: headerValue) }
                parts.append("*\(line)*")
            case .image, .video, .document:
                parts.append("[\(header.format.rawValue.lowercased()): \(headerValue ?? "")]")
            }
        }
        parts.append(message(to: .businessScopedUserID("US.0")).renderedBody)
        if let footer = template.footer { parts.append(footer) }
        return parts.joined(separator: "\n\n")
    }
}

extension MessageTemplate {
    /// Fills the template with `data` (a `--data` file's object). Files named by data values
    /// (attachments) are found in `dataDirectory`, or beside the template for example data.
    public func fill(_ data: [String: TemplateValue], dataDirectory: URL? = nil) throws -> FilledTemplate {
        let path = file.displayPath
        try checkData(data)
        var data = data
        // An absent list is an empty one, so {{^empty(items)}} hides what depends on it.
        for variable in variables where variable.kind == .list && (data[variable.name] ?? .null) == .null {
            data[variable.name] = .list([])
        }
        var filler = SafeFiller(file: path, usages: usages, compiled: compiled)
        let context = filler.context(for: data)

        var removed: [HTMLRemoval] = []
        func markdown(_ text: String, line: Int, file: String = path) throws -> Document {
            if let document = staticDocuments[text] { return document }
            let scoped = SafeFiller(copying: filler, file: file)
            let filled = try scoped.render(text, context: context, firstLine: line)
            let reading = MarkdownReader(keepsPlaceholderURLs: true).readReportingRemovals(bytes: Array(filled.utf8))
            removed += reading.removed
            return try scoped.fill(reading.document)
        }
        func line(_ field: Located<String>?) throws -> String? {
            guard let field else { return nil }
            let scoped = SafeFiller(copying: filler, file: field.location.file)
            return scoped.substituteLine(try scoped.render(field.value, context: context, firstLine: field.location.line ?? 1))
        }

        func sender(_ field: Located<String>?) throws -> String? {
            guard let field else { return nil }
            let scoped = SafeFiller(copying: filler, file: field.location.file)
            return try scoped.fillSender(try scoped.render(field.value, context: context, firstLine: field.location.line ?? 1), location: field.location)
        }

        let document = try markdown(body, line: bodyLine)
        // Plain text: values go in as they are, line breaks kept (nothing there is markup).
        let text = try manifest.text.map { field in
            let scoped = SafeFiller(copying: filler, file: field.location.file)
            return scoped.substituteText(try scoped.render(field.value, context: context, firstLine: field.location.line ?? 1))
        }
        let sms = try manifest.sms.map { try markdown($0.value, line: $0.location.line ?? 1, file: $0.location.file) }

        var emailLayout: EmailLayout?
        var listUnsubscribe: [String] = []
        if let layout {
            var header: [Block] = []
            if let logo = layout.logo {
                let image = Inline.image(Image(source: logo.source, alt: logo.alt, width: logo.width))
                let content = logo.link.flatMap { SafeURL.clean($0, for: .link) }.map { [Inline.link(Link(url: $0, content: [image]))] } ?? [image]
                header.append(.paragraph(Paragraph(content, alignment: .center)))
            }
            if let text = layout.header {
                header += try markdown(text.value, line: text.location.line ?? 1, file: text.location.file).blocks
            }
            var footer = try layout.footer.map { try markdown($0.value, line: $0.location.line ?? 1, file: $0.location.file).blocks } ?? []
            if case .some(.some(let unsubscribe)) = layout.unsubscribe {
                let scoped = SafeFiller(copying: filler, file: unsubscribe.url.location.file)
                let rendered = try scoped.render(unsubscribe.url.value, context: context, firstLine: unsubscribe.url.location.line ?? 1)
                let url = try scoped.fillURL(rendered, context: .link)
                guard url.lowercased().hasPrefix("https:") || url.lowercased().hasPrefix("mailto:") else {
                    throw unsubscribe.url.location.error("the unsubscribe URL '\(url)' must be https: or mailto: (RFC 8058 clients open nothing else)")
                }
                footer.append(.paragraph(Paragraph([.link(Link(url: url, content: [.text(unsubscribe.text)]))])))
                listUnsubscribe.append(url)
            }
            emailLayout = EmailLayout(header: Document(blocks: header), footer: Document(blocks: footer))
        }

        var attachments: [String] = []
        for entry in manifest.attachments {
            let tags = try MustacheTag.scan(entry.value, file: entry.location.file, firstLine: entry.location.line ?? 1)
            guard let name = try line(entry), !name.isEmpty else {
                throw entry.location.error("the attachment '\(entry.value)' names no file once filled; give its variable a value")
            }
            if tags.isEmpty {
                attachments.append(name.hasPrefix("/") ? name : file.deletingLastPathComponent().appendingPathComponent(name).path)
            } else {
                // A file named by data stays inside the data's folder: data must not reach /etc/passwd.
                let parts = name.split(separator: "/")
                guard !name.hasPrefix("/"), !parts.contains(".."), !name.contains("\\") else {
                    throw entry.location.error("the attachment '\(entry.value)' became '\(name)'; a file named by data must be a path inside the data file's folder (no leading / and no ..)")
                }
                let folder = dataDirectory ?? file.deletingLastPathComponent()
                attachments.append(folder.appendingPathComponent(name).path)
            }
        }

        // A misspelt optional key would otherwise vanish without a word.
        let declared = Set(variables.map(\.name))
        let unknown = data.keys.filter { !declared.contains($0) }.sorted()
        let warnings = unknown.isEmpty ? [] : ["the data gives \(unknown.joined(separator: ", ")), which template \(manifest.name) does not declare (its variables: \(variables.map(\.name).joined(separator: ", ")))"]

        return FilledTemplate(templateName: manifest.name, channels: manifest.channels, document: document, sms: sms,
                              subject: try line(manifest.subject), preheader: try line(manifest.preheader), language: manifest.language,
                              text: text, from: try sender(manifest.from ?? layout?.from), layout: emailLayout, theme: layout?.theme ?? EmailTheme(),
                              listUnsubscribe: listUnsubscribe, attachments: attachments, whatsappResult: fillWhatsApp(data), warnings: warnings,
                              removed: removed)
    }

    /// Required variables present and every given value of its declared type. Each error points
    /// at the variable's first use, else at its declaration — in the layout's file for a
    /// variable only the layout reads or declares.
    func checkData(_ data: [String: TemplateValue]) throws {
        let given = data.keys.sorted()
        for variable in variables {
            let value = data[variable.name]
            let place = usages[variable.name]?.first ?? variable.location
            let ofLayout = !manifest.variables.contains { $0.name == variable.name }
            let declaration = "\(variable.location.file)\(variable.location.line.map { ":\($0)" } ?? "")"
            if value == nil || value == .null {
                if variable.required {
                    throw TemplateError(file: place.file, line: place.line,
                                        message: "template \(manifest.name): the required variable \(variable.name)"
                                            + (ofLayout ? " (declared by the layout \(layoutName ?? ""), \(declaration))" : "")
                                            + " has no value; " + (given.isEmpty ? "the data is empty" : "the data gives \(given.joined(separator: ", "))"))
                }
                continue
            }
            if let value, let kind = value.kind, kind != variable.kind {
                throw TemplateError(file: place.file, line: place.line,
                                    message: "template \(manifest.name): \(variable.name) is a \(kind.rawValue) in the data; \(ofLayout ? "the layout \(layoutName ?? "")" : "the template") declares a \(variable.kind.rawValue)")
            }
        }
    }

    private func fillWhatsApp(_ data: [String: TemplateValue]) -> Result<FilledWhatsApp, TemplateError>? {
        guard let part = manifest.whatsapp else { return nil }
        return Result { try fillWhatsApp(part, data) }.mapError { $0 as? TemplateError ?? part.location.error("\($0)") }
    }

    private func fillWhatsApp(_ part: WhatsAppPart, _ data: [String: TemplateValue]) throws -> FilledWhatsApp {
        func value(_ path: Located<String>) throws -> String {
            let keys = path.value.split(separator: ".").map(String.init)
            guard let found = TemplateValue.object(data).value(at: keys), let text = found.scalarText, !text.isEmpty else {
                throw path.location.error("the WhatsApp parameter \(path.value) has no value in the data; WhatsApp refuses empty parameters")
            }
            // WhatsApp refuses line breaks, tabs and runs of spaces in parameters.
            return SafeFiller.oneLine(text)
        }
        // Text parameters are shown with the template's text, so WhatsApp's markers in a value
        // are neutralised like any literal text; a button's value is part of a URL and is not.
        func text(_ path: Located<String>) throws -> String { WhatsAppTextRenderer.literal(try value(path)) }
        return FilledWhatsApp(template: part.template, bodyValues: try part.parameters.map(text),
                              namedValues: try part.namedParameters.map { ($0.name, try text($0.path)) },
                              headerValue: try part.headerParameter.map(text), buttonValues: try part.buttonParameters.map(value))
    }

    /// Where each variable is first used in each file — the body first, then the front
    /// matter's and the layout's texts — for error messages.
    func findUsages() -> [String: [SourceLocation]] {
        var usages: [String: [SourceLocation]] = [:]
        func record(_ tags: [MustacheTag], in file: String) {
            for tag in tags where tag.kind != .comment && tag.kind != .close {
                guard let root = tag.path.first, !(usages[root] ?? []).contains(where: { $0.file == file }) else { continue }
                usages[root, default: []].append(SourceLocation(file: file, line: tag.line))
            }
        }
        record(bodyTags, in: file.displayPath)
        for field in textFields {
            guard let tags = try? MustacheTag.scan(field.value, file: field.location.file, firstLine: field.location.line ?? 1) else { continue }
            record(tags, in: field.location.file)
        }
        return usages
    }

    /// The front-matter and layout fields that hold Mustache text.
    var textFields: [Located<String>] {
        var fields = [manifest.subject, manifest.preheader, manifest.sms, manifest.text, manifest.from].compactMap { $0 } + manifest.attachments
        if let layout {
            fields += [layout.header, layout.footer, layout.from].compactMap { $0 }
            if case .some(.some(let unsubscribe)) = layout.unsubscribe { fields.append(unsubscribe.url) }
        }
        return fields
    }
}

extension SafeFiller {
    /// The same placeholders, reporting errors against another file (a layout's fields).
    init(copying other: SafeFiller, file: String) {
        self = other
        self.file = file
    }
}
