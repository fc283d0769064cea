/// Greedy word wrapping by display columns. Never breaks inside a word or a URL (a word wider
/// than the line gets a line of its own); breaks between CJK characters, which use no spaces,
/// but never before closing punctuation. Runs of spaces and tabs become one space.
struct LineWrapper {
    var width: Int

    /// Wraps one line of text (no newlines) into lines of at most `width` columns.
    func wrap(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { wrap(bytes: $0) }
    }

    /// Works on bytes: one String is made per output line, none per word.
    private func wrap(bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var lines: [String] = []
        var line: [UInt8] = []
        line.reserveCapacity(min(bytes.count, width * 4) + 8)
        var lineWidth = 0

        func place<Piece: Collection<UInt8>>(_ piece: Piece, width pieceWidth: Int, spaceBefore: Bool) {
            let separator = spaceBefore && !line.isEmpty ? 1 : 0
            if !line.isEmpty, lineWidth + separator + pieceWidth > width {
                lines.append(String(decoding: line, as: UTF8.self))
                line.removeAll(keepingCapacity: true)
                line.append(contentsOf: piece)
                lineWidth = pieceWidth
            } else {
                if separator == 1 { line.append(0x20) }
                line.append(contentsOf: piece)
                lineWidth += separator + pieceWidth
            }
        }

        var index = 0
        while index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            guard index < bytes.count else { break }
            let start = index
            var ascii = true
            while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 {
                if bytes[index] >= 0x80 { ascii = false }
                index += 1
            }
            let word = bytes[start..<index]
            if ascii {
                place(word, width: word.count, spaceBefore: true)
                continue
            }
            let text = String(decoding: word, as: UTF8.self)
            if text.unicodeScalars.allSatisfy({ $0.value < 0x1100 }) {
                // No wide or CJK characters: one unit, one column per character.
                place(word, width: text.count, spaceBefore: true)
            } else {
                for (offset, unit) in Self.cjkUnits(of: text).enumerated() {
                    place(unit.text.utf8, width: unit.width, spaceBefore: offset == 0)
                }
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    /// The pieces of a word containing CJK or wide characters: a break is allowed before and
    /// after each CJK character except before closing punctuation; wide characters and emoji
    /// measure two columns.
    static func cjkUnits(of word: String) -> [(text: String, width: Int)] {
        var units: [(text: String, width: Int)] = []
        var previousBreaksAround = false
        for character in word {
            let width = DisplayWidth.of(character)
            let breaksAround = DisplayWidth.breaksAround(character)
            if units.isEmpty || ((breaksAround || previousBreaksAround) && !DisplayWidth.isClosingPunctuation(character)) {
                units.append((String(character), width))
            } else {
                units[units.count - 1].text.append(character)
                units[units.count - 1].width += width
            }
            previousBreaksAround = breaksAround
        }
        return units
    }
}
