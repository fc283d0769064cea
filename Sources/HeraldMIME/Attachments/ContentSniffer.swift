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
