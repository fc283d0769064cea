/// The GSM 03.38 (3GPP TS 23.038) default alphabet: which characters an SMS can carry in 7 bits,
/// and what each costs. Basic-table characters cost one septet; extension-table characters
/// (`^ { } \ [ ~ ] | €` and form feed) cost two, an escape (0x1B) and their code.
enum GSM7 {
    static let basic: Set<Unicode.Scalar> = {
        var set = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà".unicodeScalars)
        for scalar in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".unicodeScalars { set.insert(scalar) }
        return set
    }()

    static let extensionTable: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)

    /// Septets for one character, or nil when it is not in the alphabet (a combining mark makes
    /// a character non-GSM even when its base letter is).
    static func septets(for character: Character) -> Int? {
        // Most characters are printable ASCII: all of it is in the basic table except ` and the
        // extension characters [ \ ] ^ { | } ~.
        if let ascii = character.asciiValue, character.unicodeScalars.count == 1 {
            switch ascii {
            case 0x20...0x7E:
                if ascii == 0x60 { return nil }
                return "[\\]^{|}~".utf8.contains(ascii) ? 2 : 1
            case 0x0A, 0x0D: return 1
            case 0x0C: return 2
            default: return nil
            }
        }
        var total = 0
        for scalar in character.unicodeScalars {
            if basic.contains(scalar) {
                total += 1
            } else if extensionTable.contains(scalar) {
                total += 2
            } else {
                return nil
            }
        }
        return total
    }
}
