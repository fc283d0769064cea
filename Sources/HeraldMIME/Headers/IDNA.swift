import Foundation

/// Internationalized domain names for DNS and SMTP: the simple part of IDNA2008 / UTS #46.
///
/// Out of scope on purpose: the full UTS #46 mapping table (beyond its label separators,
/// NFKC compatibility mapping and lowercasing: deviation characters such as "ß" are kept) and
/// the IDNA2008 contextual and bidi rules. That catches what people actually type
/// (`Straße.DE`, `BÜCHER.example`, full-width letters); a domain that needs more is better
/// refused by the receiving server than rewritten here.
public enum IDNA {
    /// A domain for the DNS and SMTP: labels split on "." and also U+3002, U+FF0E, U+FF61;
    /// each label lowercased (String.lowercased()) and, when non-ASCII, encoded as "xn--" + Punycode.
    /// nil when a label is empty (except one trailing dot, which is removed), longer than 63
    /// bytes after encoding, the whole is longer than 253, or an ASCII label contains anything
    /// but letters, digits and "-" or starts/ends with "-".
    ///
    /// The letters-digits-hyphen rule also applies to the ASCII characters of a non-ASCII
    /// label (so "ü b.example" is refused rather than written with a space), and a non-ASCII
    /// label may not start or end with "-" either (IDNA2008, RFC 5891 §4.2.3.1) nor contain
    /// controls, white space, private-use or unassigned code points, which no registry allows.
    /// A label typed as "xn--..." must be a real A-label: valid Punycode of a label that passes
    /// the same checks and encodes back to itself.
    public static func toASCII(_ domain: String) -> String? {
        var labels: [String.UnicodeScalarView] = [String.UnicodeScalarView()]
        for scalar in domain.unicodeScalars {
            if labelSeparators.contains(scalar) {
                labels.append(String.UnicodeScalarView())
            } else {
                labels[labels.count - 1].append(scalar)
            }
        }
        if labels.count > 1, labels[labels.count - 1].isEmpty { labels.removeLast() }

        var asciiLabels: [String] = []
        for label in labels {
            guard let ascii = asciiLabel(String(label)) else { return nil }
            asciiLabels.append(ascii)
        }
        let result = asciiLabels.joined(separator: ".")
        return result.utf8.count <= maximumDomainLength ? result : nil
    }

    /// The domain with U+3002, U+FF0E and U+FF61 written as ".", as UTS #46 maps them: the form
    /// a person meant when a CJK keyboard typed the full stop.
    public static func mappingLabelSeparators(_ domain: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in domain.unicodeScalars {
            result.append(labelSeparators.contains(scalar) ? "." : scalar)
        }
        return String(result)
    }

    /// The first label that says it is an A-label ("xn--...") but is not one, for an error that
    /// names it; nil when there is none.
    public static func invalidALabel(in domain: String) -> String? {
        mappingLabelSeparators(domain).split(separator: ".").map(String.init).first { label in
            let lowered = label.lowercased()
            return lowered.hasPrefix("xn--") && label.unicodeScalars.allSatisfy(\.isASCII) && aLabel(lowered) == nil
        }
    }

    // MARK: Private

    /// "." and the ideographic, fullwidth and halfwidth full stops (UTS #46 maps them to ".").
    private static let labelSeparators: Set<Unicode.Scalar> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
    private static let maximumLabelLength = 63
    /// 255 octets on the wire minus the length octets of the first label and the root.
    private static let maximumDomainLength = 253

    private static func asciiLabel(_ label: String) -> String? {
        // Compatibility mapping first, as UTS #46 does: full-width "ｅｘ" is "ex", not a new label.
        let lowered = label.precomposedStringWithCompatibilityMapping.lowercased()
        let scalars = lowered.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, first != "-", last != "-" else { return nil }
        for scalar in scalars {
            if scalar.isASCII {
                guard isLetterDigit(scalar) || scalar == "-" else { return nil }
            } else {
                guard isAllowedNonASCII(scalar) else { return nil }
            }
        }
        let encoded: String
        if scalars.allSatisfy(\.isASCII) {
            if lowered.hasPrefix("xn--") {
                guard let valid = aLabel(lowered) else { return nil }
                encoded = valid
            } else {
                encoded = lowered
            }
        } else {
            guard let punycode = Punycode.encode(lowered) else { return nil }
            encoded = "xn--" + punycode
        }
        return encoded.utf8.count <= maximumLabelLength ? encoded : nil
    }

    /// A lowercased "xn--" label is an A-label only if its Punycode decodes to a label with
    /// something non-ASCII that passes every check a typed U-label passes and encodes back to
    /// exactly it (RFC 5891 §5.4). Otherwise `xn--zz` would travel as if it named something.
    private static func aLabel(_ lowered: String) -> String? {
        guard let unicode = Punycode.decode(String(lowered.dropFirst(4))),
              unicode.unicodeScalars.contains(where: { !$0.isASCII }),
              asciiLabel(unicode) == lowered else { return nil }
        return lowered
    }

    private static func isLetterDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isAllowedNonASCII(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        // .format: zero-width and bidi characters (U+200B, U+202E, U+2060, U+FEFF) that IDNA
        // disallows; kept, they would make an invisible lookalike of a real domain.
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
            return false
        default:
            return !scalar.properties.isNoncharacterCodePoint
        }
    }
}
