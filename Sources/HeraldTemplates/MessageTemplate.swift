import Foundation
import HeraldDocument
import Mustache
import Yams

/// A template file: Markdown with a YAML front matter (see docs/templates.md), its locale
/// variant if one was asked for, and its layout, loaded and checked.
///
/// Files: `Templates/welcome.md` (the default locale), `Templates/welcome.es.md` beside it (a
/// variant: its front matter states only what differs, its body replaces the default's), and
/// `Templates/layouts/NAME.yml`.
public struct MessageTemplate: Sendable {
    public var manifest: TemplateManifest
    /// The Markdown body, with Mustache tags.
    public var body: String
    public var bodyLine: Int
    /// The file the body comes from (the variant's, for a locale).
    public var file: URL
    /// The locale of the variant in use (`es`), or nil for the default.
    public var locale: String?
    /// The layout with the template's own overrides applied; nil for Herald's plain frame.
    public var layout: LayoutSettings?
    public var layoutName: String?

    var bodyTags: [MustacheTag]
    /// Set by `prepare()` once the layout is known: parsed texts and where variables are used.
    var compiled: [String: MustacheTemplate] = [:]
    /// Where each variable is first used in each file (the template's, then its layout's), for errors.
    var usages: [String: [SourceLocation]] = [:]
    /// Markdown texts without any tag (a layout's footer), read once: they are the same every fill.
    var staticDocuments: [String: Document] = [:]

