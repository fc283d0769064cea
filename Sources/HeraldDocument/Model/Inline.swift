/// An inline element of a paragraph, heading, table cell or link.
public enum Inline: Equatable, Sendable {
    case text(String)
    case code(String)
    case lineBreak
    /// Text formatted with one mark; several marks nest (`**==x==**` is bold(highlight(x))).
    case marked(Mark, [Inline])
    // Boxed: a link or image inline would make every inline 64 bytes (an image's four fields),
    // where text needs 17. A paragraph of 190,000 autolinks held 50 MB of inline arrays.
    indirect case link(Link)
    indirect case image(Image)
}

/// The character-level formats of the composer.
public enum Mark: String, Equatable, Sendable, Codable, CaseIterable {
    case bold, italic, underline, strikethrough, highlight
}

public struct Link: Equatable, Sendable {
    /// Always an allowed URL (see `SafeURL`): readers drop links whose URL is not.
    public var url: String
    public var title: String?
    public var content: [Inline]

    public init(url: String, title: String? = nil, content: [Inline]) {
        self.url = url
        self.title = title
        self.content = content
    }
}

public struct Image: Equatable, Sendable {
    /// Always an allowed URL (`https`, `http` or `cid`).
    public var source: String
    /// Alternative text; empty for a decorative image.
    public var alt: String
    public var title: String?
    /// Display width in CSS pixels, when the author gave one.
    public var width: Int?

    public init(source: String, alt: String, title: String? = nil, width: Int? = nil) {
        self.source = source
        self.alt = alt
        self.title = title
        self.width = width
    }
}

extension Inline {
    /// The text a reader sees, without any formatting (image alt text included).
    public var plainText: String {
        switch self {
        case .text(let text), .code(let text): return text
        case .lineBreak: return "\n"
        case .marked(_, let content): return content.plainText
        case .link(let link): return link.content.plainText
        case .image(let image): return image.alt
        }
    }
}

extension Array where Element == Inline {
    public var plainText: String {
        var result = ""
        for inline in self { result += inline.plainText }
        return result
    }
}
