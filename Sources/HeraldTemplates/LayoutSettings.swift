import HeraldChannels

/// An email layout: the frame around a template's body — logo, header, footer, unsubscribe link
/// and colours. Lives in `Templates/layouts/NAME.yml`; a template may replace any setting for
/// itself (`layout: {extends: default, unsubscribe: false}`). Every field is optional so that an
/// override states only what it changes.
public struct LayoutSettings: Equatable, Sendable {
    public struct Logo: Equatable, Sendable {
        /// https: or cid: (an image attached by the template).
        public var source: String
        public var alt: String
        public var width: Int?
        /// Where the logo links to, if anywhere.
        public var link: String?
    }

    public struct Unsubscribe: Equatable, Sendable {
        /// A URL with variables (`https://example.com/u/{{unsubscribe_token}}`): the footer's link
        /// and the List-Unsubscribe header.
        public var url: Located<String>
        public var text: String
    }

    /// Six-digit hex colours (Outlook shows three-digit ones in bgcolor as black).
    public struct Colors: Equatable, Sendable {
        public var accent: String?
        public var background: String?
        public var card: String?
        public var text: String?
        public var heading: String?
        public var muted: String?
    }

    public var from: Located<String>?
    public var logo: Logo?
    /// Markdown with variables, above the card.
    public var header: Located<String>?
    /// Markdown with variables, below the card, in small muted type.
    public var footer: Located<String>?
    /// `.some(nil)` when an override turns the layout's unsubscribe link off (a password reset
    /// is not a mailing to leave).
    public var unsubscribe: Unsubscribe??
    public var colors = Colors()
    /// Variables the layout itself uses (in its footer or unsubscribe URL): every template that
    /// uses the layout declares them too.
    public var variables: [VariableDeclaration] = []

    public init() {}

    static let keys = ["from", "logo", "header", "footer", "unsubscribe", "colors", "variables"]

    static func read(_ fields: YAMLFields, extraKeys: [String] = []) throws -> LayoutSettings {
        try fields.rejectUnknownKeys(allowed: keys + extraKeys)
        var settings = LayoutSettings()
        settings.from = try fields.string("from")
        if let logo = try fields.fields("logo", what: "logo") {
            try logo.rejectUnknownKeys(allowed: ["src", "alt", "width", "href"])
            guard let source = try logo.string("src") else { throw (fields.keyLocation("logo") ?? SourceLocation(file: fields.file, line: nil)).error("the logo needs src: its https:// URL") }
            guard let alt = try logo.string("alt"), !alt.value.isEmpty else {
                throw source.location.error("the logo needs alt text (most clients block images until asked; the alt is what the customer sees)")
            }
            settings.logo = Logo(source: source.value, alt: alt.value, width: try logo.int("width"), link: try logo.string("href")?.value)
        }
        settings.header = try fields.string("header")
        settings.footer = try fields.string("footer")
        if let node = fields["unsubscribe"] {
            if node.bool == false {
                settings.unsubscribe = .some(nil)
            } else {
                let unsubscribe = try YAMLFields(node, file: fields.file, lineOffset: fields.lineOffset, what: "unsubscribe")
                try unsubscribe.rejectUnknownKeys(allowed: ["url", "text"])
                // A locale's layout may give only the text; it keeps the base layout's URL (see merged).
                let url = try unsubscribe.string("url") ?? Located("", at: fields.location(of: node))
                settings.unsubscribe = .some(Unsubscribe(url: url, text: try unsubscribe.string("text")?.value ?? "Unsubscribe"))
            }
        }
        if let colors = try fields.fields("colors", what: "colors") {
            try colors.rejectUnknownKeys(allowed: ["accent", "background", "card", "text", "heading", "muted"])
            func color(_ key: String) throws -> String? {
                guard let value = try colors.string(key) else { return nil }
                let hex = value.value.dropFirst()
                guard value.value.hasPrefix("#"), hex.count == 6, hex.allSatisfy(\.isHexDigit) else {
                    throw value.location.error("colour \(key) '\(value.value)' must be six-digit hex like #1d4ed8 (Outlook shows short forms as black)")
                }
                return value.value.lowercased()
            }
            settings.colors = Colors(accent: try color("accent"), background: try color("background"), card: try color("card"),
                                     text: try color("text"), heading: try color("heading"), muted: try color("muted"))
        }
        if let variables = try fields.fields("variables", what: "variables") {
            settings.variables = try variables.keys.map { key in
                guard let node = variables[key] else { throw SourceLocation(file: fields.file, line: nil).error("variable \(key) vanished") }
                return try TemplateManifest.readVariableDeclaration(key, node: node, in: variables)
            }
        }
        return settings
    }

    /// These settings with `overrides` laid on top.
    func merged(with overrides: LayoutSettings) -> LayoutSettings {
        var result = self
        if let from = overrides.from { result.from = from }
        if let logo = overrides.logo { result.logo = logo }
        if let header = overrides.header { result.header = header }
        if let footer = overrides.footer { result.footer = footer }
        if let unsubscribe = overrides.unsubscribe { result.unsubscribe = .some(Self.merged(unsubscribe, over: self.unsubscribe)) }
        let colors = overrides.colors
        result.colors = Colors(accent: colors.accent ?? self.colors.accent, background: colors.background ?? self.colors.background,
                               card: colors.card ?? self.colors.card, text: colors.text ?? self.colors.text,
                               heading: colors.heading ?? self.colors.heading, muted: colors.muted ?? self.colors.muted)
        result.variables = variables + overrides.variables.filter { new in !variables.contains { $0.name == new.name } }
        return result
    }

    /// An override without a URL (a locale's layout translating the link text) keeps the base's URL.
    private static func merged(_ override: Unsubscribe?, over base: Unsubscribe??) -> Unsubscribe? {
        guard var new = override else { return nil }
        if new.url.value.isEmpty {
            guard case .some(.some(let old)) = base else { return nil }
            new.url = old.url
        }
        return new
    }

    /// The email theme with the layout's colours.
    public var theme: EmailTheme {
        var theme = EmailTheme()
        if let accent = colors.accent { theme.linkColor = accent }
        if let background = colors.background { theme.pageBackground = background }
        if let card = colors.card { theme.contentBackground = card }
        if let text = colors.text { theme.textColor = text }
        if let heading = colors.heading { theme.headingColor = heading }
        if let muted = colors.muted { theme.mutedColor = muted }
        return theme
    }
}
