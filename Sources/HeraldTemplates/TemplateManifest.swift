import HeraldChannels
import Yams

/// One declared variable of a template (`variables:` in the front matter).
public struct VariableDeclaration: Equatable, Sendable {
    public var name: String
    public var kind: TemplateValue.Kind
    public var required: Bool
    /// The value previews, lint and the golden files use.
    public var example: TemplateValue?
    public var description: String?
    public var location: SourceLocation
}

/// The WhatsApp part: the approved template (HSM) that opens the conversation, and which
/// variables fill its parameters.
public struct WhatsAppPart: Equatable, Sendable {
    /// The template as registered with Meta; its body keeps WhatsApp's own `{{1}}` placeholders.
    public var template: WhatsAppTemplate
    /// Variable paths (`order.id`) for the body's parameters, in order; for a named template,
    /// the placeholder's name with the path.
    public var parameters: [Located<String>]
    public var namedParameters: [(name: String, path: Located<String>)]
    public var headerParameter: Located<String>?
    public var buttonParameters: [Located<String>]
    public var location: SourceLocation

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.template == rhs.template && lhs.parameters == rhs.parameters && lhs.headerParameter == rhs.headerParameter
            && lhs.buttonParameters == rhs.buttonParameters && lhs.location == rhs.location
            && lhs.namedParameters.map(\.name) == rhs.namedParameters.map(\.name) && lhs.namedParameters.map(\.path) == rhs.namedParameters.map(\.path)
    }

    /// Every variable path the part reads, with where it is named.
    public var variablePaths: [Located<String>] {
        parameters + namedParameters.map(\.path) + (headerParameter.map { [$0] } ?? []) + buttonParameters
    }
}

/// Which email frame a template uses.
public enum LayoutChoice: Equatable, Sendable {
    /// Herald's plain frame: no logo, header or footer.
    case none
    /// `Templates/layouts/NAME.yml`, possibly with some of its settings replaced for this template.
    case named(String, overrides: LayoutSettings, at: SourceLocation)
}

/// A template's front matter, checked against the schema (see docs/templates.md, "The front matter").
public struct TemplateManifest: Equatable, Sendable {
    public var name: String
    public var description: String?
    public var channels: [ChannelID]
    /// The content's language tag (`lang` of the email); a locale variant's defaults to its locale.
    public var language: String?
    public var subject: Located<String>?
    public var preheader: Located<String>?
    public var from: Located<String>?
    public var layout: LayoutChoice
    public var variables: [VariableDeclaration]
    public var sms: Located<String>?
    public var whatsapp: WhatsAppPart?
    /// Attachment paths; static ones relative to the template, ones filled from data relative to the data file.
    public var attachments: [Located<String>]
    public var location: SourceLocation
    /// The email's own plain-text alternative (Mustache, filled with values as they are),
    /// instead of the one rendered from the body.
    public var text: Located<String>? = nil

    static let keys = ["name", "description", "channels", "language", "subject", "preheader", "from", "layout", "variables",
                       "sms", "whatsapp", "attachments", "text"]

