/// What "text" means for a file too small for libmagic to name (a one-byte "\n" is
/// `application/octet-stream` to it): valid UTF-8 with no NUL and no control character but tab,
/// CR and LF — no C1 controls, no DEL. Anything else claimed as text stays refused.
enum SmallText {
    /// `us-ascii` or `utf-8` when `bytes` is text by that rule, nil otherwise.
    static func encoding(of bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        var asciiOnly = true
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let value = scalar.value
                if value < 0x20 && scalar != "\t" && scalar != "\r" && scalar != "\n" { return nil }
                if (0x7F...0x9F).contains(value) { return nil }
                if value >= 0x80 { asciiOnly = false }
            case .emptyInput:
                return asciiOnly ? "us-ascii" : "utf-8"
            case .error:
                return nil
            }
        }
    }
}
