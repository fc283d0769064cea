import CMagic
import Foundation

/// libmagic behind a lock: a `magic_t` cookie is not thread-safe, and loading the database costs
/// more than a lookup, so one cookie serves the process.
public final class ContentSniffer: @unchecked Sendable {
    public static let shared = ContentSniffer()

    private let lock = NSLock()
    private let cookie: magic_t?

    private init() {
        let cookie = magic_open(MAGIC_MIME_TYPE)
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
        try withCookie { cookie in magic_file(cookie, path) }
    }

    public func mediaType(of bytes: [UInt8]) throws -> String {
        try withCookie { cookie in
            bytes.withUnsafeBytes { magic_buffer(cookie, $0.baseAddress, $0.count) }
        }
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

    /// Loads `path`; `filename` is what the recipient sees (the path's last part by default).
    public func load(path: String, filename: String? = nil, contentID: String? = nil) throws -> Attachment {
        let name = filename ?? URL(fileURLWithPath: path).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw AttachmentError(file: path, reason: isDirectory.boolValue ? "it is a folder, not a file" : "no such file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw AttachmentError(file: path, reason: "it cannot be read (permissions)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil ?? 0
        let detected: String
        do {
            detected = try sniffer.mediaType(ofFile: path)
        } catch let error as AttachmentError {
            throw AttachmentError(file: path, reason: error.reason)
        }
        var contents: [UInt8]? = nil
        let contentType = try policy.check(filename: name, detectedType: detected, size: size) { needle in
            // Only ZIP part names and SVG scripts are looked up, in files under the size limit.
            if contents == nil { contents = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) } ?? [] }
            return Self.contains(contents ?? [], needle: Array(needle.utf8))
        }
        return Attachment(filename: name, contentType: contentType, content: .file(path: path), size: size, contentID: contentID)
    }

    /// Checks bytes already in memory (an upload) the same way.
    public func load(bytes: [UInt8], filename: String, contentID: String? = nil) throws -> Attachment {
        let detected: String
        do {
            detected = try sniffer.mediaType(of: bytes)
        } catch let error as AttachmentError {
            throw AttachmentError(file: filename, reason: error.reason)
        }
        let contentType = try policy.check(filename: filename, detectedType: detected, size: bytes.count) { needle in
            Self.contains(bytes, needle: Array(needle.utf8))
        }
        return Attachment(filename: filename, contentType: contentType, content: .bytes(bytes), size: bytes.count, contentID: contentID)
    }

    /// ASCII-case-insensitive search (a `<SCRIPT>` is as bad as a `<script>`).
    static func contains(_ haystack: [UInt8], needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }
        let lowerNeedle = needle.map(lower)
        var index = 0
        while index <= haystack.count - needle.count {
            if lower(haystack[index]) == lower(first) {
                var offset = 1
                while offset < needle.count && lower(haystack[index + offset]) == lowerNeedle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
