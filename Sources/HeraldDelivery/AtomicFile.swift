import Foundation
import HeraldMIME
#if canImport(Glibc)
import Glibc
#endif

/// A file a user already has is never destroyed by writing a new one: the new bytes go to a
/// temporary file in the same folder, are flushed and `fsync`ed, and only then `rename(2)`d over
/// the target (and the folder `fsync`ed, so the rename itself survives a power cut). On any
/// failure — a full disk, a file size limit, an error of the content being written, the process
/// killed halfway — the old file is untouched and the temporary one removed (or, after a kill,
/// left as a hidden `.NAME.herald-*.partial` beside it, never in its place).
///
/// Refused before anything is written or any missing folder made: a folder (writing there would
/// replace everything inside it), a read-only file or folder, a SQLite database (the outbox), a
/// path that was not UTF-8, and any file the same command reads (`inputs`): replacing a user's
/// Markdown with the HTML made from it loses their document. A symbolic link is followed (its
/// target is replaced, the link stays); a device or FIFO (`/dev/null`, `/dev/stdout`, a pipe)
/// is written in place, since it cannot be replaced.
public enum AtomicFile {
    /// Why an output could not be written; `description` is one line naming the file.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String

        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String, inputs: [String] = []) throws {
        try write(to: path, inputs: inputs) { sink in try sink.write(bytes) }
    }

    /// Streams what `body` writes to `path` atomically. An error thrown by `body` (say, an
    /// attachment refused halfway through a message) is rethrown as it is, after the clean-up;
    /// failures of the file system are `Failure`s. Every check is made before anything is
    /// created, missing folders included.
    public static func write(to path: String, inputs: [String] = [], _ body: (inout FileDescriptorSink) throws -> Void) throws {
        let target = try check(path, inputs: inputs)
        if target.special {
            // A device or FIFO: nothing to replace, and renaming over /dev/null would be a disaster.
            let descriptor = open(target.path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Failure(path: path, reason: errnoDescription()) }
            defer { close(descriptor) }
            var sink = FileDescriptorSink(descriptor, path: path)
            try body(&sink)
            try sink.flush()
            return
        }
        let (folderPath, name) = split(target.path)
        if target.existing == nil {
            do {
                try FileManager.default.createDirectory(atPath: folderPath, withIntermediateDirectories: true)
            } catch {
                throw Failure(path: path, reason: "cannot create its folder '\(folderPath)': \(error.localizedDescription)")
            }
        }
        // NAME_MAX is 255 bytes: keep room for the prefix and the random suffix.
        let stem = String(decoding: Array(name.utf8.prefix(180)), as: UTF8.self)
        let temporary = (folderPath == "/" ? "" : folderPath) + "/.\(stem).herald-\(UInt64.random(in: 0...UInt64.max)).partial"
        // 0666 minus the umask for a new file, like a shell redirection; the old file's mode otherwise.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw Failure(path: path, reason: errnoDescription() + " (in the folder '\(folderPath)')") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            var sink = FileDescriptorSink(descriptor, path: path)
            try body(&sink)
            try sink.flush()
            if let existing = target.existing {
                // The replacement is the same file to its owner: mode, owner and group kept
                // (changing the owner only works for root, who is the one that would change it).
                guard fchmod(descriptor, existing.mode) == 0 else { throw Failure(path: path, reason: errnoDescription()) }
                _ = fchown(descriptor, existing.owner, existing.group)
            }
            guard fsync(descriptor) == 0 else { throw Failure(path: path, reason: errnoDescription()) }
        }
        guard rename(temporary, target.path) == 0 else { throw Failure(path: path, reason: errnoDescription()) }
        renamed = true
        syncFolder(folderPath)
    }

    /// The folder and the name of a path, by its last "/" ("." for a bare name). Not NSString's
    /// path methods: Foundation on Linux traps on a one-character path ("-", "a").
    static func split(_ path: String) -> (folder: String, name: String) {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let folder = slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
        return (folder, String(decoding: bytes[(slash + 1)...], as: UTF8.self))
    }

    /// What `write` would write to, checked without touching anything.
    struct Target {
        /// Absolute, with symbolic links followed and no "." or "..".
        var path: String
        /// The file there now, to keep its mode and owner.
        var existing: (mode: mode_t, owner: uid_t, group: gid_t)?
        /// A device or FIFO, written in place.
        var special = false
    }

    static func check(_ path: String, inputs: [String]) throws -> Target {
        guard !path.isEmpty else { throw Failure(path: path, reason: "the path is empty") }
        // Arguments are read as UTF-8: a name that was not arrives with U+FFFD in it, and would
        // name some other file.
        guard !path.unicodeScalars.contains("\u{FFFD}") else {
            throw Failure(path: path, reason: "the path is not valid UTF-8 (or holds U+FFFD); Herald reads paths as UTF-8")
        }
        guard !path.hasSuffix("/") else {
            throw Failure(path: path, reason: "it names a folder; give the path of the file to write, like '\(path)message.html'")
        }
        let resolved = try resolve(path)
        var info = stat()
        guard stat(resolved, &info) == 0 else {
            // A new file: nothing there to protect (the inputs exist, so it is none of them). Its
            // nearest existing folder must be writable.
            var folder = split(resolved).folder
            while stat(folder, &info) != 0 && folder != "/" { folder = split(folder).folder }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                throw Failure(path: path, reason: "'\(folder)' is a file, not a folder")
            }
            if info.st_mode & 0o222 == 0 {
                throw Failure(path: path, reason: "its folder '\(folder)' is read-only")
            }
            return Target(path: resolved)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw Failure(path: path, reason: "it is a folder; give the path of the file to write, like '\(path)/message.html'")
        case S_IFREG:
            break
        default:
            return Target(path: resolved, special: true)
        }
        // Even root, who may write anywhere, is refused a file its owner marked read-only.
        if info.st_mode & 0o222 == 0 || access(resolved, W_OK) != 0 {
            throw Failure(path: path, reason: "it is read-only; make it writable or choose another path")
        }
        for input in inputs where input != "-" {
            var inputInfo = stat()
            if stat(input, &inputInfo) == 0 && inputInfo.st_dev == info.st_dev && inputInfo.st_ino == info.st_ino {
                throw Failure(path: path, reason: "this command reads it (as '\(input)'); writing there would replace it with the output. Choose another output path")
            }
        }
        if isSQLiteDatabase(resolved) {
            // An outbox, most likely: Herald never writes a rendered message over a database.
            throw Failure(path: path, reason: "it is a SQLite database (an outbox?); Herald never writes over one. Choose another output path")
        }
        return Target(path: resolved, existing: (info.st_mode & 0o7777, info.st_uid, info.st_gid))
    }

    /// `path` made absolute, symbolic links followed (a dangling one too: its target is what is
    /// written), "." and ".." taken away: through the real file system as far as it exists, then
    /// as written — so `new/../input.md` is seen to be the input before `new` is made.
    static func resolve(_ path: String) throws -> String {
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var current: [String] = []
        if !path.hasPrefix("/") {
            current = FileManager.default.currentDirectoryPath.split(separator: "/").map(String.init)
        }
        var links = 0
        pending.reverse()
        while let component = pending.popLast() {
            switch component {
            case ".": continue
            case "..": _ = current.popLast(); continue
            default: break
            }
            let candidate = "/" + (current + [component]).joined(separator: "/")
            var info = stat()
            if lstat(candidate, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
                links += 1
                guard links <= 40 else { throw Failure(path: path, reason: "too many levels of symbolic links") }
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(candidate, &buffer, Int(PATH_MAX))
                guard length > 0 else { throw Failure(path: path, reason: errnoDescription()) }
                let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if target.hasPrefix("/") { current = [] }
                pending.append(contentsOf: target.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed())
                continue
            }
            current.append(component)
        }
        return "/" + current.joined(separator: "/")
    }

    /// The first 16 bytes are SQLite's header.
    private static func isSQLiteDatabase(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        let count = read(descriptor, &header, 16)
        return count == 16 && header == Array("SQLite format 3\0".utf8)
    }

    /// Makes a rename into `folder` durable (a Maildir delivery renames tmp/ → new/ itself).
    public static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        // Best effort: the file's own bytes are already durable; this makes the new name so.
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// Writes to a file descriptor in blocks of 64 KB; a failed write (a full disk, a file size
/// limit) throws an `AtomicFile.Failure` saying so.
public struct FileDescriptorSink: ByteSink {
    private let descriptor: Int32
    private let path: String
    private var pending: [UInt8] = []

    /// `path` names the file in errors ("standard output" for descriptor 1).
    public init(_ descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        pending.reserveCapacity(1 << 16)
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 16 { try flush() }
    }

    public mutating func flush() throws {
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw AtomicFile.Failure(path: path, reason: errnoDescription())
            }
            offset += written
        }
        pending.removeAll(keepingCapacity: true)
    }
}

/// `strerror` in words a user reads, for the errors a disk gives.
func errnoDescription(_ code: Int32 = errno) -> String {
    switch code {
    case ENOSPC: return "the disk is full (\(String(cString: strerror(code))))"
    case EDQUOT: return "the disk quota is exhausted (\(String(cString: strerror(code))))"
    case EFBIG: return "the file is larger than this process may write (file size limit: \(String(cString: strerror(code))))"
    case EACCES, EPERM: return "permission denied"
    case EROFS: return "the file system is read-only"
    default: return String(cString: strerror(code))
    }
}

extension AtomicFile.Failure: CategorizedError { public var category: HeraldError.Category { .io } }
