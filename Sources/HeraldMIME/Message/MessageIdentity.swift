import Foundation

/// What makes each written message unique: its Date, its Message-ID and the seed of its MIME
/// boundaries. Normal messages take the clock and random numbers; deterministic ones (golden
/// files) a fixed date and IDs derived from the content, so the same input gives the same bytes.
public struct MessageIdentity: Equatable, Sendable {
    public var date: MessageDate
    public var messageID: MessageID
    /// 16 hex digits, the unique part of every boundary.
    public var boundarySeed: String

    public init(date: MessageDate, messageID: MessageID, boundarySeed: String) {
        self.date = date
        self.messageID = messageID
        self.boundarySeed = boundarySeed
    }

    /// A fresh identity: `now`, and 128 random bits.
    public static func unique(for message: EmailMessage, now: MessageDate,
                              using generator: inout some RandomNumberGenerator) -> MessageIdentity {
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = ContentHash.hex(high) + ContentHash.hex(low)
        return MessageIdentity(date: now, messageID: MessageID(unchecked: "\(hex)@\(message.from.asciiDomain)"),
                               boundarySeed: String(hex.prefix(16)))
    }

    /// The deterministic identity: the fixed date and a hash of everything in the message
    /// (attachment files are read to hash them).
    public static func deterministic(for message: EmailMessage) throws -> MessageIdentity {
        var hash = ContentHash()
        hash.add(message.from.description)
        for entry in message.to + message.cc { hash.add(entry.mailboxes.map(\.description).joined(separator: ",")) }
        hash.add(message.bcc.map(\.description).joined(separator: ","))
        hash.add(message.replyTo.map(\.description).joined(separator: ","))
        hash.add(message.subject?.value ?? "")
        hash.add((message.inReplyTo + message.references).map(\.value).joined(separator: " "))
        hash.add(message.listUnsubscribe.map(\.url).joined(separator: " "))
        for header in message.customHeaders { hash.add(header.name.value + ":" + header.value.value) }
        // Only when present, so the identities of messages without them stay what they were.
        if let feedbackID = message.feedbackID { hash.add("Feedback-ID:" + feedbackID.value) }
        if message.autoSubmitted { hash.add("Auto-Submitted:auto-generated") }
        hash.add(message.text)
        hash.add(message.html ?? "")
        for attachment in message.attachments {
            hash.add(attachment.filename + "|" + attachment.contentType + "|" + (attachment.contentID ?? ""))
            switch attachment.content {
            case .bytes(let bytes): hash.add(bytes)
            case .file(let path):
                try AttachmentReader.forEachChunk(of: path, name: attachment.filename) { hash.add($0) }
            }
        }
        let hex = hash.hexDigest
        return MessageIdentity(date: .deterministic, messageID: MessageID(unchecked: "\(hex)@\(message.from.asciiDomain)"),
                               boundarySeed: String(hex.prefix(16)))
    }
}

/// Reads an attachment file in chunks (never whole).
enum AttachmentReader {
    /// 57 × 4096 bytes: whole base64 lines per chunk.
    static let chunkSize = 57 * 4096

    static func forEachChunk(of path: String, name: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AttachmentError(file: name, reason: "it can no longer be read at \(path)")
        }
        defer { try? handle.close() }
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                throw AttachmentError(file: name, reason: "reading it failed: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { return }
            try chunk.withUnsafeBytes { try body($0) }
        }
    }
}
