import CGMime
import Crypto
import Foundation

/// One parse's state: GMime's parser options (with the warning callback pointing here), what
/// the walk over the MIME tree has collected, and the chunk buffer the decoders share. Lives for
/// one call of `InboundEmailParser`, on one thread.
final class InboundWalker {
    let options: OpaquePointer?
    private(set) var warnings: [String] = []
    private let attachmentDirectory: String?
    private var texts: [String] = []
    private var htmls: [String] = []
    private var attachments: [InboundAttachment] = []
    private var deliveryStatusText: String?
    private var returnedMessageID: String?
    private var sawReport = false
    private let chunkSize = 64 * 1024
    private let buffer: UnsafeMutablePointer<CChar>
    static let sniffSampleSize = 256 * 1024
    static let maximumSniffedFiles = 1000
    /// GMime stops at its own nesting limit; this is a second guard for the walk's recursion.
    static let maximumDepth = 64

    init(attachmentDirectory: String?) {
        self.attachmentDirectory = attachmentDirectory
        buffer = .allocate(capacity: chunkSize)
        options = g_mime_parser_options_new()
        // Raw 8-bit headers: UTF-8 when they are valid UTF-8, else Windows-1252 (which takes
        // every byte, and is what such Latin-1 headers almost always are).
        if let utf8 = strdup("UTF-8"), let latin = strdup("windows-1252") {
            var list: [UnsafePointer<CChar>?] = [UnsafePointer(utf8), UnsafePointer(latin), nil]
            list.withUnsafeMutableBufferPointer { g_mime_parser_options_set_fallback_charsets(options, $0.baseAddress) }
            free(utf8)
            free(latin)
        }
        g_mime_parser_options_set_warning_callback(options, { offset, code, item, context in
            guard let context else { return }
            let walker = Unmanaged<InboundWalker>.fromOpaque(context).takeUnretainedValue()
            walker.warnings.append(InboundWalker.describe(code, offset: Int64(offset), item: item.map { String(cString: $0) }))
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Frees what the walker owns; called once the parse is done (the callback's pointer to
    /// this object dies with the options).
    func finish() {
        g_mime_parser_options_free(options)
        buffer.deallocate()
    }

    func warn(_ message: String) {
        warnings.append(message)
    }

    // MARK: - The message

    func email(from message: UnsafeMutablePointer<GMimeMessage>) throws -> InboundEmail {
        let object = herald_gmime_message_object(message)
        var email = InboundEmail()
        email.subject = g_mime_message_get_subject(message).map { String(cString: $0) }
        email.from = addresses(g_mime_message_get_from(message)).first
        email.sender = addresses(g_mime_message_get_sender(message)).first
        email.to = addresses(g_mime_message_get_to(message))
        email.cc = addresses(g_mime_message_get_cc(message))
        email.replyTo = addresses(g_mime_message_get_reply_to(message))
        email.messageID = g_mime_message_get_message_id(message).map { String(cString: $0) }
        email.inReplyTo = messageIDs(header(object, "In-Reply-To"))
        email.references = messageIDs(header(object, "References"))
        if let date = g_mime_message_get_date(message) {
            email.date = Date(timeIntervalSince1970: TimeInterval(g_date_time_to_unix(date)))
        } else if let raw = header(object, "Date") {
            warn("the Date header could not be read: \(raw)")
        }
        email.automationHeaders = AutomationHeaders(
            autoSubmitted: header(object, "Auto-Submitted"), xAutoreply: header(object, "X-Autoreply"),
            xAutorespond: header(object, "X-Autorespond") ?? header(object, "X-Autoresponder"),
            precedence: header(object, "Precedence"), autoResponseSuppress: header(object, "X-Auto-Response-Suppress"),
            listID: header(object, "List-Id"), returnPath: header(object, "Return-Path"))

        if let root = g_mime_message_get_mime_part(message) {
            email.structure = try walk(root, depth: 0, insideAttachedMessage: false, inReport: false)
        } else {
            warn("the message has headers but no body")
        }
        email.text = texts.isEmpty ? nil : texts.joined(separator: "\n")
        email.html = htmls.isEmpty ? nil : htmls.joined(separator: "\n")
        email.attachments = attachments
        email.quotedHistory = QuotedHistory(text: email.text.map(TextQuoteSplitter.split), html: email.html.map(HTMLQuoteSplitter.split))

        if sawReport, let statusText = deliveryStatusText {
            let fields = DeliveryStatusFields.parse(statusText)
            let original = returnedMessageID ?? fields.originalMessageID
                ?? header(object, "X-Original-Message-ID").map(MessageIDList.strip) ?? email.inReplyTo.first
            email.deliveryStatus = DeliveryStatusReport(originalMessageID: original, reportingMTA: fields.reportingMTA, recipients: fields.recipients)
            if fields.unaddressed > 0 {
                warn("the delivery status report has \(fields.unaddressed) recipient block(s) with an empty Final-Recipient and Original-Recipient; they were left out")
            }
            if fields.recipients.isEmpty { warn("the delivery status report names no recipient") }
        } else if sawReport {
            warn("the delivery status report has no message/delivery-status part")
        }
        if email.deliveryStatus == nil, email.automationHeaders.hasNullSender || isDaemon(email.from), let text = email.text {
            email.deliveryStatus = QmailBounce.parse(text)
        }
        if email.deliveryStatus == nil {
            let exchange = header(object, "X-MS-Exchange-Inbox-Rules-Loop") != nil || header(object, "X-MS-Has-Attach") != nil
                || header(object, "X-MS-Exchange-Organization-AutoReplyTo") != nil
            email.autoReply = AutoReplyDetector.verdict(email.automationHeaders, subject: email.subject, hasExchangeHeaders: exchange)
        }
        email.warnings = warnings
        return email
    }

    /// A bounce's usual sender: MAILER-DAEMON or postmaster.
    private func isDaemon(_ address: InboundAddress?) -> Bool {
        let local = address?.address.split(separator: "@").first?.lowercased() ?? ""
        return local == "mailer-daemon" || local == "postmaster"
    }

    private func header(_ object: UnsafeMutablePointer<GMimeObject>?, _ name: String) -> String? {
        guard let object, let value = g_mime_object_get_header(object, name) else { return nil }
        return String(cString: value).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The mailboxes of a borrowed address list, groups flattened into their members.
    private func addresses(_ list: UnsafeMutablePointer<InternetAddressList>?) -> [InboundAddress] {
        guard let list else { return [] }
        var result: [InboundAddress] = []
        for index in 0..<internet_address_list_length(list) {
            guard let address = internet_address_list_get_address(list, index) else { continue }
            if let mailbox = herald_gmime_as_mailbox(address) {
                let name = internet_address_get_name(address).map { String(cString: $0) }
                let addr = internet_address_mailbox_get_addr(mailbox).map { String(cString: $0) } ?? ""
                result.append(InboundAddress(name: name?.isEmpty == true ? nil : name, address: addr))
            } else if let group = herald_gmime_as_group(address) {
                result += addresses(internet_address_group_get_members(group))
            }
        }
        return result
    }

    /// `<a@b> <c@d>` → ["a@b", "c@d"] with GMime's reader; bare IDs some clients write
    /// without brackets are split on spaces instead.
    private func messageIDs(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        var ids: [String] = []
        if let references = g_mime_references_parse(options, value) {
            defer { g_mime_references_free(references) }
            for index in 0..<g_mime_references_length(references) {
                if let id = g_mime_references_get_message_id(references, index) { ids.append(String(cString: id)) }
            }
        }
        if ids.isEmpty {
            ids = value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map { MessageIDList.strip(String($0)) }.filter { !$0.isEmpty }
        }
        return ids
    }

    // MARK: - The tree

    private func walk(_ object: UnsafeMutablePointer<GMimeObject>, depth: Int, insideAttachedMessage: Bool, inReport: Bool) throws -> InboundPart {
        var node = InboundPart(contentType: "application/octet-stream")
        if let type = g_mime_object_get_content_type(object) {
            let media = g_mime_content_type_get_media_type(type).map { String(cString: $0) } ?? "application"
            let subtype = g_mime_content_type_get_media_subtype(type).map { String(cString: $0) } ?? "octet-stream"
            node.contentType = (media + "/" + subtype).lowercased()
            node.charset = g_mime_content_type_get_parameter(type, "charset").map { String(cString: $0) }
        }
        node.disposition = g_mime_object_get_disposition(object).map { String(cString: $0).lowercased() }
        node.contentID = g_mime_object_get_content_id(object).map { String(cString: $0) }
        guard depth < Self.maximumDepth else {
            warn("the MIME tree is nested deeper than \(Self.maximumDepth) levels; the parts below were not read")
            return node
        }

        if let multipart = herald_gmime_as_multipart(object) {
            let isDeliveryReport = node.contentType == "multipart/report"
                && (g_mime_object_get_content_type_parameter(object, "report-type").map { String(cString: $0).lowercased() }
                    .map { $0 == "delivery-status" || $0 == "global-delivery-status" } ?? false)
            let report = isDeliveryReport && !insideAttachedMessage
            if report { sawReport = true }
            let count = g_mime_multipart_get_count(multipart)
            if count == 0 {
                // Without parts (no boundary parameter, or a boundary never used), GMime keeps
                // the content as the multipart's prologue: kept as text, not dropped.
                let prologue = g_mime_multipart_get_prologue(multipart).map { String(cString: $0) } ?? ""
                if !insideAttachedMessage, !prologue.allSatisfy(\.isWhitespace) {
                    texts.append(prologue)
                    warn("the \(node.contentType) part holds no parts; its content is kept as text")
                } else {
                    warn("the \(node.contentType) part holds no parts")
                }
            }
            for index in 0..<count {
                guard let child = g_mime_multipart_get_part(multipart, index) else { continue }
                node.children.append(try walk(child, depth: depth + 1, insideAttachedMessage: insideAttachedMessage, inReport: report || inReport))
            }
            return node
        }
        if let messagePart = herald_gmime_as_message_part(object) {
            if let inner = g_mime_message_part_get_message(messagePart) {
                if inReport, !insideAttachedMessage, returnedMessageID == nil {
                    returnedMessageID = g_mime_message_get_message_id(inner).map { String(cString: $0) }
                }
                if let root = g_mime_message_get_mime_part(inner) {
                    node.children.append(try walk(root, depth: depth + 1, insideAttachedMessage: true, inReport: false))
                }
            } else {
                warn("the \(node.contentType) part holds no message")
            }
            return node
        }
        guard let part = herald_gmime_as_part(object) else {
            // Every GMime object is a multipart, a message part or a part; say so if not.
            warn("the \(node.contentType) part is of a kind GMime does not say how to read; its content was not read")
            return node
        }
        node.filename = g_mime_part_get_filename(part).map { String(cString: $0) }
        let encoding = g_mime_part_get_content_encoding(part)
        if encoding != GMIME_CONTENT_ENCODING_DEFAULT {
            node.transferEncoding = g_mime_content_encoding_to_string(encoding).map { String(cString: $0).lowercased() }
        }
        try leaf(part, node: &node, insideAttachedMessage: insideAttachedMessage, inReport: inReport)
        return node
    }

    /// Decodes one leaf once, into what it is for: a body, the report's fields, or a file.
    private func leaf(_ part: UnsafeMutablePointer<GMimePart>, node: inout InboundPart, insideAttachedMessage: Bool, inReport: Bool) throws {
        let type = node.contentType
        let isFile = node.disposition == "attachment" || node.filename != nil
        let what = "the \(type) part\(node.filename.map { " \"\($0)\"" } ?? "")"
        if inReport, type == "message/delivery-status" || type == "message/global-delivery-status" {
            var bytes: [UInt8] = []
            node.size = decode(part, what: what) { bytes.append(contentsOf: $0) }
            deliveryStatusText = InboundCharset.decode(bytes, charset: "utf-8", options: options, what: what, warn: warn)
            return
        }
        if inReport, type == "text/rfc822-headers" || type == "message/global-headers" {
            var bytes: [UInt8] = []
            node.size = decode(part, what: what) { bytes.append(contentsOf: $0) }
            if returnedMessageID == nil { returnedMessageID = messageID(ofHeaders: bytes) }
            return
        }
        if !insideAttachedMessage, !isFile, type == "text/plain" || type == "text/html" {
            var bytes: [UInt8] = []
            node.size = decode(part, what: what) { bytes.append(contentsOf: $0) }
            let text = InboundCharset.decode(bytes, charset: node.charset, options: options, what: what, warn: warn)
            if type == "text/plain" { texts.append(text) } else { htmls.append(text) }
            return
        }
        if insideAttachedMessage, !isFile, node.contentID == nil, type.hasPrefix("text/") {
            // The text of an attached message: part of that message, measured, not a file.
            node.size = decode(part, what: what) { _ in }
            return
        }
        try file(part, node: &node, insideAttachedMessage: insideAttachedMessage, what: what)
    }

    /// An attachment or inline image: hashed, sampled for libmagic, and written when asked, in
    /// one pass over the decoded bytes.
    private func file(_ part: UnsafeMutablePointer<GMimePart>, node: inout InboundPart, insideAttachedMessage: Bool, what: String) throws {
        var hasher = SHA256()
        var sample: [UInt8] = []
        var output: AttachmentFile?
        if let attachmentDirectory {
            output = try AttachmentFile(directory: attachmentDirectory, index: attachments.count + 1, filename: node.filename)
        }
        var writeError: Error?
        let size = decode(part, what: what) { chunk in
            hasher.update(bufferPointer: chunk)
            if sample.count < Self.sniffSampleSize { sample.append(contentsOf: chunk.prefix(Self.sniffSampleSize - sample.count)) }
            if writeError == nil, let output {
                do { try output.write(chunk) } catch { writeError = error }
            }
        }
        node.size = size
        if let writeError {
            output?.discard()
            throw writeError
        }
        let storedPath = try output?.commit()
        let digest = Self.hex(hasher.finalize())
        // libmagic costs ~0.25 ms a file even for three bytes: a message made of thousands of
        // tiny parts would cost seconds. Past `maximumSniffedFiles` the files are still
        // measured and hashed, not sniffed.
        var sniffed: String?
        if attachments.count < Self.maximumSniffedFiles {
            sniffed = try? ContentSniffer.shared.mediaType(of: sample)
        } else if attachments.count == Self.maximumSniffedFiles {
            warn("the message has more than \(Self.maximumSniffedFiles) files; the rest were not checked with libmagic (sniffedType null)")
        }
        let isInline = node.disposition == "inline" ? !node.contentType.hasPrefix("application/") || node.contentID != nil
            : node.disposition == nil && node.contentID != nil
        attachments.append(InboundAttachment(filename: node.filename, declaredType: node.contentType, sniffedType: sniffed, size: size,
                                             sha256: digest, contentID: node.contentID, isInline: isInline, storedPath: storedPath,
                                             isInAttachedMessage: insideAttachedMessage))
    }

    static func hex<Digest: Sequence>(_ bytes: Digest) -> String where Digest.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The Message-ID in a block of headers (a bounce's text/rfc822-headers), read by GMime.
    private func messageID(ofHeaders bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        let stream = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count) }
        }
        guard let stream else { return nil }
        defer { g_object_unref(stream) }
        guard let parser = g_mime_parser_new_with_stream(stream) else { return nil }
        defer { g_object_unref(parser) }
        // GMime's default options: the returned headers end without a body, which is what
        // the part is, not a fault of the message to warn about.
        guard let message = g_mime_parser_construct_message(parser, nil) else { return nil }
        defer { g_object_unref(message) }
        return g_mime_message_get_message_id(message).map { String(cString: $0) }
    }

    // MARK: - Decoding

    /// Streams a part's decoded content to `consume` in chunks and returns its size. Base64 is
    /// checked on the way: GMime's decoder skips bytes outside the alphabet silently, and a
    /// file that lost bytes must not look whole.
    private func decode(_ part: UnsafeMutablePointer<GMimePart>, what: String, _ consume: (UnsafeRawBufferPointer) -> Void) -> Int {
        guard let wrapper = g_mime_part_get_content(part), let stream = g_mime_data_wrapper_get_stream(wrapper) else { return 0 }
        let encoding = g_mime_data_wrapper_get_encoding(wrapper)
        let isBase64 = encoding == GMIME_CONTENT_ENCODING_BASE64
        var filter: UnsafeMutablePointer<GMimeFilter>?
        if isBase64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE || encoding == GMIME_CONTENT_ENCODING_UUENCODE {
            filter = g_mime_filter_basic_new(encoding, 0)
        }
        defer { if let filter { g_object_unref(filter) } }
        _ = g_mime_stream_reset(stream)
        var size = 0
        var invalid = 0
        var alphabet = 0
        var padded = false
        while true {
            let count = g_mime_stream_read(stream, buffer, chunkSize)
            if count <= 0 { break }
            if isBase64 {
                UnsafeRawBufferPointer(start: buffer, count: count).forEach { byte in
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                         UInt8(ascii: "+"), UInt8(ascii: "/"):
                        alphabet += 1
                        if padded { invalid += 1 }
                    case UInt8(ascii: "="):
                        alphabet += 1
                        padded = true
                    case 0x0D, 0x0A, 0x20, 0x09: break
                    default: invalid += 1
                    }
                }
            }
            if let filter {
                var output: UnsafeMutablePointer<CChar>?
                var outputLength = 0
                var prespace = 0
                g_mime_filter_filter(filter, buffer, count, 0, &output, &outputLength, &prespace)
                if let output, outputLength > 0 {
                    consume(UnsafeRawBufferPointer(start: output, count: outputLength))
                    size += outputLength
                }
            } else {
                consume(UnsafeRawBufferPointer(start: buffer, count: count))
                size += count
            }
        }
        if let filter {
            var output: UnsafeMutablePointer<CChar>?
            var outputLength = 0
            var prespace = 0
            g_mime_filter_complete(filter, buffer, 0, 0, &output, &outputLength, &prespace)
            if let output, outputLength > 0 {
                consume(UnsafeRawBufferPointer(start: output, count: outputLength))
                size += outputLength
            }
        }
        if invalid > 0 {
            warn("\(what) has \(invalid) byte\(invalid == 1 ? "" : "s") that are not base64 (skipped; the decoded content may be damaged)")
        } else if isBase64, alphabet % 4 != 0 {
            warn("\(what) ends in the middle of a base64 group (the content is truncated)")
        }
        return size
    }

