/// A header section cut into fields: each field's bytes with its folding, without the final CRLF.
/// A line starting with space or tab continues the field before it (RFC 5322 §2.2.3).
struct HeaderFields {
    var fields: [[UInt8]] = []

    init(_ section: some Collection<UInt8>) {
        var current: [UInt8] = []
        var bytes = Array(section)
        if bytes.suffix(2) != [0x0D, 0x0A] { bytes += [0x0D, 0x0A] }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                let next = index + 2 < bytes.count ? bytes[index + 2] : 0
                if next == 0x20 || next == 0x09 {
                    current += [0x0D, 0x0A]
                } else {
                    if !current.isEmpty { fields.append(current) }
                    current = []
                }
                index += 2
                continue
            }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty { fields.append(current) }
    }

    /// A field's name, lowercased (what `h=` compares).
    static func name(of field: [UInt8]) -> String {
        let colon = field.firstIndex(of: UInt8(ascii: ":")) ?? field.endIndex
        return String(decoding: field[..<colon], as: UTF8.self).trimmingWhitespace.lowercased()
    }

    /// The fields `names` select, in that order: each name takes the last instance not yet taken
    /// (RFC 6376 §5.4.2); a name with none left selects nothing (that is what over-signing relies on).
    func selecting(_ names: [String]) -> [[UInt8]] {
        var used = Set<Int>()
        var selected: [[UInt8]] = []
        let fieldNames = fields.map(Self.name(of:))  // once, not once per name
        for name in names {
            let wanted = name.lowercased()
            if let index = fields.indices.reversed().first(where: { !used.contains($0) && fieldNames[$0] == wanted }) {
                used.insert(index)
                selected.append(fields[index])
            }
        }
        return selected
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
