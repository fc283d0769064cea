/// Writes an `EmailMessage` as RFC 5322/MIME bytes, streaming:
///
/// - text only → `text/plain`; with HTML → `multipart/alternative` (text first, HTML last, the
///   preferred part last per RFC 2046 §5.1.4); inline images → `multipart/related` around that;
///   attachments → `multipart/mixed` around everything.
/// - Text parts are 7bit when they can be, quoted-printable when mostly ASCII, base64 when mostly
///   not (CJK, Arabic); files are base64. Lines end in CRLF, never pass 76 in encoded bodies or
///   998 anywhere.
/// - Boundaries start with `=_`, which base64 never produces and quoted-printable cannot
///   (`=` always begins `=XX` or a soft break there); a 7bit part that happens to contain one
///   is switched to quoted-printable, so a boundary can never occur in content.
/// - Bcc is never written.
public struct MIMEWriter: Sendable {
    /// The longest Content-ID written: with `Content-ID: <` and `>`, far inside 998 octets.
    public static let maximumContentIDLength = 200

    /// Whether `contentID` can be written as a Content-ID: 1 to 200 characters of RFC 5322
    /// atext, "." and "@" — what a msg-id holds unquoted. The one rule for `cid:` names too.
    public static func canCarry(contentID: String) -> Bool {
        !contentID.isEmpty && contentID.utf8.count <= maximumContentIDLength && contentID.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": return true
            default: return "!#$%&'*+-/=?^_`{|}~.@".unicodeScalars.contains(scalar)
            }
        }
    }

    public init() {}

    /// Writes the message; with a `signer`, DKIM-Signature fields first. The body is then written
    /// twice — once into the body hash, once to `sink` — rather than held: the writer is
    /// deterministic for one identity, so both passes give the same bytes and an attachment is
    /// still only ever read a chunk at a time.
    public func write(_ message: EmailMessage, identity: MessageIdentity, signer: DKIMSigner? = nil, to sink: inout some ByteSink) throws {
        // A Content-ID is one `<…>` token, never folded (found by fuzzing: 1,000 characters made
        // a 1,014-octet line, an `é` raw UTF-8 in a header). Refused before a byte is written.
        for contentID in message.attachments.compactMap(\.contentID) where !Self.canCarry(contentID: contentID) {
            throw HeaderError(field: "Content-ID", value: contentID,
                              reason: "a Content-ID holds 1 to \(Self.maximumContentIDLength) ASCII letters, digits and .-_@ (no spaces or brackets)")
        }
        let root = MIMEPart.tree(for: message, seed: identity.boundarySeed)
        var headers = HeaderWriter()
        headers.addStructured("Date", tokens: identity.date.description.split(separator: " ").map(String.init))
        headers.addAddresses("From", [message.from])
        if !message.replyTo.isEmpty { headers.addAddresses("Reply-To", message.replyTo) }
        if !message.to.isEmpty { headers.addAddresses("To", message.to) }
        if !message.cc.isEmpty { headers.addAddresses("Cc", message.cc) }
        if let subject = message.subject { headers.addText("Subject", subject) }
        headers.addStructured("Message-ID", tokens: [identity.messageID.description])
        if !message.inReplyTo.isEmpty { headers.addStructured("In-Reply-To", tokens: message.inReplyTo.map(\.description)) }
        let references = message.headers.threadReferences
        if !references.isEmpty { headers.addStructured("References", tokens: references.map(\.description)) }
        if !message.listUnsubscribe.isEmpty {
            let targets = message.listUnsubscribe.map(\.description)
            headers.addStructured("List-Unsubscribe", tokens: targets.enumerated().map { $0.offset < targets.count - 1 ? $0.element + "," : $0.element })
            // RFC 8058 one-click: a POST to the https URL unsubscribes (what Gmail and Yahoo
            // require of bulk mail); a mailto: or http: target alone cannot take it.
            if message.listUnsubscribe.contains(where: \.isHTTPS) {
                headers.addStructured("List-Unsubscribe-Post", tokens: ["List-Unsubscribe=One-Click"])
            }
        }
        if let feedbackID = message.feedbackID { headers.addText("Feedback-ID", feedbackID) }
        if message.autoSubmitted { headers.addStructured("Auto-Submitted", tokens: ["auto-generated"]) }
        for header in message.customHeaders { headers.addText(header.name.value, header.value) }
        headers.addStructured("MIME-Version", tokens: ["1.0"])
        root.writeHeaders(into: &headers)
        if let signer, !signer.keys.isEmpty {
            var hasher = DKIMBodyHasher(signer.canonicalization)
            try root.writeBody(to: &hasher, outermost: true)
            try sink.write(try signer.signatureFields(headerSection: headers.bytes, bodyHash: hasher.finish(), time: identity.date.secondsSince1970))
        }
        try sink.write(headers.bytes)
        try sink.write([0x0D, 0x0A])
        try root.writeBody(to: &sink, outermost: true)
    }

    /// The message in memory (fine for ordinary sizes; stream to a file for large attachments).
    public func bytes(of message: EmailMessage, identity: MessageIdentity, signer: DKIMSigner? = nil) throws -> [UInt8] {
        // Room for base64's 4/3 plus line breaks, and the bodies' encodings, so the buffer grows once.
        let estimate = message.attachments.reduce(0) { $0 + $1.size } * 139 / 100
            + (message.text.utf8.count + (message.html?.utf8.count ?? 0)) * 5 / 4 + 4096
        var buffer = ByteBuffer(capacity: estimate)
        try write(message, identity: identity, to: &buffer)
        guard let signer, !signer.keys.isEmpty else { return buffer.bytes }
        // In memory the body is whole already: hashed once here rather than written twice.
        let (section, body) = DKIMVerifier.split(buffer.bytes)
        var hasher = DKIMBodyHasher(signer.canonicalization)
        try body.withUnsafeBytes { try hasher.write($0) }
        return try signer.signatureFields(headerSection: Array(section), bodyHash: hasher.finish(), time: identity.date.secondsSince1970) + buffer.bytes
    }

    /// The part tree, for `herald render --format json` and tests.
    public func structure(of message: EmailMessage, identity: MessageIdentity) -> PartDescription {
        MIMEPart.tree(for: message, seed: identity.boundarySeed).description
    }
}

