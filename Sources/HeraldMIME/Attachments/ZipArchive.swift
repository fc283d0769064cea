/// The parts of a ZIP archive as its central directory lists them (PKWARE APPNOTE 4.3.12-4.3.16,
/// ZIP64 included), and the bytes of one part: enough to tell what an Office Open XML file holds.
/// A byte search for a part name is not: a stored text file can hold the words
/// "word/document.xml", and [Content_Types].xml is compressed.
///
/// Every read is bounds-checked; an archive that does not add up is nil, never a crash.
struct ZipArchive {
    struct Entry: Equatable {
        var name: String
        /// 0 stored, 8 deflated; other methods are not read.
        var method: UInt16
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    let bytes: [UInt8]
    let entries: [Entry]

    init?(bytes: [UInt8]) {
        self.bytes = bytes
        guard let entries = Self.readDirectory(bytes) else { return nil }
        self.entries = entries
    }

    func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// The uncompressed bytes of `entry`, or nil when they cannot be read or are more than
    /// `limit` (the size in the directory is what the archive claims, not a promise).
    func contents(of entry: Entry, limit: Int) -> [UInt8]? {
        let offset = entry.localHeaderOffset
        guard Self.uint32(bytes, offset) == 0x0403_4B50,
              let nameLength = Self.uint16(bytes, offset + 26), let extraLength = Self.uint16(bytes, offset + 28) else { return nil }
        let start = offset + 30 + Int(nameLength) + Int(extraLength)
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else { return nil }
        let data = bytes[start..<(start + entry.compressedSize)]
        switch entry.method {
        case 0: return data.count <= limit ? Array(data) : nil
        case 8: return Inflate.raw(data, limit: limit)
        default: return nil
        }
    }

    // MARK: Reading the directory

    private static let endOfDirectory: UInt32 = 0x0605_4B50
    private static let zip64Locator: UInt32 = 0x0706_4B50
    private static let zip64EndOfDirectory: UInt32 = 0x0606_4B50
    private static let directoryEntry: UInt32 = 0x0201_4B50

    private static func readDirectory(_ bytes: [UInt8]) -> [Entry]? {
        // The end record is 22 bytes plus a comment of at most 65,535, at the very end.
        guard bytes.count >= 22 else { return nil }
        var end = bytes.count - 22
        let lowest = max(0, end - 65_535)
        while end >= lowest, uint32(bytes, end) != endOfDirectory { end -= 1 }
        guard end >= lowest, let count16 = uint16(bytes, end + 10), let size32 = uint32(bytes, end + 12),
              let offset32 = uint32(bytes, end + 16) else { return nil }
        var count = Int(count16), size = Int(size32), offset = Int(offset32)
        if count16 == 0xFFFF || size32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
            guard end >= 20, uint32(bytes, end - 20) == zip64Locator, let recordOffset = uint64(bytes, end - 12),
                  recordOffset < UInt64(bytes.count), uint32(bytes, Int(recordOffset)) == zip64EndOfDirectory,
                  let count64 = uint64(bytes, Int(recordOffset) + 32), let size64 = uint64(bytes, Int(recordOffset) + 40),
                  let offset64 = uint64(bytes, Int(recordOffset) + 48),
                  count64 < UInt64(bytes.count), size64 <= UInt64(bytes.count), offset64 <= UInt64(bytes.count) else { return nil }
            count = Int(count64)
            size = Int(size64)
            offset = Int(offset64)
        }
        guard offset <= bytes.count, size <= bytes.count - offset else { return nil }

        var entries: [Entry] = []
        var position = offset
        for _ in 0..<count {
            guard uint32(bytes, position) == directoryEntry, let method = uint16(bytes, position + 10),
                  let compressed32 = uint32(bytes, position + 20), let uncompressed32 = uint32(bytes, position + 24),
                  let nameLength = uint16(bytes, position + 28), let extraLength = uint16(bytes, position + 30),
                  let commentLength = uint16(bytes, position + 32), let local32 = uint32(bytes, position + 42) else { return nil }
            let nameStart = position + 46
            let extraStart = nameStart + Int(nameLength)
            let next = extraStart + Int(extraLength) + Int(commentLength)
            guard next <= bytes.count else { return nil }
            var entry = Entry(name: String(decoding: bytes[nameStart..<extraStart], as: UTF8.self), method: method,
                              compressedSize: Int(compressed32), uncompressedSize: Int(uncompressed32), localHeaderOffset: Int(local32))
            // ZIP64: the fields that are 0xFFFFFFFF follow in the 0x0001 extra field, in order.
            if compressed32 == 0xFFFF_FFFF || uncompressed32 == 0xFFFF_FFFF || local32 == 0xFFFF_FFFF {
                guard let values = zip64Values(bytes, from: extraStart, to: extraStart + Int(extraLength)) else { return nil }
                var index = 0
                func take() -> Int? {
                    defer { index += 1 }
                    return index < values.count && values[index] <= UInt64(bytes.count) ? Int(values[index]) : nil
                }
                if uncompressed32 == 0xFFFF_FFFF { guard let value = take() else { return nil }; entry.uncompressedSize = value }
                if compressed32 == 0xFFFF_FFFF { guard let value = take() else { return nil }; entry.compressedSize = value }
                if local32 == 0xFFFF_FFFF { guard let value = take() else { return nil }; entry.localHeaderOffset = value }
            }
            entries.append(entry)
            position = next
        }
        return entries
    }

    private static func zip64Values(_ bytes: [UInt8], from start: Int, to end: Int) -> [UInt64]? {
        var position = start
        while position + 4 <= end {
            guard let id = uint16(bytes, position), let length = uint16(bytes, position + 2) else { return nil }
            let dataStart = position + 4
            guard dataStart + Int(length) <= end else { return nil }
            if id == 0x0001 {
                var values: [UInt64] = []
                var offset = dataStart
                while offset + 8 <= dataStart + Int(length), let value = uint64(bytes, offset) {
                    values.append(value)
                    offset += 8
                }
                return values
            }
            position = dataStart + Int(length)
        }
        return nil
    }

    // Little-endian integers, nil past the end.

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16? {
        guard offset >= 0, offset <= bytes.count - 2 else { return nil }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32? {
        guard offset >= 0, offset <= bytes.count - 4 else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func uint64(_ bytes: [UInt8], _ offset: Int) -> UInt64? {
        guard offset >= 0, offset <= bytes.count - 8 else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}
