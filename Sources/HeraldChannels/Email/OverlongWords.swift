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
        if scalar.properties.isWhitespace { return true }
        switch scalar.value {
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
    mutating func appendEscapedTextMarkingOverlongRuns(_ text: String) {
        guard text.utf8.count > OverlongWords.threshold else {
            appendEscapedText(text)
            return
        }
        let scalars = text.unicodeScalars
        var written = scalars.startIndex
        var runStart = scalars.startIndex
        var runLength = 0
        func closeRun(at end: String.Index) {
            guard runLength > OverlongWords.threshold else { return }
            appendEscapedText(text[written..<runStart])
            self += OverlongWords.open
            appendEscapedText(text[runStart..<end])
            self += OverlongWords.close
            written = end
        }
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let next = scalars.index(after: index)
            if OverlongWords.endsRun(scalars[index]) {
                closeRun(at: index)
                runLength = 0
                runStart = next
            } else {
                runLength += 1
            }
            index = next
        }
        closeRun(at: scalars.endIndex)
        appendEscapedText(text[written...])
    }
}
