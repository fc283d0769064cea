/// Greedy word wrapping by display columns. Never breaks inside a word or a URL (a word wider
/// than the line gets a line of its own); breaks between CJK characters, which use no spaces,
/// but never before closing punctuation.
struct LineWrapper {
    var width: Int

    /// Wraps one line of text (no newlines) into lines of at most `width` columns.
    func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for unit in Self.units(of: text) {
            let separator = unit.spaceBefore && !line.isEmpty ? 1 : 0
            if !line.isEmpty, lineWidth + separator + unit.width > width {
                lines.append(line)
                line = unit.text
                lineWidth = unit.width
            } else {
                if separator == 1 { line += " " }
                line += unit.text
                lineWidth += separator + unit.width
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    struct Unit {
        var text: String
        var width: Int
        var spaceBefore: Bool
    }

    /// The unbreakable pieces of `text`, each with whether a space separated it from the last.
    static func units(of text: String) -> [Unit] {
        var units: [Unit] = []
        var pendingSpace = false
        var previousBreaksAround = false
        for character in text {
            if character == " " || character == "\t" {
                pendingSpace = true
                continue
            }
            let width = DisplayWidth.of(character)
            let breaksAround = DisplayWidth.breaksAround(character)
            let startsUnit = units.isEmpty || pendingSpace
                || (breaksAround && !DisplayWidth.isClosingPunctuation(character))
                || (previousBreaksAround && !DisplayWidth.isClosingPunctuation(character))
            if startsUnit {
                units.append(Unit(text: String(character), width: width, spaceBefore: pendingSpace))
            } else {
                units[units.count - 1].text.append(character)
                units[units.count - 1].width += width
            }
            pendingSpace = false
            previousBreaksAround = breaksAround
        }
        return units
    }
}
