/// Writing direction, found from the first strongly directional character (as the Unicode
/// bidi algorithm's paragraph level does, rules P2–P3): digits and punctuation are neutral.
public enum TextDirection: String, Equatable, Sendable, Codable {
    case ltr, rtl

    /// The direction of the first strong character of `text`, or nil if it has none.
    public static func detect(in text: String) -> TextDirection? {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A: return .ltr   // ASCII letters, without a property lookup
            case 0...0x7F: continue
            default:
                if isStrongRTL(scalar) { return .rtl }
                if scalar.properties.isAlphabetic { return .ltr }
            }
        }
        return nil
    }

    /// The direction of the first strong character in `inlines`, without building their text.
    public static func detect(in inlines: [Inline]) -> TextDirection? {
        for inline in inlines {
            let found: TextDirection?
            switch inline {
            case .text(let text), .code(let text): found = detect(in: text)
            case .lineBreak: found = nil
            case .marked(_, let content): found = detect(in: content)
            case .link(let link): found = detect(in: link.content)
            case .image(let image): found = detect(in: image.alt)
            }
            if let found { return found }
        }
        return nil
    }

    static func isStrongRTL(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0590...0x08FF,   // Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, Arabic Ext.
             0xFB1D...0xFDFF,   // Hebrew and Arabic presentation forms A
             0xFE70...0xFEFF,   // Arabic presentation forms B
             0x10800...0x10FFF, // historic RTL scripts
             0x1E800...0x1EFFF: // Mende Kikakui, Adlam, Arabic mathematical symbols
            return true
        default:
            return false
        }
    }
}

extension Document {
    /// The direction of the document's first strongly directional text; left-to-right when none.
    public var textDirection: TextDirection {
        for block in blocks {
            if let direction = block.textDirection { return direction }
        }
        return .ltr
    }
}

extension Block {
    /// The direction of this block's first strongly directional text, if any.
    public var textDirection: TextDirection? {
        switch self {
        case .paragraph(let paragraph): return TextDirection.detect(in: paragraph.content)
        case .heading(let heading): return TextDirection.detect(in: heading.content)
        case .list(let list):
            for item in list.items {
                for block in item.blocks { if let direction = block.textDirection { return direction } }
            }
            return nil
        case .table(let table):
            for cell in table.header + table.rows.joined() {
                if let direction = TextDirection.detect(in: cell.content) { return direction }
            }
            return nil
        case .blockQuote(let blocks):
            for block in blocks { if let direction = block.textDirection { return direction } }
            return nil
        case .codeBlock, .horizontalRule:
            return nil
        }
    }
}
