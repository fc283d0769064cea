import HeraldDocument

/// The phone: a call, not a message. Every message is refused (see `DialRule` for the number
/// an agent's call dials).
public struct PhoneChannel: Channel {
    public init() {}

    public var id: ChannelID { .phone }

    public func validate(_ outline: MessageOutline) throws {
        try validateByCapabilities(outline)
    }

    public func render(_ document: Document, options: ChannelRenderOptions) -> ChannelRendering {
        ChannelRendering(text: "")
    }
}
