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
    /// Hostile constructs found, each with the declaration that held it.
    var hostile: [(construct: String, declaration: String)] = []

    init(_ raw: String) {
        for declaration in Self.declarations(in: raw) {
            apply(name: declaration.name, value: declaration.value, written: declaration.written)
        }
    }

    private mutating func apply(name: String, value: String, written: String) {
        // Report what is hostile whatever the property (url() in any property loads a resource).
        let compact = value.filter { !$0.isWhitespace }
        if compact.contains("expression(") { hostile.append(("expression()", written)) }
        if compact.contains("url(") { hostile.append(("url()", written)) }
        if compact.contains("javascript:") || compact.contains("vbscript:") { hostile.append(("javascript:", written)) }
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
            if !compact.contains("url("), Self.isVisibleColour(compact) { highlight = true }
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
        case "border-left": borderLeft = Self.isVisibleBorder(compact)
        case "border-right": borderRight = Self.isVisibleBorder(compact)
        case "border-top": borderTop = Self.isVisibleBorder(compact)
        default: break
        }
    }

    /// Declarations with lowercased names and values, comments and `!important` removed, CSS
    /// escapes decoded (`expr\65 ssion` is `expression`), split at `;` outside quotes and
    /// parentheses.
    static func declarations(in raw: String) -> [(name: String, value: String, written: String)] {
        let text = decodeEscapes(removingComments(raw))
        var result: [(String, String, String)] = []
        var current = ""
        var quote: Character? = nil
        var parentheses = 0
        func finish() {
            let written = current.trimmingASCIIWhitespace()
            current = ""
            guard let colon = written.firstIndex(of: ":") else { return }
            let name = written[..<colon].trimmingASCIIWhitespace().lowercased()
            var value = written[written.index(after: colon)...].trimmingASCIIWhitespace().lowercased()
            if let bang = value.lastIndex(of: "!"), value[bang...].filter({ !$0.isWhitespace }) == "!important" {
                value = value[..<bang].trimmingASCIIWhitespace()
            }
            if !name.isEmpty { result.append((name, value, written)) }
        }
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "(" {
                parentheses += 1
            } else if character == ")" {
                parentheses = max(0, parentheses - 1)
            } else if character == ";" && parentheses == 0 {
                finish()
                continue
            }
            current.append(character)
        }
        finish()
        return result
    }

    private static func removingComments(_ text: String) -> String {
        guard text.contains("/*") else { return text }
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
        guard text.contains("\\") else { return text }
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
