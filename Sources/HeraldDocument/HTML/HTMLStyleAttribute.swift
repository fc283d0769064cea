/// A tiny reader of `style="..."` attributes: the declarations Herald maps into the model
/// (weight, style, decoration, background as highlight, text-align) and the hostile constructs
/// it reports. The style itself never reaches any output — renderers write their own — so this
/// needs no full CSS parser: anything it does not recognise is ignored, which is the safe side.
struct HTMLStyleAttribute {
    /// `true` bold, `false` explicitly normal (Google Docs' `<b style="font-weight:normal">`).
    var bold: Bool?
    var italic: Bool?
    var underline: Bool?
    var strikethrough: Bool?
    /// A visible background colour (not transparent, not white).
    var highlight = false
    var textAlign: Alignment?
    var hasStartOrEndAlign: (start: Bool, end: Bool) = (false, false)
    /// Border sides present with a visible width (the email renderer's quotes and rules).
    var borderLeft = false
    var borderRight = false
    var borderTop = false
    /// `margin-bottom` (or the `margin` shorthand's bottom) is zero: paragraphs without a gap.
    var hasNoBottomMargin = false
    /// Word's list paragraph (`mso-list:l0 level2 lfo1`): which list and which level.
    var wordList: WordListLevel?
    /// Word's list marker span (`mso-list:Ignore`): the bullet or number Word writes as text.
    var isWordListMarker = false
    /// Hostile constructs found, each with the declaration that held it.
    var hostile: [(construct: String, declaration: String)] = []

    init(_ raw: String) {
        for declaration in Self.declarations(in: raw) {
            apply(name: declaration.name, value: declaration.value, written: declaration.written)
        }
    }

    private mutating func apply(name: String, value: String, written: String) {
        // Report what is hostile whatever the property (url() in any property loads a resource).
        // Byte searches: String.contains(String) builds a search table on every call.
        let compactBytes = value.utf8.filter { !Self.isASCIISpace($0) }
        if compactBytes.contains(subsequence: Array("expression(".utf8)) { hostile.append(("expression()", written)) }
        let hasURL = compactBytes.contains(subsequence: Array("url(".utf8))
        if hasURL { hostile.append(("url()", written)) }
        if compactBytes.contains(subsequence: Array("javascript:".utf8)) || compactBytes.contains(subsequence: Array("vbscript:".utf8)) {
            hostile.append(("javascript:", written))
        }
        let compact = String(decoding: compactBytes, as: UTF8.self)
        switch name {
        case "behavior": hostile.append(("behavior", written))
        case "-moz-binding": hostile.append(("-moz-binding", written))
        case "position" where compact == "fixed" || compact == "absolute" || compact == "sticky":
            hostile.append(("position:\(compact)", written))
        case "font-weight":
            switch compact {
            case "bold", "bolder": bold = true
            case "normal", "lighter": bold = false
            default:
                if let weight = Int(compact) { bold = weight >= 600 }
            }
        case "font-style":
            if compact == "italic" || compact.hasPrefix("oblique") { italic = true } else if compact == "normal" { italic = false }
        case "text-decoration", "text-decoration-line":
            let words = value.split(whereSeparator: { $0 == " " || $0 == "," })
            if words.contains("underline") { underline = true }
            if words.contains("line-through") { strikethrough = true }
            if words.contains("none") { underline = false; strikethrough = false }
        case "background-color", "background", "mso-highlight":
            if !hasURL, Self.isVisibleColour(compact) { highlight = true }
        case "text-align":
            switch compact {
            case "left": textAlign = .left
            case "center", "-webkit-center", "-moz-center": textAlign = .center
            case "right": textAlign = .right
            case "justify": textAlign = .justify
            case "start": hasStartOrEndAlign.start = true
            case "end": hasStartOrEndAlign.end = true
            default: break
            }
        case "margin-bottom":
            hasNoBottomMargin = Self.isZeroLength(compact)
        case "margin":
            // One value: all sides; two: vertical first; three or four: bottom is the third.
            let values = value.split(separator: " ")
            let bottom = values.count >= 3 ? values[2] : values.first ?? ""
            hasNoBottomMargin = Self.isZeroLength(String(bottom))
        case "mso-list":
            if compact == "ignore" {
                isWordListMarker = true
            } else {
                wordList = WordListLevel(value)
            }
        case "border-left": borderLeft = Self.isVisibleBorder(compact)
        case "border-right": borderRight = Self.isVisibleBorder(compact)
        case "border-top": borderTop = Self.isVisibleBorder(compact)
        default: break
        }
    }

