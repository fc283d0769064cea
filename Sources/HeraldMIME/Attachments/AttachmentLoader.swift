import Foundation

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
