/// How many monospace columns a character takes in a terminal or a plain-text mail reader:
/// East Asian wide and fullwidth characters and emoji take two, everything else one
/// (combining marks are part of their base character's `Character`).
enum DisplayWidth {
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        // Nothing below U+1100 is wide (the first emoji-presentation character is U+231A).
        if first.value < 0x1100 { return 1 }
        if isWide(first) { return 2 }
        // Emoji presentation: a pictograph with U+FE0F, or a flag/keycap/ZWJ sequence.
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.value == 0xFE0F || $0.value == 0x200D || (0x1F1E6...0x1F1FF).contains($0.value) }) {
            return 2
        }
        return 1
    }

    static func of<S: StringProtocol>(_ text: S) -> Int {
        // Most text is narrow: measure it from its bytes, without grapheme breaking.
        let narrow = text.utf8.withContiguousStorageIfAvailable { bytes in
            LineWrapper.narrowWidth(of: bytes[...])
        } ?? nil
        if let narrow { return narrow }
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    /// Combining marks below U+1100 (accents, Hebrew points, Arabic harakat): zero columns.
    static func isCombining(_ value: UInt32) -> Bool {
        switch value {
        case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x05BF, 0x05C1...0x05C2, 0x05C4...0x05C5, 0x05C7,
             0x0610...0x061A, 0x064B...0x065F, 0x0670, 0x06D6...0x06DC, 0x06DF...0x06E4, 0x06E7...0x06E8, 0x06EA...0x06ED:
            return true
        default:
            return false
        }
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
        return breaksAround(scalar)
    }

    /// `breaksAround` from a character's first scalar.
    static func breaksAround(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x2E80 else { return false }
        switch scalar.value {
        case 0x2E80...0x2FDF, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Punctuation that must not start a line (it stays with the character before it).
    static func isClosingPunctuation(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x21, 0x25, 0x29, 0x2C, 0x2E, 0x3A, 0x3B, 0x3F, 0x5D, 0x7D,    // ! % ) , . : ; ? ] }
             0x2026, 0x3001, 0x3002, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, // … 、 。 〉 》 」 』 】 〕
             0x30FB, 0x30FC, 0xFF01, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F:        // ・ ー ！ ） ， ： ； ？
            return true
        default:
            return false
        }
    }
}
