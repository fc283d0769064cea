import Foundation
import HeraldChannels
import HeraldDocument

/// `herald lint`: checks every template of a folder (and each locale variant) against the schema
/// and the channels' limits, rendering each with its example data. Errors are what would fail or
/// mislead a customer; warnings are what an author should look at.
public struct TemplateLinter: Sendable {
    /// SMS parts longer than this many segments are errors (each segment is billed).
    public var maximumSMSSegments: Int
    /// Subjects longer than this are cut in most inbox lists (and RFC 5322's line length).
    public var maximumSubjectLength = 78

    public init(maximumSMSSegments: Int = 3) {
        self.maximumSMSSegments = maximumSMSSegments
    }

    public struct Report: Sendable, Encodable {
        public var templates: [String]
        public var diagnostics: [TemplateDiagnostic]
        public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
        public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }

        /// "7 templates: 1 error, 0 warnings", the line that ends the findings.
        public var summary: String {
            func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
            return "\(count(templates.count, "template")): \(count(errorCount, "error")), \(count(warningCount, "warning"))"
        }

        /// The report as the JSON `herald lint --json` prints: pretty, keys sorted, so that CI
        /// can diff two runs.
        public func json() throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }

        private enum CodingKeys: String, CodingKey { case templates, diagnostics, errors, warnings }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(templates, forKey: .templates)
            try container.encode(diagnostics, forKey: .diagnostics)
            try container.encode(errorCount, forKey: .errors)
            try container.encode(warningCount, forKey: .warnings)
        }
    }

    /// The template files of a folder: its `.md` files that start with a front matter.
    public static func templateFiles(in directory: URL) throws -> [URL] {
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path).map { directory.appendingPathComponent($0) }
        return entries.filter { $0.pathExtension == "md" && MessageTemplate.isTemplate(fileAt: $0) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Lints a templates folder, or one template file.
    public func lint(directory: URL) throws -> Report {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), !isFolder.boolValue {
            return Report(templates: [directory.displayPath], diagnostics: lint(file: directory))
        }
        let files = try Self.templateFiles(in: directory)
        return Report(templates: files.map(\.displayPath), diagnostics: files.flatMap(lint(file:)))
    }

    /// Every finding for one template file.
    public func lint(file url: URL) -> [TemplateDiagnostic] {
        let template: MessageTemplate
        do {
            // Undeclared tags are reported below, each with its line, rather than only the first.
            template = try MessageTemplate.load(url, locale: nil, requiringDeclaredVariables: false)
        } catch let error as TemplateError {
            return [TemplateDiagnostic(error, rule: "invalid-template")]
        } catch {
            return [TemplateDiagnostic(.error, file: url.displayPath, line: nil, rule: "invalid-template", message: "\(error)")]
        }
        var findings = checkVariables(template)
        findings += checkManifest(template, url: url)
        findings += checkSource(template)
        findings += checkRendered(template)
        return findings
    }

    // MARK: Variables

    private func checkVariables(_ template: MessageTemplate) -> [TemplateDiagnostic] {
        // The same resolution that loading a template for render, send or preview enforces.
        let resolution = template.resolveVariables()
        var findings = resolution.findings
        let used = resolution.used
        for variable in template.manifest.variables where !used.contains(variable.name) {
            findings.append(TemplateDiagnostic(.warning, file: variable.location.file, line: variable.location.line, rule: "unused-variable",
                message: "the variable \(variable.name) is declared but never used; remove it or use it"))
        }
        for variable in template.variables where variable.required && (variable.example ?? .null) == .null {
            findings.append(TemplateDiagnostic(.error, file: variable.location.file, line: variable.location.line, rule: "missing-example",
                message: "the required variable \(variable.name) has no example; previews, lint and goldens need one (example: ...)"))
        }
        return findings
    }

    // MARK: Front matter

    private func checkManifest(_ template: MessageTemplate, url: URL) -> [TemplateDiagnostic] {
        var findings: [TemplateDiagnostic] = []
        let manifest = template.manifest
        let file = url.displayPath
        let stem = MessageTemplate.splitVariant(url).0.deletingPathExtension().lastPathComponent
        if manifest.name != stem {
            findings.append(TemplateDiagnostic(.warning, file: file, line: 2, rule: "name-mismatch",
                message: "the template is named \(manifest.name) but its file is \(stem).md; keep them the same so people can find it"))
        }
        if manifest.channels.contains(.email) && manifest.subject == nil {
            findings.append(TemplateDiagnostic(.error, file: file, line: 1, rule: "missing-subject",
                message: "an email template needs subject:"))
        }
        if manifest.channels.contains(.sms) && manifest.sms == nil {
            findings.append(TemplateDiagnostic(.warning, file: file, line: 1, rule: "missing-sms",
                message: "channels lists sms but there is no sms: part; the whole body would be sent as text"))
        }
        if manifest.channels.contains(.whatsapp) && manifest.whatsapp == nil {
            findings.append(TemplateDiagnostic(.warning, file: file, line: 1, rule: "missing-whatsapp",
                message: "channels lists whatsapp but there is no whatsapp: part; only an approved template can open a conversation"))
        }
        if let part = manifest.whatsapp, !manifest.channels.contains(.whatsapp) {
            findings.append(TemplateDiagnostic(.warning, file: part.location.file, line: part.location.line, rule: "unused-part",
                message: "there is a whatsapp: part but channels does not list whatsapp"))
        }
        if let text = manifest.text, !manifest.channels.contains(.email) {
            findings.append(TemplateDiagnostic(.warning, file: text.location.file, line: text.location.line, rule: "unused-part",
                message: "there is a text: part (an email's plain-text alternative) but channels does not list email"))
        }
        return findings
    }

    // MARK: Source text

    /// Images without alt text and links that are not https, found in the Markdown as written.
    private func checkSource(_ template: MessageTemplate) -> [TemplateDiagnostic] {
        var findings: [TemplateDiagnostic] = []
        var sources: [(text: String, file: String, line: Int)] = [(template.body, template.file.displayPath, template.bodyLine)]
        if let layout = template.layout {
            for field in [layout.header, layout.footer].compactMap({ $0 }) { sources.append((field.value, field.location.file, field.location.line ?? 1)) }
        }
        for source in sources {
            for (offset, line) in source.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let number = source.line + offset
                if line.range(of: #"!\[\s*\]\("#, options: .regularExpression) != nil {
                    findings.append(TemplateDiagnostic(.warning, file: source.file, line: number, rule: "image-alt",
                        message: "an image without alt text; most clients block images until asked, and screen readers read the alt"))
                }
                var rest = line[...]
                while let match = rest.range(of: #"(\]\(\s*<?|<|^|\s)http://"#, options: .regularExpression) {
                    findings.append(TemplateDiagnostic(.warning, file: source.file, line: number, rule: "insecure-link",
                        message: "a link to http://; use https:// (mail clients and browsers warn about plain http)"))
                    rest = rest[match.upperBound...]
                }
            }
        }
        return findings
    }

    // MARK: Rendered with the examples

    private func checkRendered(_ template: MessageTemplate) -> [TemplateDiagnostic] {
        var findings: [TemplateDiagnostic] = []
        let file = template.file.displayPath
        let filled: FilledTemplate
        do {
            filled = try template.fill(template.exampleData)
        } catch let error as TemplateError {
            return [TemplateDiagnostic(error, rule: "example-fill")]
        } catch {
            return [TemplateDiagnostic(.error, file: file, line: nil, rule: "example-fill", message: "\(error)")]
        }
        let manifest = template.manifest
        if !filled.removed.isEmpty {
            findings.append(TemplateDiagnostic(.warning, file: file, line: template.bodyLine, rule: "raw-html",
                message: "the template's raw HTML loses \(filled.removed.map(\.summary).joined(separator: ", ")); write links and images in Markdown (a raw <a href=\"{{url}}\"> cannot be filled)"))
        }
        if let subject = filled.subject, subject.count > maximumSubjectLength {
            findings.append(TemplateDiagnostic(.warning, file: manifest.subject?.location.file ?? file, line: manifest.subject?.location.line,
                rule: "subject-length", message: "with the examples the subject is \(subject.count) characters; keep it within \(maximumSubjectLength) (inbox lists cut it)"))
        }
        for link in Self.links(in: filled.document) where link.lowercased().hasPrefix("http:") {
            findings.append(TemplateDiagnostic(.warning, file: file, line: nil, rule: "insecure-link",
                message: "with the examples a link goes to \(link); use https://"))
        }
        if manifest.channels.contains(.email) {
            let html = EmailHTMLRenderer(theme: filled.theme).render(filled.document, options: filled.renderOptions)
            if html.html.utf8.count > EmailHTMLRenderer.gmailClippingLimit {
                findings.append(TemplateDiagnostic(.warning, file: file, line: template.bodyLine, rule: "html-size",
                    message: "with the examples the HTML is \(html.html.utf8.count) bytes; Gmail clips messages over \(EmailHTMLRenderer.gmailClippingLimit) bytes"))
            }
        }
        if manifest.channels.contains(.sms) {
            let location = manifest.sms?.location ?? SourceLocation(file: file, line: template.bodyLine)
            let analysis = SMSEncoder().analyze(SMSTextRenderer().render(filled.sms ?? filled.document))
            if analysis.encoding == .ucs2 {
                findings.append(TemplateDiagnostic(.warning, file: location.file, line: location.line, rule: "sms-ucs2",
                    message: "the SMS needs UCS-2 because of \(analysis.nonGSMCharacters.joined(separator: " ")): 70 characters per segment instead of 160"))
            }
            if analysis.segments.count > maximumSMSSegments {
                findings.append(TemplateDiagnostic(.error, file: location.file, line: location.line, rule: "sms-segments",
                    message: "with the examples the SMS is \(analysis.segments.count) segments (\(analysis.encoding.rawValue), \(analysis.units) units); at most \(maximumSMSSegments)"))
            }
        }
        if let part = manifest.whatsapp {
            do {
                try filled.whatsapp()?.validate()
            } catch {
                findings.append(TemplateDiagnostic(.error, file: part.location.file, line: part.location.line, rule: "whatsapp-parameters",
                    message: "with the examples: \(error)"))
            }
            if let header = part.template.header, header.format == .text, (header.text ?? "").count > 60 {
                findings.append(TemplateDiagnostic(.error, file: part.location.file, line: part.location.line, rule: "whatsapp-parameters",
                    message: "the WhatsApp header text is \((header.text ?? "").count) characters; at most 60"))
            }
            if part.template.body.count > 1024 {
                findings.append(TemplateDiagnostic(.error, file: part.location.file, line: part.location.line, rule: "whatsapp-parameters",
                    message: "the WhatsApp body is \(part.template.body.count) characters; at most 1,024"))
            }
        }
        return findings
    }

    static func links(in document: Document) -> [String] {
        var urls: [String] = []
        document.forEachInline { if case .link(let link) = $0 { urls.append(link.url) } }
        return urls
    }
}
