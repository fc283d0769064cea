import Foundation
import HeraldMIME
import HeraldInbox
import Hummingbird

/// The tabs' answer written directly: the same bytes `JSON.encoder` makes of
/// `[Interaction.Summary]` (keys sorted, slashes not escaped, ISO 8601 dates in whole seconds, a
/// missing assignee or subject left out) — `SummaryJSONTests` compares the two. The Active tab is
/// the API's most frequent read, and JSONEncoder's boxing of every field was a fifth of its time
/// under load (docs/performance.md, "The inbox server").
enum SummaryJSON {
    static func response(_ summaries: [Interaction.Summary]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: encode(summaries))))
    }

    static func encode(_ summaries: [Interaction.Summary]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(summaries.count * 320 + 2)
        out.append(UInt8(ascii: "["))
        for (index, summary) in summaries.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            // In the order JSONEncoder's .sortedKeys puts them.
            out.append(UInt8(ascii: "{"))
            if let assignee = summary.assignee { member("assignee", assignee, &out) }
            member("campaign", summary.campaign, &out)
            member("channel", summary.channel.rawValue, &out)
            dateMember("createdAt", summary.createdAt, &out)
            member("customer", summary.customer, &out)
            member("id", summary.id, &out)
            member("state", summary.state.rawValue, &out)
            if let subject = summary.subject { member("subject", subject, &out) }
            member("to", summary.to, &out)
            dateMember("updatedAt", summary.updatedAt, &out)
            out[out.count - 1] = UInt8(ascii: "}")
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `"name":"value",` (the object's last comma becomes its closing brace).
    private static func member(_ name: StaticString, _ value: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: "\":".utf8)
        string(value, &out)
        out.append(UInt8(ascii: ","))
    }

    /// `"name":"2026-11-30T10:00:00Z",`, the date written straight into the answer (a String per
    /// date was a twelfth of the tab's time under load).
    private static func dateMember(_ name: StaticString, _ date: Date, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: "\":\"".utf8)
        iso8601(date, &out)
        out.append(contentsOf: "\",".utf8)
    }

    /// A JSON string as Foundation's JSONEncoder writes it with `.withoutEscapingSlashes`: quote,
    /// backslash and the C0 controls escaped, everything else as UTF-8. Most values need no
    /// escape: their bytes are copied in one go.
    static func string(_ value: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes { escaped(byte, &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escaped(_ byte: UInt8, _ out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
        case 0x0A: out.append(contentsOf: "\\n".utf8)
        case 0x0D: out.append(contentsOf: "\\r".utf8)
        case 0x09: out.append(contentsOf: "\\t".utf8)
        case 0x08: out.append(contentsOf: "\\b".utf8)
        case 0x0C: out.append(contentsOf: "\\f".utf8)
        case 0..<0x20:
            out.append(contentsOf: "\\u00".utf8)
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        default: out.append(byte)
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// `2026-11-30T10:00:00Z`: UTC, the fraction of a second dropped, as `.iso8601` does.
    static func iso8601(_ date: Date) -> String {
        var out: [UInt8] = []
        iso8601(date, &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func iso8601(_ date: Date, _ out: inout [UInt8]) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let day = secondOfDay < 0 ? days - 1 : days
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        // The Date header's calendar arithmetic (one implementation of it in the project).
        let (year, month, dayOfMonth) = MessageDate.civil(fromDays: day)
        if year < 0 || year > 9999 {
            // Outside four digits (never a real interaction's date): as JSONEncoder writes it.
            let yearText = String(year)
            out.append(contentsOf: (String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText).utf8)
        } else {
            digits(year / 100, &out)
            digits(year % 100, &out)
        }
        out.append(UInt8(ascii: "-"))
        digits(month, &out)
        out.append(UInt8(ascii: "-"))
        digits(dayOfMonth, &out)
        out.append(UInt8(ascii: "T"))
        digits(second / 3600, &out)
        out.append(UInt8(ascii: ":"))
        digits(second / 60 % 60, &out)
        out.append(UInt8(ascii: ":"))
        digits(second % 60, &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// Two digits of 0...99.
    private static func digits(_ value: Int, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "0") + UInt8(value / 10))
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
