import Crypto
import Foundation

/// The providers' request signatures, checked on the bytes as received, before anything is
/// decoded: a request that does not carry its provider's signature is not read at all.
enum WebhookSignature {
    /// Meta's `X-Hub-Signature-256: sha256=<hex>`: the HMAC-SHA256 of the raw body with the
    /// app secret. The comparison is swift-crypto's, in constant time, on the 32 bytes.
    static func whatsappAdmits(_ header: String?, body: [UInt8], secret: [UInt8]) -> Bool {
        guard let header, header.hasPrefix("sha256="), let presented = bytes(hex: header.dropFirst(7)), presented.count == 32 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(presented, authenticating: body, using: SymmetricKey(data: secret))
    }

    /// Twilio's `X-Twilio-Signature`: base64 of the HMAC-SHA1, keyed with the auth token, of the
    /// URL Twilio requested followed by each POST parameter's name and value, sorted by name
    /// (then value), with nothing between them.
    static func twilioAdmits(_ header: String?, url: String, parameters: [(name: String, value: String)], token: String) -> Bool {
        guard let header, let presented = Data(base64Encoded: header), presented.count == Insecure.SHA1.byteCount else { return false }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(presented, authenticating: twilioSigned(url: url, parameters: parameters),
                                                             using: SymmetricKey(data: Array(token.utf8)))
    }

    /// The bytes Twilio signs.
    static func twilioSigned(url: String, parameters: [(name: String, value: String)]) -> [UInt8] {
        // By bytes, as Twilio's libraries sort (a String comparison would order by Unicode rules).
        let sorted = parameters.sorted { a, b in
            a.name == b.name ? Array(a.value.utf8).lexicographicallyPrecedes(Array(b.value.utf8))
                : Array(a.name.utf8).lexicographicallyPrecedes(Array(b.name.utf8))
        }
        var signed = Array(url.utf8)
        for parameter in sorted {
            signed += Array(parameter.name.utf8)
            signed += Array(parameter.value.utf8)
        }
        return signed
    }

    /// Lower- or upper-case hex; nil for anything else.
    static func bytes<S: StringProtocol>(hex: S) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Two secrets compared in constant time (the verify token): every byte is looked at
    /// whatever the first difference, so the time says nothing of how much matched.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        // Hashing first makes the lengths equal without a length-dependent early exit.
        let left = Array(SHA256.hash(data: a)), right = Array(SHA256.hash(data: b))
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
