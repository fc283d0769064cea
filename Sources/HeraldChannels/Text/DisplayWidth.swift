/// How many monospace columns a character takes in a terminal or a plain-text mail reader:
/// East Asian wide and fullwidth characters and emoji take two, everything else one
/// (combining marks are part of their base character's `Character`).
enum DisplayWidth {
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if isWide(first) { return 2 }
        // Emoji presentation: a pictograph with U+FE0F, or a flag/keycap/ZWJ sequence.
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D || (0x1F1E6...0x1F1FF).contains($0.value) }) {
            return 2
        }
        return 1
    }

    static func of<S: StringProtocol>(_ text: S) -> Int {
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,
             0x20000...0x3FFFD:
            return true
        default:
            return scalar.properties.isEmojiPresentation
        }
    }

    /// Characters between which a line may break without a space: CJK ideographs, kana and
    /// fullwidth forms (Korean uses spaces, so Hangul is not listed).
    static func breaksAround(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x2E80...0x2FDF, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Punctuation that must not start a line (it stays with the character before it).
    static func isClosingPunctuation(_ character: Character) -> Bool {
        "，。、！？：；）」』】〉》〕…・ー,.!?:;)]}%".contains(character)
    }
}
