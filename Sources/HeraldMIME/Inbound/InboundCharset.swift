import CGMime
import Foundation

/// Turns a text part's decoded bytes into UTF-8 from the charset it declares, with GMime's
/// iconv wrappers (Shift_JIS, KOI8-R, ISO-2022-JP, GB18030... whatever glibc's iconv knows).
enum InboundCharset {
    /// Mail clients write Windows-1252 and call it ISO-8859-1 (curly quotes, €, –): browsers
    /// read those labels as Windows-1252 (WHATWG Encoding), and so does Herald. Windows-1252
    /// agrees with ISO-8859-1 everywhere but 0x80–0x9F, which are unused controls in the latter.
    static func iconvName(_ charset: String) -> String {
        switch charset.lowercased() {
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "cp819", "ibm819", "us-ascii", "ascii", "ansi_x3.4-1968":
            return "windows-1252"
        case "x-sjis", "shift-jis", "sjis", "ms_kanji", "csshiftjis":
            return "shift_jis"
        default:
            return charset
        }
    }

    /// UTF-8 text of `bytes`. A missing or UTF-8 label is trusted when the bytes are valid
    /// UTF-8; anything that cannot be converted as labeled is read with the fallback charsets
    /// (UTF-8, then Windows-1252, which accepts every byte), and `warn` says so.
    static func decode(_ input: [UInt8], charset: String?, options: OpaquePointer?, what: String, warn: (String) -> Void) -> String {
        if input.isEmpty { return "" }
        let trimmed = charset?.trimmingCharacters(in: .whitespaces).lowercased()
        let label = trimmed?.isEmpty == true ? nil : trimmed
        var bytes = input
        // GMime's converters return NUL-terminated strings, so a NUL byte in a text part would
        // end the text there. In the byte-oriented charsets a NUL is a NUL character: it
        // becomes a space (UTF-16 and UTF-32 text holds zero bytes in its characters: kept).
        if !(label.map { $0.contains("16") || $0.contains("32") || $0.hasPrefix("ucs") } ?? false), bytes.contains(0) {
            for index in bytes.indices where bytes[index] == 0 { bytes[index] = 0x20 }
            warn("\(what) holds NUL bytes (read as spaces)")
        }
        let isUTF8Label = label == nil || label == "utf-8" || label == "utf8"
        if isUTF8Label || label == "us-ascii" || label == "ascii" {
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            if let label {
                warn("\(what) is labeled \(label) but is not valid in it; read as Windows-1252")
            } else {
                warn("\(what) has no charset and is not UTF-8; read as Windows-1252")
            }
            return fallback(bytes, options: options)
        }
        guard let label else { return fallback(bytes, options: options) }
        let cd = g_mime_iconv_open("UTF-8", iconvName(label))
        if herald_gmime_iconv_failed(cd) != 0 {
            warn("\(what) has an unknown charset \"\(label)\"; read as UTF-8 or Windows-1252")
            return fallback(bytes, options: options)
        }
        defer { g_mime_iconv_close(cd) }
        let converted = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_mime_iconv_strndup(cd, $0.baseAddress, $0.count) }
        }
        guard let converted else {
            warn("\(what) is not valid \(label); read as UTF-8 or Windows-1252")
            return fallback(bytes, options: options)
        }
        defer { g_free(converted) }
        return String(decoding: UnsafeRawBufferPointer(start: converted, count: strlen(converted)), as: UTF8.self)
    }

    /// The text in the first fallback charset that takes all of it (GMime's choice among the
    /// parser options' fallback charsets: UTF-8, then Windows-1252).
    static func fallback(_ bytes: [UInt8], options: OpaquePointer?) -> String {
        let decoded = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_mime_utils_decode_8bit(options, $0.baseAddress, $0.count) }
        }
        guard let decoded else { return String(decoding: bytes, as: UTF8.self) }
        defer { g_free(decoded) }
        return String(cString: decoded)
    }
}
