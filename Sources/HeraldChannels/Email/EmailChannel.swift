import HeraldDocument
import HeraldMIME

/// The email channel: a `Document` plus addressing becomes an `EmailMessage` (HTML and text
/// alternatives, inline images, attachments), ready for `MIMEWriter`.
public struct EmailChannel: Channel {
    /// Who the message is from and to, and its threading and list headers.
    public typealias Addressing = MessageHeaders

    public var htmlRenderer: EmailHTMLRenderer
    public var textRenderer: EmailTextRenderer

    public init(htmlRenderer: EmailHTMLRenderer = EmailHTMLRenderer(), textRenderer: EmailTextRenderer = EmailTextRenderer()) {
        self.htmlRenderer = htmlRenderer
        self.textRenderer = textRenderer
    }

    public var id: ChannelID { .email }

    public func validate(_ outline: MessageOutline) throws {
        try validateByCapabilities(outline)
    }

    /// The HTML part (in `options.theme`'s colours) and its plain-text alternative.
    public func render(_ document: Document, options: ChannelRenderOptions) -> ChannelRendering {
        let html = EmailHTMLRenderer(theme: options.theme).render(document, options: options.email)
        let text = textRenderer.render(document, options: options.email)
        return ChannelRendering(text: text, html: html.html, warnings: html.warnings.map(\.message))
    }

    /// Renders and assembles the message. An image referenced as `cid:NAME` in the document is
    /// the attachment whose file name is NAME (or NAME plus an extension): it becomes an inline
    /// part of multipart/related; a reference with no such attachment is an error.
    public func message(for document: Document, addressing: Addressing, options: EmailRenderOptions = EmailRenderOptions(),
                        attachments: [Attachment] = []) throws -> (message: EmailMessage, warnings: [RenderWarning]) {
        // Mailboxes, not entries: an empty group ("Undisclosed recipients:;") names nobody.
        guard !(addressing.to.flatMap(\.mailboxes).isEmpty && addressing.cc.flatMap(\.mailboxes).isEmpty && addressing.bcc.isEmpty) else {
            let groups = (addressing.to + addressing.cc).compactMap { entry -> String? in
                if case .group(let name, _) = entry { return "\"\(name):;\"" }
                return nil
            }
            throw CompositionError(reason: "the message has no recipient\(groups.isEmpty ? "" : " (the empty group \(groups.joined(separator: ", ")) names nobody)"); give at least one To, Cc or Bcc address")
        }
        var renderOptions = options
        if renderOptions.title == nil { renderOptions.title = addressing.subject?.value }
        let html = htmlRenderer.render(document, options: renderOptions)
        let text = textRenderer.render(document, options: renderOptions)

        var files = attachments
        for reference in Self.contentIDReferences(in: document) {
            // The reference becomes a Content-ID header, which holds ASCII only and no brackets.
            guard MIMEWriter.canCarry(contentID: reference) else {
                throw CompositionError(reason: "the image cid:\(reference) cannot be a Content-ID (a MIME header): name it with at most \(MIMEWriter.maximumContentIDLength) ASCII letters, digits and .-_ only, like cid:logo")
            }
            guard let index = files.firstIndex(where: { Self.filename($0.filename, answers: reference) }) else {
                throw CompositionError(reason: "the image cid:\(reference) has no attachment; attach a file named \(reference) or \(reference).png")
            }
            guard files[index].contentType.hasPrefix("image/") else {
                throw CompositionError(reason: "cid:\(reference) refers to \(files[index].filename), which is \(files[index].contentType), not an image")
            }
            files[index].contentID = reference
        }
        let message = EmailMessage(headers: addressing, text: text, html: html.html, attachments: files)
        let renamed = files.compactMap(\.renameWarning).map { RenderWarning(code: .attachmentRenamed, message: $0) }
        return (message, html.warnings + renamed)
    }

    static func filename(_ filename: String, answers reference: String) -> Bool {
        if filename == reference { return true }
        guard let dot = filename.lastIndex(of: ".") else { return false }
        return filename[..<dot] == reference
    }

    /// The distinct `cid:` image references of a document, in order of appearance.
    static func contentIDReferences(in document: Document) -> [String] {
        var references: [String] = []
        document.forEachInline { inline in
            guard case .image(let image) = inline, image.source.lowercased().hasPrefix("cid:") else { return }
            let reference = String(image.source.dropFirst(4))
            if !references.contains(reference) { references.append(reference) }
        }
        return references
    }
}

/// A message that cannot be composed as asked: says what to change.
public struct CompositionError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }

    public init(reason: String) {
        self.reason = reason
    }
}
