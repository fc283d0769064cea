extension String {
    /// Appends `text` escaped for an HTML text node (`&`, `<`, `>`).
    mutating func appendEscapedText(_ text: String) {
        appendEscaped(text, quotes: false)
    }

    /// Appends `value` escaped for a double-quoted HTML attribute.
    mutating func appendEscapedAttribute(_ value: String) {
        appendEscaped(value, quotes: true)
    }

    private mutating func appendEscaped(_ text: String, quotes: Bool) {
        // Most text has nothing to escape: append it whole (the fastest append there is).
        let needsEscaping = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quotes && $0 == 0x22) }
        } ?? true
        if !needsEscaping {
            self += text
            return
        }
        // Otherwise copy the runs of safe bytes between escapes.
        var utf8 = text.utf8[...]
        while let index = utf8.firstIndex(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quotes && $0 == 0x22) }) {
            self += Substring(utf8[..<index])
            switch utf8[index] {
            case 0x26: self += "&amp;"
            case 0x3C: self += "&lt;"
            case 0x3E: self += "&gt;"
            default: self += "&quot;"
            }
            utf8 = utf8[utf8.index(after: index)...]
        }
        self += Substring(utf8)
    }
}
