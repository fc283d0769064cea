/// Cuts one fuzzer input into the several values a target needs. Fields are separated by a NUL
/// byte: a mutation that inserts or removes one moves a value boundary, which is the kind of
/// change that finds bugs in multi-field code, and a NUL is refused by every header type anyway
/// (so no value loses a character it could have carried). Reading past the end gives empty
/// fields and zero bytes, never a trap: every input, however short, is a valid case.
public struct FuzzInput {
    private var rest: ArraySlice<UInt8>

    public init(_ bytes: [UInt8]) {
        rest = bytes[...]
    }

    public var isExhausted: Bool { rest.isEmpty }

    /// One byte, for a choice (which mode, how many values); 0 once the input is used up.
    public mutating func byte() -> UInt8 {
        guard let first = rest.first else { return 0 }
        rest = rest.dropFirst()
        return first
    }

    /// The bytes up to the next NUL (which is consumed), or to the end.
    public mutating func field() -> [UInt8] {
        guard let separator = rest.firstIndex(of: 0) else {
            defer { rest = [] }
            return Array(rest)
        }
        defer { rest = rest[(separator + 1)...] }
        return Array(rest[..<separator])
    }

    /// A field as text; invalid UTF-8 becomes U+FFFD, as every Herald reader does with bytes.
    public mutating func text() -> String {
        String(decoding: field(), as: UTF8.self)
    }

    /// Everything not read yet.
    public mutating func remainder() -> [UInt8] {
        defer { rest = [] }
        return Array(rest)
    }
}
