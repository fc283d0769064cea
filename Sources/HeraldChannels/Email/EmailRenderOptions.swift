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

    public init(title: String? = nil, preheader: String? = nil, language: String? = nil, direction: TextDirection? = nil) {
        self.title = title
        self.preheader = preheader
        self.language = language
        self.direction = direction
    }
}

/// Something a renderer wants the author to know; the output is still complete.
public struct RenderWarning: Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Gmail hides the end of a message whose HTML is over about 102 KB ("[Message clipped]").
        case gmailClipping = "gmail-clipping"
    }

    public var code: Code
    public var message: String

    public var description: String { "warning: \(message)" }
}
