import HeraldDocument

/// WhatsApp: the document as WhatsApp's marks (*bold*, _italic_...), to one customer; media as
/// attachments, audio as voice notes. A conversation opens with an approved template.
public struct WhatsAppChannel: Channel {
    public init() {}

    public var id: ChannelID { .whatsapp }

    public func validate(_ outline: MessageOutline) throws {
        try validateByCapabilities(outline)
    }

    public func render(_ document: Document, options: ChannelRenderOptions) -> ChannelRendering {
        let text = WhatsAppTextRenderer().render(document)
        var warnings: [String] = []
        if text.count > WhatsAppTextRenderer.maximumLength {
            warnings.append("the WhatsApp text is \(text.count) characters; free-form messages carry at most \(WhatsAppTextRenderer.maximumLength)")
        }
        return ChannelRendering(text: text, warnings: warnings)
    }
}