    /// Whether `text` starts with a front matter: a first line of `---`, then a line that opens
    /// YAML settings (`key:`), a comment, or the closing `---` of an empty one, and a closing
    /// `---` somewhere after. A Markdown document that merely opens with a rule is not a
    /// template.
    public static func isTemplate(_ text: String) -> Bool {
        // By scalars: "\r\n" is one Character, so a String split on "\n" would not see CRLF lines.
        let scalars = (text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)).unicodeScalars
        var lines = scalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Substring(String(String.UnicodeScalarView($0.last == "\r" ? $0.dropLast() : $0))) }
        guard lines.count >= 2, lines.removeFirst() == "---" else { return false }
        // A front matter is closed: `---`, then `Note: text` and no closing line is a rule and a
        // paragraph of a document.
        guard lines.contains(where: { $0 == "---" || $0 == "..." }) else { return false }
        let next = lines[0]
        if next == "---" || next == "..." || next.hasPrefix("#") { return true }
        guard let colon = next.firstIndex(of: ":") else { return false }
        let key = next[..<colon]
        return !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    /// Whether the file at `url` is a template (its front matter must close, so the whole file
    /// is read: templates are small). A missing or unreadable file is not one.
    public static func isTemplate(fileAt url: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: url.path) else { return false }
        return isTemplate(String(decoding: data, as: UTF8.self))
    }

    /// Loads `url` in `locale`: `welcome.md` with locale `es-MX` tries `welcome.es-MX.md`, then
    /// `welcome.es.md`, then `welcome.md` itself. A variant file given directly
    /// (`welcome.es.md`) is read on top of its default-locale file when there is one.
    ///
    /// A tag or WhatsApp parameter that names no declared variable is refused with its file and
    /// line: Mustache would fill a misspelt `{{nmae}}` with nothing.
    public static func load(_ url: URL, locale: String? = nil) throws -> MessageTemplate {
        try load(url, locale: locale, requiringDeclaredVariables: true)
    }

    /// `requiringDeclaredVariables: false` is for the linter, which reports every undeclared
    /// tag instead of stopping at the first.
    static func load(_ url: URL, locale: String?, requiringDeclaredVariables: Bool) throws -> MessageTemplate {
        let (baseURL, variantLocale) = splitVariant(url)
        var chosenLocale = variantLocale
        var variantURL: URL? = variantLocale == nil ? nil : url
        if let locale, variantLocale == nil {
            for candidate in localeFallbacks(locale) {
                let candidateURL = baseURL.deletingLastPathComponent().appendingPathComponent(
                    "\(baseURL.deletingPathExtension().lastPathComponent).\(candidate).\(baseURL.pathExtension)")
                if FileManager.default.fileExists(atPath: candidateURL.path) {
                    variantURL = candidateURL
                    chosenLocale = candidate
                    break
                }
            }
        }
        let base = FileManager.default.fileExists(atPath: baseURL.path) || variantURL == nil ? try readFile(baseURL, base: nil) : nil
        var loaded: MessageTemplate
        if let variantURL {
            loaded = try readFile(variantURL, base: base?.manifest)
            // A variant is in its own language unless its front matter says otherwise.
            if loaded.manifest.language == base?.manifest.language, let chosenLocale {
                loaded.manifest.language = chosenLocale.replacingOccurrences(of: "_", with: "-")
            }
        } else if let base {
            loaded = base
        } else {
            throw TemplateError(file: url.displayPath, line: nil, message: "no such template")
        }
        loaded.locale = chosenLocale
        try loaded.resolveLayout()
        try loaded.prepare()
        if requiringDeclaredVariables, let undeclared = loaded.resolveVariables().undeclared.first {
            throw TemplateError(file: undeclared.file, line: undeclared.line, message: "template \(loaded.name): \(undeclared.message)")
        }
        return loaded
    }

    /// `welcome.es.md` → (`welcome.md`, "es") when it looks like a locale variant; otherwise (url, nil).
    static func splitVariant(_ url: URL) -> (URL, String?) {
        let stem = url.deletingPathExtension().lastPathComponent
        guard let dot = stem.lastIndex(of: ".") else { return (url, nil) }
        let locale = String(stem[stem.index(after: dot)...])
        guard isLocale(locale) else { return (url, nil) }
        let base = url.deletingLastPathComponent().appendingPathComponent("\(stem[..<dot]).\(url.pathExtension)")
        return (base, locale)
    }

    /// `es`, `es-MX`, `pt_BR`, `zh-Hans`.
    static func isLocale(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).flatMap { $0.split(separator: "_", omittingEmptySubsequences: false) }
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// `es-MX` → [`es-MX`, `es`]; `zh-Hans-CN` → [`zh-Hans-CN`, `zh-Hans`, `zh`].
    static func localeFallbacks(_ locale: String) -> [String] {
        let parts = locale.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
        let separator = locale.contains("_") ? "_" : "-"
        return (1...max(parts.count, 1)).reversed().map { parts.prefix($0).joined(separator: separator) }.filter { !$0.isEmpty }
    }

    private static func readFile(_ url: URL, base: TemplateManifest?) throws -> MessageTemplate {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TemplateError(file: url.displayPath, line: nil, message: "cannot be read (\(error.localizedDescription)); expected a UTF-8 Markdown file")
        }
        let parts = try FrontMatter.split(text, file: url.displayPath)
        guard let yaml = parts.yaml else {
            throw TemplateError(file: url.displayPath, line: 1, message: "has no front matter; a template starts with a line of --- and its settings (name:, channels:, variables:...)")
        }
        // A locale variant may leave its front matter empty: everything is its default's.
        let node = try YAMLFields.compose(yaml, file: url.displayPath, lineOffset: parts.yamlLine - 1) ?? (base == nil ? nil : Node.mapping(Node.Mapping([])))
        guard let node else {
            throw TemplateError(file: url.displayPath, line: parts.yamlLine, message: "the front matter is empty; it needs at least name:")
        }
        let fields = try YAMLFields(node, file: url.displayPath, lineOffset: parts.yamlLine - 1, what: "the front matter")
        let manifest = try TemplateManifest.read(fields, base: base)
        let tags = try MustacheTag.scan(parts.body, file: url.displayPath, firstLine: parts.bodyLine)
        return MessageTemplate(manifest: manifest, body: parts.body, bodyLine: parts.bodyLine, file: url, locale: nil, layout: nil,
                               layoutName: nil, bodyTags: tags)
    }

    /// The folder of layouts: `layouts/` beside the template.
    public var layoutsDirectory: URL {
        file.deletingLastPathComponent().appendingPathComponent("layouts")
    }

    private mutating func resolveLayout() throws {
        guard case .named(let name, let overrides, let location) = manifest.layout else { return }
        let url = layoutsDirectory.appendingPathComponent("\(name).yml")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            let known = (try? FileManager.default.contentsOfDirectory(atPath: layoutsDirectory.path))?.filter { $0.hasSuffix(".yml") }
                .map { String($0.dropLast(4)) }.sorted() ?? []
            throw location.error("there is no layout '\(name)' (\(url.displayPath)); \(known.isEmpty ? "the layouts folder is empty or missing" : "the layouts are \(known.joined(separator: ", "))"), or write layout: none")
        }
        var settings = try Self.readLayout(text, url: url)
        // A locale's layout (`default.es.yml`) states what differs: its footer, its link texts.
        for candidate in (locale.map(Self.localeFallbacks) ?? []).reversed() {
            let localized = layoutsDirectory.appendingPathComponent("\(name).\(candidate).yml")
            if let text = try? String(contentsOf: localized, encoding: .utf8) {
                settings = settings.merged(with: try Self.readLayout(text, url: localized))
            }
        }
        layout = settings.merged(with: overrides)
        layoutName = name
    }

    /// Parses every Mustache text once, so filling a thousand rows parses nothing.
    private mutating func prepare() throws {
        try checkKinds(of: bodyTags, file: file.displayPath)
        compiled[body] = try SafeFiller.compile(body, file: file.displayPath, firstLine: bodyLine)
        for field in textFields {
            let tags = try MustacheTag.scan(field.value, file: field.location.file, firstLine: field.location.line ?? 1)
            try checkKinds(of: tags, file: field.location.file)
            compiled[field.value] = try SafeFiller.compile(field.value, file: field.location.file, firstLine: field.location.line ?? 1)
            if tags.isEmpty { staticDocuments[field.value] = MarkdownReader().read(field.value) }
        }
        usages = findUsages()
    }

    /// Tags that would print Swift's own notation or a placeholder's insides: `{{items}}` on a
    /// list or object, and list transforms (`first(name)`) on text. Checked at the top level,
    /// where a name can only be a declared variable (inside a loop it may be an item's field).
    private func checkKinds(of tags: [MustacheTag], file: String) throws {
        let kinds = Dictionary(variables.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        var depth = 0
        for tag in tags {
            switch tag.kind {
            case .section, .invertedSection: depth += 1
            case .close: depth -= 1
            case .value, .comment: break
            }
            guard depth == 0 || (tag.kind != .value && depth == 1), tag.path.count == 1, let root = tag.path.first, let kind = kinds[root] else { continue }
            if tag.kind == .value, tag.transform == nil, kind == .list || kind == .object {
                throw TemplateError(file: file, line: tag.line, message: "{{\(tag.written)}} would print a whole \(kind.rawValue); use {{#\(root)}}…{{/\(root)}} and its fields")
            }
            if let transform = tag.transform, kind != .list {
                throw TemplateError(file: file, line: tag.line, message: "{{\(tag.written)}}: \(transform)() works on lists, and \(root) is a \(kind.rawValue)")
            }
        }
    }

    private static func readLayout(_ text: String, url: URL) throws -> LayoutSettings {
        guard let node = try YAMLFields.compose(text, file: url.displayPath, lineOffset: 0) else { return LayoutSettings() }
        return try LayoutSettings.read(try YAMLFields(node, file: url.displayPath, lineOffset: 0, what: "the layout"))
    }

    /// The template's variables and its layout's.
    public var variables: [VariableDeclaration] {
        manifest.variables + (layout?.variables ?? []).filter { layoutVariable in !manifest.variables.contains { $0.name == layoutVariable.name } }
    }

    /// The data the front matter's examples make: what previews, lint and goldens use.
    public var exampleData: [String: TemplateValue] {
        var data: [String: TemplateValue] = [:]
        for variable in variables { if let example = variable.example { data[variable.name] = example } }
        return data
    }

    public var name: String { manifest.name }

    /// How the template's files are named in messages: `welcome.es.md`.
    public var displayName: String { file.lastPathComponent }
}
