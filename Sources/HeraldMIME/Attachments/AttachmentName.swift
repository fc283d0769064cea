/// The name an attachment is sent under: one that shows what it is. A disguising character
/// (`DisguisingCharacters`: controls, line separators, bidi controls) has no place in a file
/// name, so each becomes "_" — visible, and what the ASCII fallback already writes for what it
/// cannot carry — and the sender is told.
public enum AttachmentName {
    /// What replaces each disguising character.
    public static let replacement: Unicode.Scalar = "_"

    /// The name with every disguising character replaced.
    public static func sanitized(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: DisguisingCharacters.contains) else { return name }
        var result = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            result.append(DisguisingCharacters.contains(scalar) ? replacement : scalar)
        }
        return String(result)
    }

    /// What the sender is told when a name was changed: both names (the original with its
    /// characters shown as escapes, so the message itself cannot be disguised) and why.
    static func renameWarning(from original: String, to sanitized: String) -> String {
        var seen: [Unicode.Scalar] = []
        for scalar in original.unicodeScalars where DisguisingCharacters.contains(scalar) && !seen.contains(scalar) { seen.append(scalar) }
        let names = seen.map { scalar in
            let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(4)
            let name = scalar.properties.name ?? scalar.properties.nameAlias
            return name.map { "\(code) \($0)" } ?? code
        }
        return "attachment \"\(AddressSyntax.printable(original))\" is sent as \"\(sanitized)\": its name held \(names.joined(separator: ", ")), "
            + "which can make a file name read as something else; controls, line separators and bidi controls in a name become \"\(replacement)\""
    }
}
