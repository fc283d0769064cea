/// Characters that make text read as something other than what it is: C0 and C1 controls and
/// DEL, the line and paragraph separators (U+2028, U+2029) and the bidi controls — the marks
/// (U+061C, U+200E, U+200F), embeddings and overrides (U+202A-202E) and isolates (U+2066-2069).
/// `rtl\u{202E}gpj.pdf` shows as `rtlfdp.jpg`; a separator or a control pushes the rest out of
/// sight. File names lose them (`AttachmentName`), error messages show them as escapes.
public enum DisguisingCharacters {
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