/// A summary of one MIME part.
public struct PartDescription: Equatable, Sendable, Encodable {
    public var contentType: String
    /// A text attachment's charset (text bodies are always UTF-8).
    public var charset: String? = nil
    public var transferEncoding: String?
    public var disposition: String?
    public var filename: String?
    public var contentID: String?
    /// Decoded size in bytes (for leaves).
    public var size: Int?
    public var parts: [PartDescription]?
}

/// One part of the tree being written.
struct MIMEPart {
    enum Body {
        case text([UInt8])
        case file(Attachment)
        case multipart(subtype: String, boundary: String, parts: [MIMEPart])
    }

    enum TransferEncoding: String {
        case sevenBit = "7bit", quotedPrintable = "quoted-printable", base64
    }

    var contentType: String
    /// Extra Content-Type parameters as `name=value` tokens (already quoted).
    var parameters: [String] = []
    var encoding: TransferEncoding? = nil
    var disposition: String? = nil
    /// Content-Disposition parameters after the disposition type (the file name).
    var dispositionParameters: [String] = []
    var contentID: String? = nil
    var body: Body

    static func tree(for message: EmailMessage, seed: String) -> MIMEPart {
        var counter = 0
        func boundary() -> String {
            counter += 1
            return "=_Herald_\(seed)_\(counter)"
        }
        // Boundaries are chosen outermost first, so part 1 is always the outermost.
        let inline = message.html == nil ? [] : message.attachments.filter(\.isInline)
        let files = message.attachments.filter { !$0.isInline || message.html == nil }
        let mixedBoundary = files.isEmpty ? nil : boundary()
        let relatedBoundary = inline.isEmpty ? nil : boundary()
        let alternativeBoundary = message.html == nil ? nil : boundary()

        let boundaryPrefix = "=_Herald_\(seed)_"
        var body = textPart(message.text, subtype: "plain", boundaryPrefix: boundaryPrefix)
        if let html = message.html, let alternativeBoundary {
            body = MIMEPart(contentType: "multipart/alternative",
                            body: .multipart(subtype: "alternative", boundary: alternativeBoundary,
                                             parts: [body, textPart(html, subtype: "html", boundaryPrefix: boundaryPrefix)]))
        }
        if let relatedBoundary {
            body = MIMEPart(contentType: "multipart/related", parameters: ["type=\"multipart/alternative\""],
                            body: .multipart(subtype: "related", boundary: relatedBoundary, parts: [body] + inline.map(filePart)))
        }
        if let mixedBoundary {
            body = MIMEPart(contentType: "multipart/mixed",
                            body: .multipart(subtype: "mixed", boundary: mixedBoundary, parts: [body] + files.map(filePart)))
        }
        return body
    }