    /// Reads a front matter; `base` is the default-locale template a locale variant inherits from
    /// (any key the variant leaves out is the base's).
    static func read(_ fields: YAMLFields, base: TemplateManifest? = nil) throws -> TemplateManifest {
        try fields.rejectUnknownKeys(allowed: keys)
        let location = SourceLocation(file: fields.file, line: 1)
        let name = try fields.string("name", required: base == nil)?.value ?? base?.name ?? ""
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }), !name.isEmpty else {
            throw (fields.keyLocation("name") ?? location).error("the name '\(name)' must be letters, digits, - and _ (it names the template in logs and goldens)")
        }
        var manifest = base ?? TemplateManifest(name: name, description: nil, channels: [.email], language: nil, subject: nil, preheader: nil,
                                                from: nil, layout: .none, variables: [], sms: nil, whatsapp: nil, attachments: [], location: location)
        manifest.name = name
        manifest.location = location
        if let description = try fields.string("description") { manifest.description = description.value }
        if fields["channels"] != nil {
            manifest.channels = try fields.strings("channels").map { entry in
                // A phone interaction is a call: there is no message to write for it.
                guard let channel = ChannelID(rawValue: entry.value), channel.capabilities.carriesMessages else {
                    throw entry.location.error("unknown channel '\(entry.value)'; expected email, sms or whatsapp")
                }
                return channel
            }
            if manifest.channels.isEmpty { throw (fields.keyLocation("channels") ?? location).error("channels lists none; give at least one of email, sms, whatsapp") }
        }
        if let language = try fields.string("language") {
            guard language.value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw language.location.error("language '\(language.value)' is not a language tag; expected letters, digits and '-', like en or es-MX")
            }
            manifest.language = language.value
        }
        if let subject = try fields.string("subject") { manifest.subject = subject }
        if let preheader = try fields.string("preheader") { manifest.preheader = preheader }
        if let from = try fields.string("from") { manifest.from = from }
        if let layout = fields["layout"] { manifest.layout = try readLayoutChoice(layout, fields: fields) }
        if let variables = try fields.fields("variables", what: "variables") {
            manifest.variables = try variables.keys.map { key in
                guard let node = variables[key] else { throw location.error("variable \(key) vanished") }
                return try readVariableDeclaration(key, node: node, in: variables)
            }
        }
        if let sms = try fields.string("sms") { manifest.sms = sms }
        if let text = try fields.string("text") { manifest.text = text }
        if let whatsapp = try fields.fields("whatsapp", what: "whatsapp") { manifest.whatsapp = try readWhatsApp(whatsapp) }
        if fields["attachments"] != nil { manifest.attachments = try fields.strings("attachments") }
        return manifest
    }

    private static func readLayoutChoice(_ node: Node, fields: YAMLFields) throws -> LayoutChoice {
        let location = fields.location(of: node)
        // A layout is a file of the layouts folder, named like a template: never a path.
        func checked(_ name: String, at location: SourceLocation) throws -> String {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw location.error("layout '\(name)' must be a name (letters, digits, - and _) of a file in layouts/, or none")
            }
            return name
        }
        if let name = node.string, case .scalar = node {
            if name == "none" { return .none }
            return .named(try checked(name, at: location), overrides: LayoutSettings(), at: location)
        }
        let layout = try YAMLFields(node, file: fields.file, lineOffset: fields.lineOffset, what: "layout")
        guard let base = try layout.string("extends") else {
            throw location.error("a layout mapping needs 'extends: NAME' (the layout it changes), or write layout: NAME")
        }
        return .named(try checked(base.value, at: base.location), overrides: try LayoutSettings.read(layout, extraKeys: ["extends"]), at: base.location)
    }

    static func readVariableDeclaration(_ name: String, node: Node, in variables: YAMLFields) throws -> VariableDeclaration {
        let location = variables.keyLocation(name) ?? variables.location(of: node)
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.isEmpty, !(name.first?.isNumber ?? true) else {
            throw location.error("variable name '\(name)' must be letters, digits and _ (not starting with a digit), so {{\(name)}} can name it")
        }
        let spec = try YAMLFields(node, file: variables.file, lineOffset: variables.lineOffset, what: "variable \(name)")
        try spec.rejectUnknownKeys(allowed: ["type", "required", "example", "description"])
        let typeName = try spec.string("type")?.value ?? "string"
        guard let kind = TemplateValue.Kind(rawValue: typeName) else {
            throw (spec.keyLocation("type") ?? location).error("variable \(name) has type '\(typeName)'; expected \(TemplateValue.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let example = spec["example"].map(TemplateValue.init(yaml:))
        if let example, example != .null, example.kind != kind {
            throw (spec.keyLocation("example") ?? location).error("the example of \(name) is a \(example.kind?.rawValue ?? "null"), but its type is \(kind.rawValue)")
        }
        return VariableDeclaration(name: name, kind: kind, required: try spec.bool("required") ?? false, example: example,
                                   description: try spec.string("description")?.value, location: location)
    }

    private static func readWhatsApp(_ part: YAMLFields) throws -> WhatsAppPart {
        try part.rejectUnknownKeys(allowed: ["template", "language", "category", "header", "body", "footer", "buttons",
                                             "parameters", "header_parameter", "button_parameters"])
        let location = SourceLocation(file: part.file, line: part.node.mark.map { $0.line + part.lineOffset })
        guard let name = try part.string("template") else {
            throw location.error("the whatsapp part needs 'template': the approved template's name")
        }
        guard let language = try part.string("language") else {
            throw location.error("the whatsapp part needs 'language': the approved template's language code, like en_US")
        }
        guard let body = try part.string("body") else {
            throw location.error("the whatsapp part needs 'body': the approved template's text, with its {{1}} placeholders, as registered with Meta")
        }
        let categoryName = try part.string("category")?.value ?? "UTILITY"
        guard let category = WhatsAppTemplate.Category(rawValue: categoryName) else {
            throw (part.keyLocation("category") ?? location).error("category '\(categoryName)' is not MARKETING, UTILITY or AUTHENTICATION")
        }
        var header: WhatsAppTemplate.Header?
        if let node = part["header"] {
            do {
                header = try YAMLDecoder().decode(WhatsAppTemplate.Header.self, from: node)
            } catch {
                throw part.location(of: node).error("the whatsapp header must be {format: TEXT|IMAGE|VIDEO|DOCUMENT, text: ...}")
            }
        }
        var buttons: [WhatsAppTemplate.Button] = []
        if let node = part["buttons"] {
            do {
                buttons = try YAMLDecoder().decode([WhatsAppTemplate.Button].self, from: node)
            } catch {
                throw part.location(of: node).error("whatsapp buttons must be a list of {type: QUICK_REPLY|URL|PHONE_NUMBER, text: ..., url: ...}")
            }
        }
        var positional: [Located<String>] = []
        var named: [(name: String, path: Located<String>)] = []
        var format = WhatsAppTemplate.ParameterFormat.positional
        if let node = part["parameters"] {
            if case .mapping = node {
                format = .named
                let mapping = try YAMLFields(node, file: part.file, lineOffset: part.lineOffset, what: "whatsapp parameters")
                for key in mapping.keys {
                    guard let path = try mapping.string(key) else { continue }
                    named.append((key, path))
                }
            } else {
                positional = try part.strings("parameters")
            }
        }
        let template = WhatsAppTemplate(name: name.value, language: language.value, category: category, parameterFormat: format,
                                        header: header, body: body.value, footer: try part.string("footer")?.value, buttons: buttons)
        return WhatsAppPart(template: template, parameters: positional, namedParameters: named,
                            headerParameter: try part.string("header_parameter"), buttonParameters: try part.strings("button_parameters"),
                            location: location)
    }
}