    // MARK: - GMime's warnings

    static func describe(_ code: GMimeParserWarning, offset: Int64, item: String?) -> String {
        let detail = item.map { ": \(String($0.prefix(200)))" } ?? ""
        let at = offset >= 0 ? " (byte \(offset))" : ""
        let text: String
        switch code {
        case GMIME_WARN_DUPLICATED_HEADER: text = "a header that must appear once is repeated"
        case GMIME_WARN_DUPLICATED_PARAMETER: text = "a header parameter is repeated"
        case GMIME_WARN_UNENCODED_8BIT_HEADER: text = "a header holds raw 8-bit bytes (read as UTF-8, else Windows-1252)"
        case GMIME_WARN_INVALID_CONTENT_TYPE: text = "an invalid Content-Type (read as application/octet-stream)"
        case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: text = "an invalid RFC 2047 encoded word"
        case GMIME_WARN_MALFORMED_MULTIPART: text = "a multipart without parts"
        case GMIME_WARN_TRUNCATED_MESSAGE: text = "the message is truncated (a multipart has no closing boundary)"
        case GMIME_WARN_MALFORMED_MESSAGE: text = "the message is malformed"
        case GMIME_CRIT_INVALID_HEADER_NAME: text = "an invalid header name (GMime may have skipped part of the message)"
        case GMIME_CRIT_CONFLICTING_HEADER: text = "conflicting headers"
        case GMIME_CRIT_CONFLICTING_PARAMETER: text = "conflicting header parameters"
        case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: text = "a multipart has no boundary parameter (its content was read as one part)"
        case GMIME_WARN_INVALID_PARAMETER: text = "an invalid header parameter"
        case GMIME_WARN_INVALID_ADDRESS_LIST: text = "an invalid address list"
        case GMIME_CRIT_NESTING_OVERFLOW: text = "the MIME parts are nested too deep (the deeper ones were not read)"
        case GMIME_WARN_PART_WITHOUT_CONTENT: text = "a part ends right after its headers"
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: text = "a part has neither headers nor content"
        default: text = "GMime warning \(code.rawValue)"
        }
        return text + at + detail
    }
}