    /// A text part with its line breaks made CRLF and the cheapest safe transfer encoding.
    /// Every boundary of the message starts with `boundaryPrefix`: a 7bit text holding it is
    /// quoted-printable instead.
    static func textPart(_ text: String, subtype: String, boundaryPrefix: String) -> MIMEPart {
        let crlf = Self.crlfLines(Array(text.utf8))
        let encoding: TransferEncoding
        if QuotedPrintable.isSevenBitSafe(crlf) && !ByteSearch.contains(crlf, Array(boundaryPrefix.utf8)) {
            encoding = .sevenBit
        } else {
            // Quoted-printable triples each byte it escapes; past a third of the text, base64's
            // flat 4/3 is smaller (and more robust for CJK or Arabic text).
            let escaped = crlf.withUnsafeBufferPointer { bytes in
                var count = 0
                for byte in bytes where byte >= 0x80 || byte == UInt8(ascii: "=") { count += 1 }
                return count
            }
            encoding = escaped * 3 > crlf.count ? .base64 : .quotedPrintable
        }
        return MIMEPart(contentType: "text/\(subtype)", parameters: ["charset=utf-8"], encoding: encoding, body: .text(crlf))
    }

    /// A file: its name in both headers in the same form (see `FilenameParameter`), never with a
    /// character that could disguise it, whatever made the `Attachment`; a text's charset.
    static func filePart(_ attachment: Attachment) -> MIMEPart {
        let name = AttachmentName.sanitized(attachment.filename)
        let charset = attachment.charset.map { ["charset=\($0)"] } ?? []
        return MIMEPart(contentType: attachment.contentType, parameters: charset + FilenameParameter.parameters("name", name),
                        encoding: .base64, disposition: attachment.isInline ? "inline" : "attachment",
                        dispositionParameters: FilenameParameter.parameters("filename", name),
                        contentID: attachment.contentID, body: .file(attachment))
    }

