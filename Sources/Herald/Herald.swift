import HeraldChannels
import HeraldDocument


/// A document rendered for email: the HTML part and its plain-text alternative.
public struct RenderedEmail: Equatable, Sendable {
    public var html: String
    public var text: String
    public var warnings: [RenderWarning]
}

/// The façade most users need: read an input, render it for a channel.
public enum Herald {
    /// Markdown → Document → email HTML + text.
    public static func renderEmail(markdown: String, options: EmailRenderOptions = EmailRenderOptions()) -> RenderedEmail {
        renderEmail(MarkdownReader().read(markdown), options: options)
    }

    public static func renderEmail(markdown bytes: [UInt8], options: EmailRenderOptions = EmailRenderOptions()) -> RenderedEmail {
        renderEmail(MarkdownReader().read(bytes: bytes), options: options)
    }

    public static func renderEmail(_ document: Document, options: EmailRenderOptions = EmailRenderOptions()) -> RenderedEmail {
        let html = EmailHTMLRenderer().render(document, options: options)
        let text = EmailTextRenderer().render(document, options: options)
        return RenderedEmail(html: html.html, text: text, warnings: html.warnings)
    }
}

extension Herald {
    /// Markdown → SMS text, encoding and segments (see `SMSChannel.report`).
    public static func renderSMS(markdown bytes: [UInt8], transliterate: Bool = false, maximumSegments: Int = 3) -> SMSReport {
        renderSMS(MarkdownReader().read(bytes: bytes), transliterate: transliterate, maximumSegments: maximumSegments)
    }

    /// Document → SMS text, encoding and segments, with warnings when the message needs UCS-2
    /// or more than `maximumSegments` segments.
    public static func renderSMS(_ document: Document, transliterate: Bool = false, maximumSegments: Int = 3) -> SMSReport {
        SMSChannel().report(document, options: SMSOptions(transliterate: transliterate, maximumSegments: maximumSegments))
    }
}
