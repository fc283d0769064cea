/// Overlong unbroken strings in the email HTML — a URL, a tracking number, a word pasted without
/// spaces — are wrapped in `<span style="word-break:break-all;">`, so that they, and nothing
/// else, may break anywhere.
///
/// A table sizes its columns by the longest word of each: with the card's old
/// `word-break:break-word` every word counted as breakable, and Chromium split `$24.00` and
/// `Size` to squeeze a column; without it, one 100-character URL made its column — and the
/// email — wider than the screen. Marking only the overlong strings lets words and numbers keep
/// their width while a URL gives way. (`overflow-wrap:anywhere` would do it without a span, but
/// Gmail and Outlook.com drop `overflow-wrap`; they keep `word-break`.)
enum OverlongWords {
    /// Runs longer than this many characters without a space are overlong: longer than the
    /// words, numbers, prices and codes of a message (German compounds reach 30 only rarely).
    static let threshold = 30
    static let open = "<span style=\"word-break:break-all;\">"
    static let close = "</span>"

    /// Whether a line may break at `scalar` anyway: spaces, and the scripts written without
    /// spaces (CJK, kana, Hangul, Thai, Lao, Khmer, Myanmar), which browsers break between
    /// characters or by dictionary. A run of them is no overlong word.
    static func endsRun(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        // Unicode's White_Space property, spelled out: asking `properties.isWhitespace` is a
        // table lookup that cost a tenth of the HTML render on non-ASCII text.
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1100...0x11FF, 0x1780...0x17FF, 0x2E80...0x9FFF,
             0xA960...0xA97F, 0xAC00...0xD7FF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }
}

extension ByteWriter {
    /// Appends `text` escaped for an HTML text node, each overlong run in its span.
    ///
    /// Scans UTF-8 bytes, not `unicodeScalars`: an ASCII byte is decided by a comparison, and
    /// only a non-ASCII scalar is decoded and asked for its properties (asking every scalar
    /// took two thirds of the whole HTML render).
    mutating func appendEscapedTextMarkingOverlongRuns(_ text: String) {
        guard text.utf8.count > OverlongWords.threshold else {
            appendEscapedText(text)
            return
        }
        var text = text
        text.withUTF8 { bytes in
            // Most text has no run of more than `threshold` bytes between ASCII spaces, and so
            // no overlong run (a run has at least as many bytes as scalars): one quick pass
            // rules that out before the scalar-by-scalar one.
            if Self.hasLongByteRun(bytes) {
                appendEscapedMarkingOverlongRuns(bytes)
            } else {
                appendEscaped(bytes, quotes: false)
            }
        }
    }

    /// Whether more than `threshold` bytes follow one another without an ASCII space, tab or
    /// line break.
    private static func hasLongByteRun(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var run = 0
        for byte in bytes {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                run = 0
            } else {
                run += 1
                if run > OverlongWords.threshold { return true }
            }
        }
        return false
    }

    private mutating func appendEscapedMarkingOverlongRuns(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Byte offsets: what is written so far, where the current run starts; its length in scalars.
        var written = 0
        var runStart = 0
        var runLength = 0
        func closeRun(at end: Int) {
            guard runLength > OverlongWords.threshold else { return }
            appendEscaped(UnsafeBufferPointer(rebasing: bytes[written..<runStart]), quotes: false)
            self += OverlongWords.open
            appendEscaped(UnsafeBufferPointer(rebasing: bytes[runStart..<end]), quotes: false)
            self += OverlongWords.close
            written = end
        }
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            let ends: Bool
            if lead < 0x80 {
                length = 1
                // ASCII whitespace: tab, LF, VT, FF, CR, space.
                ends = lead == 0x20 || (lead >= 0x09 && lead <= 0x0D)
            } else {
                length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                ends = Self.scalar(in: bytes, at: index, length: length).map(OverlongWords.endsRun) ?? false
            }
            let next = min(index + length, bytes.count)
            if ends {
                closeRun(at: index)
                runLength = 0
                runStart = next
            } else {
                runLength += 1
            }
            index = next
        }
        closeRun(at: bytes.count)
        appendEscaped(UnsafeBufferPointer(rebasing: bytes[written...]), quotes: false)
    }

    /// The scalar whose `length` bytes of UTF-8 start at `index` (a String's bytes are valid UTF-8).
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) -> Unicode.Scalar? {
        guard index + length <= bytes.count else { return nil }
        var value = UInt32(bytes[index]) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length { value = (value << 6) | UInt32(bytes[index + offset] & 0x3F) }
        return Unicode.Scalar(value)
    }
}
