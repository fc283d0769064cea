import Foundation

/// An attachment's decoded bytes on their way to a directory: written to a temporary name,
/// then renamed, so a half-written file never carries the final name.
final class AttachmentFile {
    private let descriptor: Int32
    private let temporaryPath: String
    private let finalPath: String

    init(directory: String, index: Int, filename: String?) throws {
        finalPath = (directory as NSString).appendingPathComponent("\(index)-\(Self.safeName(filename))")
        temporaryPath = finalPath + ".partial"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw HeraldError.io("cannot write \(temporaryPath): \(String(cString: strerror(errno)))")
        }
    }

    /// The name a sender chose, reduced to one path component of safe characters: no
    /// directories, no leading dot, no control characters, at most 100 characters.
    static func safeName(_ filename: String?) -> String {
        let name = (filename ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && $0 != ":" }.map(Character.init))
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        cleaned = String(cleaned.prefix(100))
        return cleaned.isEmpty ? "attachment" : cleaned
    }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < chunk.count {
            let written = Foundation.write(descriptor, chunk.baseAddress.map { $0 + offset }, chunk.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw HeraldError.io("cannot write \(temporaryPath): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Flushes, names the file and returns its path.
    func commit() throws -> String {
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporaryPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw HeraldError.io("cannot write \(finalPath): \(reason)")
        }
        return finalPath
    }

    func discard() {
        close(descriptor)
        unlink(temporaryPath)
    }
}
