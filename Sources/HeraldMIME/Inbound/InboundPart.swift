/// One node of an inbound message's MIME tree, as an operator reads it: its type, how it is
/// meant to be shown, what it is named, and how many bytes its content decodes to.
///
/// A `multipart/*` node has its parts as `children`; a `message/rfc822` node (a forwarded
/// message, the message returned in a bounce) has one child: the root of the inner message's
/// tree. Leaves have no children.
public struct InboundPart: Codable, Equatable, Sendable {
    /// `type/subtype`, lowercased (`text/plain`, `multipart/alternative`).
    public var contentType: String
    /// The `charset` parameter, as declared (nil when absent).
    public var charset: String?
    /// `inline` or `attachment` (lowercased), nil when the part has no Content-Disposition.
    public var disposition: String?
    /// The file name: Content-Disposition's `filename` (RFC 2231 continuations and charsets
    /// decoded) or else Content-Type's `name`.
    public var filename: String?
    /// The Content-ID without its angle brackets.
    public var contentID: String?
    /// The Content-Transfer-Encoding, lowercased (nil when absent: 7bit).
    public var transferEncoding: String?
    /// Bytes of the decoded content (leaves only; nil for multiparts and message nodes).
    public var size: Int?
    public var children: [InboundPart]

    public init(contentType: String, charset: String? = nil, disposition: String? = nil, filename: String? = nil,
                contentID: String? = nil, transferEncoding: String? = nil, size: Int? = nil, children: [InboundPart] = []) {
        self.contentType = contentType
        self.charset = charset
        self.disposition = disposition
        self.filename = filename
        self.contentID = contentID
        self.transferEncoding = transferEncoding
        self.size = size
        self.children = children
    }

    /// Every node in document order, this one first.
    public var flattened: [InboundPart] {
        [self] + children.flatMap(\.flattened)
    }
}
