import CGMime
import Crypto
import Foundation

/// Reads a received email with GMime 3 into an `InboundEmail`.
///
/// Bad input never throws and never crashes: whatever GMime could make of it is reported, with
/// `warnings` saying what was wrong. Only I/O throws (the file cannot be opened, an attachment
/// cannot be written).
///
/// Memory stays bounded by the bodies, not the files: a file is read through a file stream with
/// GMime's persistent stream option (parts are ranges of the file; nothing is copied), and each
/// attachment is decoded in 64 KB chunks through GMime's decoding filter into SHA-256, the
/// libmagic sample (its first 256 KB), and — when `attachmentDirectory` is set — a file there.
public struct InboundEmailParser: Sendable {
    /// Where each attachment's decoded bytes are written (`N-name`, N its place in the message),
    /// or nil to only measure and hash them.
    public var attachmentDirectory: String?

    public init(attachmentDirectory: String? = nil) {
        self.attachmentDirectory = attachmentDirectory
    }

    /// Parses the message in a file.
    public func parse(path: String) throws -> InboundEmail {
        GMimeLibrary.ensureInitialized()
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw HeraldError.io("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw HeraldError.io("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if (status.st_mode & S_IFMT) != S_IFREG {
            // A pipe or a terminal (`herald inbound -` from an MTA): it cannot be read twice or
            // seeked, so it is read into memory whole, as GMime would copy it anyway.
            defer { close(descriptor) }
            return try parse(bytes: Self.readAll(descriptor, path: path))
        }
        if status.st_size == 0 {
            close(descriptor)
            return InboundEmail(warnings: [Self.emptyInput])
        }
        // One pass over the file in 1 MB reads for the line-end mix GMime reads wrong.
        var scanner = LineEndScanner()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 1)
        defer { chunk.deallocate() }
        while !scanner.isSettled {
            let count = read(descriptor, chunk.baseAddress, chunk.count)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            scanner.feed(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
        // A file stream, not a memory map: parts read their bytes through the descriptor when
        // decoded, so the resident memory of a 50 MB message stays that of its largest body,
        // not of the file (a map's touched pages count as resident). The stream owns the
        // descriptor from here and closes it when it goes.
        lseek(descriptor, 0, SEEK_SET)
        guard let stream = g_mime_stream_fs_new(descriptor) else {
            close(descriptor)
            throw HeraldError.io("cannot read \(path)")
        }
        defer { g_object_unref(stream) }
        return try parse(stream: stream, mixedLineEnds: scanner.isMixed)
    }

    /// Parses a message held in memory (GMime keeps one copy of the bytes while parsing).
    public func parse(bytes: [UInt8]) throws -> InboundEmail {
        GMimeLibrary.ensureInitialized()
        if bytes.isEmpty { return InboundEmail(warnings: [Self.emptyInput]) }
        var scanner = LineEndScanner()
        bytes.withUnsafeBytes { scanner.feed($0) }
        let stream = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count) }
        }
        guard let stream else { return InboundEmail(warnings: ["GMime could not hold the message in memory"]) }
        defer { g_object_unref(stream) }
        return try parse(stream: stream, mixedLineEnds: scanner.isMixed)
    }

    static let emptyInput = "the input is empty: no message"

    private static func readAll(_ descriptor: Int32, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw HeraldError.io("cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    private func parse(stream input: UnsafeMutablePointer<GMimeStream>, mixedLineEnds: Bool) throws -> InboundEmail {
        let walker = InboundWalker(attachmentDirectory: attachmentDirectory)
        defer { walker.finish() }
        var stream = input
        var owned: [UnsafeMutablePointer<GMimeStream>] = []
        defer { owned.forEach { g_object_unref($0) } }
        if mixedLineEnds {
            // Read through a CRLF→LF filter (see LineEndScanner). A filter stream cannot seek,
            // so GMime copies the parts' content: this costs memory, on rare messages only.
            guard let filtered = g_mime_stream_filter_new(input), let filterStream = herald_gmime_as_stream_filter(filtered),
                  let dos2unix = g_mime_filter_dos2unix_new(0)
            else { return InboundEmail(warnings: ["GMime could not start a filter"]) }
            _ = g_mime_stream_filter_add(filterStream, dos2unix)
            g_object_unref(dos2unix)
            owned.append(filtered)
            stream = filtered
            walker.warn("the message mixes CRLF and LF line ends; read with LF line ends")
        }
        if let message = construct(stream, walker: walker) {
            defer { g_object_unref(message) }
            return try walker.email(from: message)
        }
        // No message: the input does not start with a header (GMime refuses the first line as
        // a header name). Read it again behind an empty header block, as a body only.
        _ = g_mime_stream_reset(stream)
        guard let joined = g_mime_stream_cat_new(), let cat = herald_gmime_as_stream_cat(joined),
              let empty = "\n".withCString({ g_mime_stream_mem_new_with_buffer($0, 1) })
        else { return InboundEmail(warnings: walker.warnings + ["GMime found no message in the input"]) }
        owned.append(joined)
        _ = g_mime_stream_cat_add_source(cat, empty)
        _ = g_mime_stream_cat_add_source(cat, stream)
        g_object_unref(empty)
        walker.warn("the input starts with no header; read as a body without headers")
        guard let message = construct(joined, walker: walker) else {
            return InboundEmail(warnings: walker.warnings + ["GMime found no message in the input"])
        }
        defer { g_object_unref(message) }
        return try walker.email(from: message)
    }

    /// A message from a stream, owned by the caller (nil when GMime finds none).
    private func construct(_ stream: UnsafeMutablePointer<GMimeStream>, walker: InboundWalker) -> UnsafeMutablePointer<GMimeMessage>? {
        guard let parser = g_mime_parser_new_with_stream(stream) else { return nil }
        defer { g_object_unref(parser) }
        // Persistent: parts refer to ranges of the input stream instead of copying their
        // content (GMime falls back to copying when the stream cannot seek).
        g_mime_parser_set_persist_stream(parser, 1)
        g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE)
        return g_mime_parser_construct_message(parser, walker.options)
    }
}
