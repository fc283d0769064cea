import Foundation
import HeraldMIME

/// Message text larger than the limit a caller set: nothing of it was rendered.
///
/// Herald reads message text (a Markdown document or template, an editor's HTML, template data)
/// up to a limit, `Draft.defaultMaximumInputBytes` unless the caller gives another: a message is
/// kilobytes, and what a renderer needs grows with the input (an SMS of 20 MB was 911 MB of
/// memory before it was bounded), so an input of gigabytes — a wrong file, a runaway
/// generator — is refused with its size instead of taking the machine's memory.
public struct InputTooLarge: CategorizedError, LocalizedError, Equatable, Sendable {
    /// What was read: `'message.md'`, `standard input`, `the data file 'order.json'`.
    public var input: String
    /// Its size in bytes, when known (a file's); nil when reading stopped past the limit.
    public var size: Int?
    public var limit: Int

    public init(input: String, size: Int?, limit: Int) {
        self.input = input
        self.size = size
        self.limit = limit
    }

    public var category: HeraldError.Category { .input }
    public var description: String { errorDescription ?? "" }

    public var errorDescription: String? {
        let what = size.map { "\(input) is \(Self.megabytes($0)) (\($0) bytes)" } ?? "\(input) is over \(Self.megabytes(limit))"
        return "\(what); message text is read up to \(Self.megabytes(limit)) (\(limit) bytes)"
    }

    /// The whole megabytes a limit must be to read this input (nil when its size is unknown).
    public var megabytesNeeded: Int? {
        size.map { ($0 + 1_048_575) / 1_048_576 }
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes % 1_048_576 == 0 ? "\(bytes / 1_048_576) MB" : String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}

/// Reads a file or a stream up to a limit, without ever holding more than the limit and a
/// chunk in memory.
enum LimitedReader {
    /// A file's bytes; a folder or an unreadable file is an I/O error that says which.
    static func read(_ url: URL, what: String, limit: Int) throws -> [UInt8] {
        let name = "\(what)'\(url.displayPath)'"
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw HeraldError.io("cannot read \(name): it is a folder, not a file")
        }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw HeraldError.io("cannot read \(name): \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        // A regular file says its size: refused before a byte is read.
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let isRegular = attributes?[.type] as? FileAttributeType == .typeRegular
        let size = isRegular ? (attributes?[.size] as? NSNumber)?.intValue : nil
        if let size, size > limit { throw InputTooLarge(input: name, size: size, limit: limit) }
        do {
            return try read(handle, name: name, limit: limit, expectedSize: size)
        } catch let error as InputTooLarge {
            throw error
        } catch {
            throw HeraldError.io("cannot read \(name): \(error.localizedDescription)")
        }
    }

    /// A stream's bytes (standard input, a pipe), up to `limit`: reading stops at the first
    /// byte past it.
    static func read(_ handle: FileHandle, name: String, limit: Int, expectedSize: Int? = nil) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(expectedSize ?? 65_536, limit) + 1)
        while let chunk = try handle.read(upToCount: min(1_048_576, limit + 1 - bytes.count)), !chunk.isEmpty {
            bytes.append(contentsOf: chunk)
            // (A file that grew since its size was read is over the limit by an unknown amount.)
            if bytes.count > limit { throw InputTooLarge(input: name, size: nil, limit: limit) }
        }
        return bytes
    }
}
