/// A file carried by a message: an attachment, or an inline image when it has a Content-ID.
public struct Attachment: Equatable, Sendable {
    public enum Content: Equatable, Sendable {
        case bytes([UInt8])
        /// Read in chunks while the message is written, so a large file never sits in memory.
        case file(path: String)
    }

    /// The name the recipient sees (may be non-ASCII: written with RFC 2231). The writer sends
    /// it through `AttachmentName.sanitized` whatever made the value.
    public var filename: String
    /// The media type written in Content-Type, from the policy (never from the name alone).
    public var contentType: String
    /// For text: the character set of its bytes (`utf-8`, `us-ascii`...), written as the
    /// Content-Type's charset so readers do not take UTF-8 for ASCII.
    public var charset: String?
    public var content: Content
    public var size: Int
    /// Set for an image shown in the HTML (`cid:` reference); such parts go in multipart/related.
    public var contentID: String?
    /// The name as given, when `filename` had to differ from it (see `AttachmentName`).
    public var renamedFrom: String?

    public init(filename: String, contentType: String, charset: String? = nil, content: Content, size: Int,
                contentID: String? = nil, renamedFrom: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.charset = charset
        self.content = content
        self.size = size
        self.contentID = contentID
        self.renamedFrom = renamedFrom
    }

    public var isInline: Bool { contentID != nil }

    /// What the sender should be told about this file, if anything: that its name was changed.
    public var renameWarning: String? {
        renamedFrom.map { AttachmentName.renameWarning(from: $0, to: filename) }
    }
}

/// A refused attachment: names the file, what its name claims and what its bytes are.
public struct AttachmentError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String {
        "attachment \"\(AddressSyntax.printable(file))\" refused: \(reason)"
    }
}
