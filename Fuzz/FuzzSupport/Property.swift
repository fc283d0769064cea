/// A checked property of the code under test. A violation must crash: libFuzzer only reports
/// (and saves the input of) a run that dies, so a property that merely printed would be lost.
public func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition {
        fatalError("property violated: \(message())", file: file, line: line)
    }
}

/// Text for a failure message: control characters and non-ASCII shown as escapes, long values
/// cut, so the message itself stays one readable line.
public func visible(_ text: String, limit: Int = 300) -> String {
    var result = ""
    for scalar in text.unicodeScalars.prefix(limit) {
        if scalar.value >= 0x20 && scalar.value < 0x7F {
            result.unicodeScalars.append(scalar)
        } else {
            result += "\\u{\(String(scalar.value, radix: 16))}"
        }
    }
    return text.unicodeScalars.count > limit ? result + "…" : result
}