    /// LF and lone CR become CRLF; a final line break is added if missing.
    static func crlfLines(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: input.count * 2 + 2) { output, written in
                var out = 0
                var index = 0
                while index < input.count {
                    let byte = input[index]
                    if byte == 0x0D || byte == 0x0A {
                        output[out] = 0x0D
                        output[out + 1] = 0x0A
                        out += 2
                        if byte == 0x0D && index + 1 < input.count && input[index + 1] == 0x0A { index += 1 }
                    } else {
                        output[out] = byte
                        out += 1
                    }
                    index += 1
                }
                if out < 2 || output[out - 2] != 0x0D || output[out - 1] != 0x0A {
                    output[out] = 0x0D
                    output[out + 1] = 0x0A
                    out += 2
                }
                written = out
            }
        }
    }

    // MARK: Writing

    func writeHeaders(into headers: inout HeaderWriter) {
        headers.addStructured("Content-Type", tokens: Self.separated([contentType] + parameters + (boundaryParameter.map { [$0] } ?? [])))
        if let encoding { headers.addStructured("Content-Transfer-Encoding", tokens: [encoding.rawValue]) }
        if let contentID { headers.addStructured("Content-ID", tokens: ["<\(contentID)>"]) }
        if let disposition {
            headers.addStructured("Content-Disposition", tokens: Self.separated([disposition] + dispositionParameters))
        }
    }

    /// `value; parameter; parameter` as tokens, the `;` kept with the token before it.
    private static func separated(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { $0.offset < tokens.count - 1 ? $0.element + ";" : $0.element }
    }

    private var boundaryParameter: String? {
        if case .multipart(_, let boundary, _) = body { return "boundary=\"\(boundary)\"" }
        return nil
    }

    /// The outermost multipart carries the customary preamble for non-MIME readers; nested
    /// ones need none.
    func writeBody(to sink: inout some ByteSink, outermost: Bool = false) throws {
        switch body {
        case .text(let bytes):
            switch encoding ?? .sevenBit {
            case .sevenBit: try sink.write(bytes)
            case .quotedPrintable: try sink.write(QuotedPrintable.encode(bytes))
            case .base64: try sink.write(Base64Encoder.encode(bytes))
            }
        case .file(let attachment):
            // Encoded a chunk at a time into one small reused buffer, whether the bytes are in
            // memory or in a file: memory stays flat and no large buffer is allocated per part.
            var encoder = Base64Encoder()
            var output: [UInt8] = []
            output.reserveCapacity(AttachmentReader.chunkSize / 3 * 4 + AttachmentReader.chunkSize / 57 * 2 + 8)
            func encodeChunk(_ chunk: UnsafeRawBufferPointer) throws {
                encoder.encode(chunk, into: &output)
                try sink.write(output)
                output.removeAll(keepingCapacity: true)
            }
            switch attachment.content {
            case .bytes(let bytes):
                try bytes.withUnsafeBytes { all in
                    var start = 0
                    while start < all.count {
                        let end = min(start + AttachmentReader.chunkSize, all.count)
                        try encodeChunk(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                        start = end
                    }
                }
            case .file(let path):
                try AttachmentReader.forEachChunk(of: path, name: attachment.filename) { try encodeChunk($0) }
            }
            encoder.finish(into: &output)
            try sink.write(output)
        case .multipart(_, let boundary, let parts):
            if outermost { try sink.write("This is a multi-part message in MIME format.\r\n") }
            for (index, part) in parts.enumerated() {
                try sink.write(index == 0 && !outermost ? "--\(boundary)\r\n" : "\r\n--\(boundary)\r\n")
                var headers = HeaderWriter()
                part.writeHeaders(into: &headers)
                try sink.write(headers.bytes)
                try sink.write([0x0D, 0x0A])
                try part.writeBody(to: &sink)
            }
            try sink.write("\r\n--\(boundary)--\r\n")
        }
    }

    var description: PartDescription {
        switch body {
        case .text(let bytes):
            return PartDescription(contentType: contentType, transferEncoding: encoding?.rawValue, size: bytes.count)
        case .file(let attachment):
            return PartDescription(contentType: contentType, charset: attachment.charset, transferEncoding: encoding?.rawValue,
                                   disposition: disposition, filename: AttachmentName.sanitized(attachment.filename),
                                   contentID: contentID, size: attachment.size)
        case .multipart(_, _, let parts):
            return PartDescription(contentType: contentType, parts: parts.map(\.description))
        }
    }
}

/// Byte-string search for small needles.
enum ByteSearch {
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        return haystack.withUnsafeBufferPointer { bytes in
            needle.withUnsafeBufferPointer { pattern in
                var index = 0
                let last = bytes.count - pattern.count
                while index <= last {
                    if bytes[index] == first {
                        var offset = 1
                        while offset < pattern.count && bytes[index + offset] == pattern[offset] { offset += 1 }
                        if offset == pattern.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }
}
