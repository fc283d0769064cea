import Crypto
import Foundation
import HeraldDelivery
import HeraldMIME

/// The files customers send (email attachments, WhatsApp media), kept by content under the data
/// folder — `inbound-files/3f/3f9a…` — so the same file sent twice is stored once and a
/// message can never name another's file. Each file's type is what libmagic finds in its bytes
/// (`ContentSniffer`), as for outgoing attachments: a sender's declared type is not trusted.
public struct InboundFiles: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// `DATA/inbound-files`.
    public init(dataFolder: String) {
        self.init(folder: (dataFolder as NSString).appendingPathComponent("inbound-files"))
    }

    /// Where the file with this SHA-256 (lower-case hex) is kept; nil for anything that is not
    /// a SHA-256, so a name from a request can never reach outside the folder.
    public func path(of sha256: String) -> String? {
        guard sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return "\(folder)/\(sha256.prefix(2))/\(sha256)"
    }

    /// Keeps `bytes` (a download already in memory: a WhatsApp image).
    public func keep(_ bytes: [UInt8], name: String, contentID: String? = nil) throws -> Interaction.Message.File {
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        guard let path = path(of: sha256) else { throw InboxError(.io, "cannot name the file \(name)") }
        if !FileManager.default.fileExists(atPath: path) {
            do {
                try AtomicFile.write(bytes, to: path)
            } catch {
                throw InboxError(.io, "cannot keep the customer's file \(name) in \(folder): \(error)")
            }
        }
        return try described(path, name: name, size: bytes.count, sha256: sha256, contentID: contentID)
    }

    /// Moves a file written elsewhere under this folder (the parser's attachment files) into
    /// place, by the SHA-256 its writer computed; a file kept already stays and `file` is removed.
    public func keep(fileAt file: String, sha256: String, size: Int, name: String, contentID: String? = nil) throws -> Interaction.Message.File {
        guard let path = path(of: sha256) else { throw InboxError(.io, "'\(sha256)' is not a SHA-256 of the file \(name)") }
        let manager = FileManager.default
        do {
            if manager.fileExists(atPath: path) {
                try? manager.removeItem(atPath: file)
            } else {
                try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                // rename(2): atomic within the data folder's file system, where the parser writes.
                try manager.moveItem(atPath: file, toPath: path)
            }
        } catch {
            throw InboxError(.io, "cannot keep the customer's file \(name) in \(folder): \(error.localizedDescription)")
        }
        return try described(path, name: name, size: size, sha256: sha256, contentID: contentID)
    }

    private func described(_ path: String, name: String, size: Int, sha256: String, contentID: String?) throws -> Interaction.Message.File {
        let type = (try? ContentSniffer.shared.mediaType(ofFile: path)) ?? "application/octet-stream"
        return Interaction.Message.File(name: Self.safeName(name), mediaType: type, size: size, sha256: sha256, contentID: contentID)
    }

    /// A name to show and download as: the last path component, without control characters;
    /// "file" when nothing is left.
    static func safeName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty || clean == "." || clean == ".." ? "file" : clean
    }
}
