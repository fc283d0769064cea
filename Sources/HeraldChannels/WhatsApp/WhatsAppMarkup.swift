/// A WhatsApp message's text as WhatsApp shows it, in HTML: `*bold*`, `_italic_`, `~strike~` and
/// ```` ```monospace``` ```` applied, everything else escaped, line breaks kept. For previews (the
/// web inbox's bubble, `herald preview`): what the agent sees before sending is what the customer
/// sees, not the raw marks.
///
/// WhatsApp's rule, as its clients apply it: a mark opens before a non-space and not right after a
/// letter or digit, and closes after a non-space and not right before one, on the same line; marks
/// nest; nothing is formatted inside monospace.
public enum WhatsAppMarkup {
    public static func html(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line(Array($0)) }.joined(separator: "<br>")
    }

    private static let marks: [Character: String] = ["*": "strong", "_": "em", "~": "s"]

    private static func line(_ characters: [Character]) -> String {
        var html = ""
        var index = 0
        var plain = ""
        func flush() {
            html += HTMLText.escape(plain)
            plain = ""
        }
        while index < characters.count {
            // Monospace first: its content is shown as it is.
            if starts(characters, at: index, with: "```"), let end = find("```", in: characters, from: index + 3), end > index + 3 {
                flush()
                html += "<code>" + HTMLText.escape(String(characters[(index + 3)..<end])) + "</code>"
                index = end + 3
                continue
            }
            let character = characters[index]
            if let tag = marks[character], opens(characters, at: index), let end = closing(character, in: characters, after: index) {
                flush()
                html += "<\(tag)>" + line(Array(characters[(index + 1)..<end])) + "</\(tag)>"
                index = end + 1
                continue
            }
            plain.append(character)
            index += 1
        }
        flush()
        return html
    }

    private static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    private static func opens(_ characters: [Character], at index: Int) -> Bool {
        guard index + 1 < characters.count, !characters[index + 1].isWhitespace, characters[index + 1] != characters[index] else { return false }
        return index == 0 || !isWordCharacter(characters[index - 1])
    }

    private static func closing(_ mark: Character, in characters: [Character], after start: Int) -> Int? {
        var index = start + 2
        while index < characters.count {
            if characters[index] == mark, !characters[index - 1].isWhitespace,
               index + 1 == characters.count || !isWordCharacter(characters[index + 1]) {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func starts(_ characters: [Character], at index: Int, with marker: String) -> Bool {
        let marker = Array(marker)
        return index + marker.count <= characters.count && Array(characters[index..<(index + marker.count)]) == marker
    }

    private static func find(_ marker: String, in characters: [Character], from start: Int) -> Int? {
        var index = start
        while index + marker.count <= characters.count {
            if starts(characters, at: index, with: marker) { return index }
            index += 1
        }
        return nil
    }
}

/// Text as HTML text or a double-quoted attribute value: `&`, `<`, `>` and `"` escaped. The
/// previews' one escaper (the WhatsApp bubble, `herald preview`'s page).
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
