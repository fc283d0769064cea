import Foundation

/// Punycode (RFC 3492): the Bootstring encoding that writes a Unicode DNS label with only
/// letters, digits and "-", so an internationalized domain can travel through DNS and SMTP
/// (`münchen` is `xn--mnchen-3ya` on the wire).
///
/// Works on Unicode scalars, not `Character`s: the encoding is defined on code points, and a
/// combining mark must be carried as the separate code point it is. No case folding happens
/// here (RFC 3492 §5: the basic code points are copied as they are), so sample (L) keeps its
/// capital "B"; `IDNA.toASCII` lowercases before encoding.
public enum Punycode {
    /// RFC 3492 encoding of one label (returns the part after "xn--"), nil on overflow.
    ///
    /// Overflow is judged against a 32-bit signed `maxint` as in the RFC's sample code, so
    /// Herald refuses exactly what other implementations refuse. It takes thousands of code
    /// points, far beyond a 63-byte DNS label.
    public static func encode(_ label: String) -> String? {
        let input = label.unicodeScalars.map(\.value)
        var output: [UInt8] = input.compactMap { $0 < initialN ? UInt8($0) : nil }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(delimiter) }

        var n = initialN
        var delta = 0
        var bias = initialBias
        while handled < input.count {
            // The smallest code point not handled yet; the loop condition guarantees one.
            guard let m = input.lazy.filter({ $0 >= n }).min() else { return nil }
            // delta += (m - n) * (handled + 1), refusing overflow.
            let (step, stepOverflow) = Int(m - n).multipliedReportingOverflow(by: handled + 1)
            guard !stepOverflow, step <= maxInt - delta else { return nil }
            delta += step
            n = m
            for codePoint in input {
                if codePoint < n {
                    guard delta < maxInt else { return nil }
                    delta += 1
                }
                guard codePoint == n else { continue }
                // Write delta as a generalized variable-length integer.
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias: bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta: delta, count: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            guard delta < maxInt else { return nil }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 3492 decoding of the part after "xn--"; nil when it is not valid Punycode: a
    /// non-ASCII character, a character that is not a digit after the last "-", a number that
    /// overflows, or a result that is not a Unicode scalar (a surrogate, beyond U+10FFFF).
    public static func decode(_ encoded: String) -> String? {
        let input = Array(encoded.utf8)
        guard input.allSatisfy({ $0 < 0x80 }) else { return nil }
        // Everything before the last delimiter is basic code points, copied as they are.
        let extendedStart: Int
        var output: [UInt32]
        if let lastDelimiter = input.lastIndex(of: delimiter) {
            output = input[..<lastDelimiter].map(UInt32.init)
            extendedStart = lastDelimiter + 1
        } else {
            output = []
            extendedStart = 0
        }

        var n = Int(initialN)
        var i = 0
        var bias = initialBias
        var index = extendedStart
        while index < input.count {
            // Read one generalized variable-length integer into i.
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard index < input.count, let value = digitValue(input[index]) else { return nil }
                index += 1
                let (product, productOverflow) = value.multipliedReportingOverflow(by: w)
                guard !productOverflow, product <= maxInt - i else { return nil }
                i += product
                let t = threshold(k, bias: bias)
                if value < t { break }
                let (nextW, wOverflow) = w.multipliedReportingOverflow(by: base - t)
                guard !wOverflow, nextW <= maxInt else { return nil }
                w = nextW
                k += base
            }
            let count = output.count + 1
            bias = adapt(delta: i - oldI, count: count, first: oldI == 0)
            guard i / count <= maxInt - n else { return nil }
            n += i / count
            i %= count
            // Only Unicode scalars can be inserted; a basic code point cannot be encoded this way.
            guard n >= Int(initialN), n <= 0x10FFFF, Unicode.Scalar(UInt32(n)) != nil else { return nil }
            output.insert(UInt32(n), at: i)
            i += 1
        }

        var scalars = String.UnicodeScalarView()
        for value in output {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    // MARK: Bootstring parameters (RFC 3492 §5)

    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN: UInt32 = 0x80
    private static let delimiter = UInt8(ascii: "-")
    /// The RFC's sample code works in 32 bits; see `encode`.
    private static let maxInt = Int(Int32.max)

    private static func threshold(_ k: Int, bias: Int) -> Int {
        k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias
    }

    /// Bias adaptation (RFC 3492 §6.1).
    private static func adapt(delta: Int, count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// 0...25 are "a"..."z", 26...35 are "0"..."9" (lowercase, as every registry writes them).
    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    /// Digits are case-insensitive when decoding (RFC 3492 §5).
    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0")) + 26
        default: return nil
        }
    }
}

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