    /// Declarations with lowercased names and values, comments and `!important` removed, CSS
    /// escapes decoded (`expr\65 ssion` is `expression`), split at `;` outside quotes and
    /// parentheses. Works on bytes: every element of Herald's own email HTML has a style.
    static func declarations(in raw: String) -> [(name: String, value: String, written: String)] {
        var bytes = Array(raw.utf8)
        if bytes.contains(UInt8(ascii: "/")) || bytes.contains(UInt8(ascii: "\\")) {
            bytes = Array(decodeEscapes(removingComments(raw)).utf8)
        }
        var result: [(String, String, String)] = []
        var quote: UInt8? = nil
        var parentheses = 0
        var start = 0
        func finish(_ end: Int) {
            let declaration = bytes[start..<end]
            start = end + 1
            guard let colon = declaration.firstIndex(of: UInt8(ascii: ":")) else { return }
            let name = lowercasedTrimmed(declaration[declaration.startIndex..<colon])
            var value = lowercasedTrimmed(declaration[(colon + 1)...])
            if let bang = value.lastIndex(of: UInt8(ascii: "!")),
               value[(bang + 1)...].filter({ !isASCIISpace($0) }).elementsEqual("important".utf8) {
                value = lowercasedTrimmed(value[..<bang])
            }
            guard !name.isEmpty else { return }
            let written = String(decoding: trimmed(declaration), as: UTF8.self)
            result.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self), written))
        }
        for index in bytes.indices {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "(") {
                parentheses += 1
            } else if byte == UInt8(ascii: ")") {
                parentheses = max(0, parentheses - 1)
            } else if byte == UInt8(ascii: ";") && parentheses == 0 {
                finish(index)
            }
        }
        if start < bytes.count { finish(bytes.count) }
        return result
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isASCIISpace(first) { slice.removeFirst() }
        while let last = slice.last, isASCIISpace(last) { slice.removeLast() }
        return slice
    }

    private static func lowercasedTrimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        trimmed(bytes).map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }

    private static func removingComments(_ text: String) -> String {
        guard Array(text.utf8).contains(subsequence: Array("/*".utf8)) else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "/*") {
            result += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let end = after.range(of: "*/") else { return result }
            rest = after[end.upperBound...]
        }
        return result + rest
    }

    /// `\` + up to six hex digits (and one optional space) is that code point; `\` + any other
    /// character is the character.
    private static func decodeEscapes(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\\")) else { return text }
        var result = ""
        var scalars = Substring(text).unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\" else { result.unicodeScalars.append(scalar); continue }
            var hex = ""
            while hex.count < 6, let next = scalars.first, next.properties.isASCIIHexDigit {
                hex.unicodeScalars.append(next)
                scalars.removeFirst()
            }
            if hex.isEmpty {
                if let next = scalars.popFirst() { result.unicodeScalars.append(next) }
            } else {
                if scalars.first == " " { scalars.removeFirst() }
                if let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value), value != 0 {
                    result.unicodeScalars.append(decoded)
                } else {
                    result.unicodeScalars.append("\u{FFFD}")
                }
            }
        }
        return result
    }

    /// A colour a reader would see as a highlight: not transparent, not white, not a keyword
    /// that inherits. Google Docs writes `background-color:transparent` on every span.
    static func isVisibleColour(_ value: String) -> Bool {
        switch value {
        case "", "transparent", "none", "inherit", "initial", "unset", "revert", "currentcolor",
             "white", "#fff", "#ffffff", "#ffff", "#ffffffff", "window",
             "rgb(255,255,255)", "rgba(255,255,255,1)", "hsl(0,0%,100%)":
            return false
        default:
            // Fully transparent rgba()/hsla() values.
            if (value.hasPrefix("rgba(") || value.hasPrefix("hsla(")), value.hasSuffix(",0)") || value.hasSuffix(",0.0)") { return false }
            return true
        }
    }

    private static func isZeroLength(_ value: String) -> Bool {
        let number = value.prefix { $0.isNumber || $0 == "." }
        return !number.isEmpty && number.allSatisfy { $0 == "0" || $0 == "." }
    }

    private static func isVisibleBorder(_ compact: String) -> Bool {
        !(compact.isEmpty || compact.hasPrefix("none") || compact.hasPrefix("0") || compact.hasPrefix("hidden"))
    }
}

/// Where a Word list paragraph sits: `mso-list:l0 level2 lfo1` is level 2 of list definition
/// `l0` as used by list instance `lfo1` (Word restarts numbering with a new `lfo`).
struct WordListLevel: Equatable {
    /// The definition and instance together ("l0 lfo1"): a new list when either changes.
    var id: String
    /// 1 (outermost) to 9, as Word allows.
    var level: Int

    /// Reads a lowercased `mso-list` value; nil without an `lN` word (`none`, `skip`...).
    init?(_ value: String) {
        var definition: Substring?
        var instance: Substring = ""
        var level = 1
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if word.hasPrefix("level"), let number = Int(word.dropFirst(5)) {
                level = number
            } else if word.hasPrefix("lfo"), word.count > 3, word.dropFirst(3).allSatisfy(\.isASCIIDigit) {
                instance = word
            } else if word.hasPrefix("l"), word.count > 1, word.dropFirst().allSatisfy(\.isASCIIDigit) {
                definition = word
            }
        }
        guard let definition else { return nil }
        id = instance.isEmpty ? String(definition) : "\(definition) \(instance)"
        self.level = min(max(level, 1), 9)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
