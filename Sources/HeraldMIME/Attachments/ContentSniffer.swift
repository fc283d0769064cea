import CMagic
import Foundation

/// libmagic behind a lock: a `magic_t` cookie is not thread-safe, and loading the database costs
/// more than a lookup, so one cookie serves the process.
public final class ContentSniffer: @unchecked Sendable {
    /// What libmagic says about some bytes: the media type (MAGIC_MIME_TYPE) and the encoding
    /// of text (MAGIC_MIME_ENCODING: `utf-8`, `us-ascii`, `iso-8859-1`, `binary`...).
    public struct Finding: Equatable, Sendable {
        public var mediaType: String
        public var encoding: String?

        public init(mediaType: String, encoding: String? = nil) {
            self.mediaType = mediaType
            self.encoding = encoding
        }

        /// Parses libmagic's MAGIC_MIME answer, `text/plain; charset=utf-8`.
        init(magic: String) {
            let parts = magic.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            mediaType = parts.first ?? magic
            let charset = parts.count > 1 && parts[1].hasPrefix("charset=") ? String(parts[1].dropFirst("charset=".count)) : nil
            encoding = charset?.isEmpty == false ? charset : nil
        }
    }

    public static let shared = ContentSniffer()

    private let lock = NSLock()
    private let cookie: magic_t?

    private init() {
        // Type and encoding in one lookup: the encoding is read for text anyway.
        let cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING)
        if let cookie, magic_load(cookie, nil) != 0 {
            magic_close(cookie)
            self.cookie = nil
        } else {
            self.cookie = cookie
        }
    }

    deinit {
        if let cookie { magic_close(cookie) }
    }

    /// The media type of a file's content, e.g. "application/pdf".
    public func mediaType(ofFile path: String) throws -> String {
        try finding(ofFile: path).mediaType
    }

    public func mediaType(of bytes: [UInt8]) throws -> String {
        try finding(of: bytes).mediaType
    }

    public func finding(ofFile path: String) throws -> Finding {
        Finding(magic: try withCookie { cookie in magic_file(cookie, path) })
    }

    public func finding(of bytes: [UInt8]) throws -> Finding {
        Finding(magic: try withCookie { cookie in
            bytes.withUnsafeBytes { magic_buffer(cookie, $0.baseAddress, $0.count) }
        })
    }

    private func withCookie(_ body: (magic_t) -> UnsafePointer<CChar>?) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        guard let cookie else {
            throw AttachmentError(file: "", reason: "libmagic's database could not be loaded (is libmagic-mgc installed?)")
        }
        guard let result = body(cookie) else {
            let message = magic_error(cookie).map { String(cString: $0) } ?? "unknown error"
            throw AttachmentError(file: "", reason: "libmagic could not read it: \(message)")
        }
        return String(cString: result)
    }
}

/// Turns files into checked attachments: size first, then the bytes' real type against the
/// policy. Reads nothing into memory but what a check needs.
public struct AttachmentLoader: Sendable {
    public var policy: AttachmentPolicy
    public var sniffer: ContentSniffer

    public init(policy: AttachmentPolicy = .email, sniffer: ContentSniffer = .shared) {
        self.policy = policy
        self.sniffer = sniffer
    }

    /// Loads `path`; `filename` is what the recipient sees (the path's last part by default),
    /// with its disguising characters replaced (`AttachmentName`; `renamedFrom` says so).
    public func load(path: String, filename: String? = nil, contentID: String? = nil) throws -> Attachment {
        let given = filename ?? URL(fileURLWithPath: path).lastPathComponent
        let name = AttachmentName.sanitized(given)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw AttachmentError(file: path, reason: isDirectory.boolValue ? "it is a folder, not a file" : "no such file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw AttachmentError(file: path, reason: "it cannot be read (permissions)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil ?? 0
        let finding: ContentSniffer.Finding
        do {
            finding = try sniffer.finding(ofFile: path)
        } catch let error as AttachmentError {
            throw AttachmentError(file: path, reason: error.reason)
        }
        var contents: [UInt8]? = nil
        let verdict = try policy.check(filename: name, finding: finding, size: size) {
            // Read once, only when a check needs the bytes (text, SVG, Office), under the size limit.
            if let contents { return contents }
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
                throw AttachmentError(file: path, reason: "it cannot be read")
            }
            contents = [UInt8](data)
            return contents ?? []
        }
        return Attachment(filename: name, contentType: verdict.contentType, charset: verdict.charset, content: .file(path: path),
                          size: size, contentID: contentID, renamedFrom: name == given ? nil : given)
    }

    /// Checks bytes already in memory (an upload) the same way.
    public func load(bytes: [UInt8], filename: String, contentID: String? = nil) throws -> Attachment {
        let name = AttachmentName.sanitized(filename)
        let finding: ContentSniffer.Finding
        do {
            finding = try sniffer.finding(of: bytes)
        } catch let error as AttachmentError {
            throw AttachmentError(file: name, reason: error.reason)
        }
        let verdict = try policy.check(filename: name, finding: finding, size: bytes.count) { bytes }
        return Attachment(filename: name, contentType: verdict.contentType, charset: verdict.charset, content: .bytes(bytes),
                          size: bytes.count, contentID: contentID, renamedFrom: name == filename ? nil : filename)
    }
}
