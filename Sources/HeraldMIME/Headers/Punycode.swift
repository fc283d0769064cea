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
