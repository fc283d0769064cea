/// A file that came with an inbound message: an attachment or an inline image.
public struct InboundAttachment: Codable, Equatable, Sendable {
    /// The decoded file name, nil when the part names none.
    public var filename: String?
    /// The type the message declares (Content-Type), lowercased.
    public var declaredType: String
    /// The type libmagic finds in the first bytes (`ContentSniffer`), as outgoing attachments
    /// are checked: the type to store and to trust. Nil when libmagic is unavailable, and for
    /// the files past the first 1,000 of one message (a warning says so).
    public var sniffedType: String?
    /// Bytes after the transfer encoding is undone.
    public var size: Int
    /// SHA-256 of the decoded bytes, lowercase hex (what `sha256sum` prints for the file).
    public var sha256: String
    /// The Content-ID without angle brackets (what a `cid:` URL in the HTML refers to).
    public var contentID: String?
    /// True for a part meant to be shown in the body (an inline image), false for a file.
    public var isInline: Bool
    /// Where its decoded bytes were written, when the parser was given a directory.
    public var storedPath: String?
    /// True when the file came inside an attached message (message/rfc822), not the message itself.
    public var isInAttachedMessage: Bool

    public init(filename: String?, declaredType: String, sniffedType: String?, size: Int, sha256: String,
                contentID: String?, isInline: Bool, storedPath: String? = nil, isInAttachedMessage: Bool = false) {
        self.filename = filename
        self.declaredType = declaredType
        self.sniffedType = sniffedType
        self.size = size
        self.sha256 = sha256
        self.contentID = contentID
        self.isInline = isInline
        self.storedPath = storedPath
        self.isInAttachedMessage = isInAttachedMessage
    }
}
