import HeraldDocument

/// What an email rendering needs besides the document.
public struct EmailRenderOptions: Equatable, Sendable {
    /// The message's subject: the HTML `<title>` and the article's accessible name.
    public var title: String?
    /// The preview text inbox lists show after the subject; hidden in the body.
    public var preheader: String?
    /// BCP 47 language tag for `lang` (screen readers pick their voice from it).
    public var language: String?
    /// Forces the writing direction; by default it is detected from the document's text.
    public var direction: TextDirection?
    /// The frame a template's layout adds around the body; nil for Herald's plain frame.
    public var layout: EmailLayout?

    public init(title: String? = nil, preheader: String? = nil, language: String? = nil, direction: TextDirection? = nil,
                layout: EmailLayout? = nil) {
        self.title = title
        self.preheader = preheader
        self.language = language
        self.direction = direction
        self.layout = layout
    }
}

/// What a layout puts around the body: `header` above the content card (a logo, a line of text),
/// `footer` below it in small muted type (address, why the customer gets this, unsubscribe).
/// Both are documents, so every renderer shows them its own way; the text part puts the header
/// first and the footer after a rule.
public struct EmailLayout: Equatable, Sendable {
    public var header: Document
    public var footer: Document

    public init(header: Document = Document(), footer: Document = Document()) {
        self.header = header
        self.footer = footer
    }
}

/// Something a renderer wants the author to know; the output is still complete.
public struct RenderWarning: Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Gmail hides the end of a message whose HTML is over about 102 KB ("[Message clipped]").
        case gmailClipping = "gmail-clipping"
        /// An attachment's name held characters that could disguise it; it is sent renamed.
        case attachmentRenamed = "attachment-renamed"
    }

    public var code: Code
    public var message: String

    public var description: String { "warning: \(message)" }
}
