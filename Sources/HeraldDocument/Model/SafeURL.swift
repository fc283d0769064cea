/// The URL allow-list of every reader: what a link or image may point to in a message.
///
/// Email clients run no scripts, but webmail does render links in a browser, so `javascript:`,
/// `vbscript:`, `data:`, `file:` and friends never reach the model. The check is an allow-list
/// on the scheme, made after removing what browsers themselves ignore (leading/trailing spaces)
/// and refusing what they silently strip inside a scheme (tabs, newlines, other controls), so
/// `java&#x09;script:` and ` JAVASCRIPT:` are refused like `javascript:`.
public enum SafeURL {
    public enum Context: Sendable {
        /// `https`, `http`, `mailto`, `tel`.
        case link
        /// `https`, `http`, and `cid` for images carried inside the message.
        case image
    }

    public static func allowedSchemes(for context: Context) -> [String] {
        switch context {
        case .link: return ["https", "http", "mailto", "tel"]
        case .image: return ["https", "http", "cid"]
        }
    }

    /// The cleaned URL if it is allowed in `context`, or `nil` if it must be dropped.
    public static func clean(_ raw: String, for context: Context) -> String? {
        // Fast path: printable ASCII with no spaces needs no cleaning (almost every real URL).
        if raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            guard let scheme = scheme(of: raw), allowedSchemes(for: context).contains(scheme),
                  raw.utf8.count > scheme.utf8.count + 1 else { return nil }
            return raw
        }
        var scalars = Substring(raw).unicodeScalars[...]
        while let first = scalars.first, isIgnorableEdge(first) { scalars.removeFirst() }
        while let last = scalars.last, isIgnorableEdge(last) { scalars.removeLast() }

        var cleaned = ""
        cleaned.unicodeScalars.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || isInvisible(scalar) { return nil }
            if scalar == " " {
                cleaned += "%20"
            } else {
                cleaned.unicodeScalars.append(scalar)
            }
        }
        guard let scheme = scheme(of: cleaned) else { return nil }
        guard allowedSchemes(for: context).contains(scheme) else { return nil }
        // A scheme with nothing after it ("https:", "mailto:") is no destination.
        guard cleaned.utf8.count > scheme.utf8.count + 1 else { return nil }
        return cleaned
    }

    /// The lowercased scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"), or nil
    /// for a relative reference, which means nothing in an email.
    static func scheme(of url: String) -> String? {
        var scheme = ""
        for scalar in url.unicodeScalars {
            switch scalar {
            case ":":
                return scheme.isEmpty ? nil : scheme.lowercased()
            case "a"..."z", "A"..."Z":
                scheme.unicodeScalars.append(scalar)
            case "0"..."9", "+", "-", ".":
                if scheme.isEmpty { return nil }
                scheme.unicodeScalars.append(scalar)
            default:
                return nil
            }
        }
        return nil
    }

    private static func isIgnorableEdge(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20 || scalar.value == 0x7F || scalar.value == 0xA0 || isInvisible(scalar)
    }

    /// Zero-width and bidi-control characters, used to disguise a scheme from a filter.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF: return true
        default: return false
        }
    }
}
