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
            member("createdAt", iso8601(summary.createdAt), &out)
            member("customer", summary.customer, &out)
            member("id", summary.id, &out)
            member("state", summary.state.rawValue, &out)
            if let subject = summary.subject { member("subject", subject, &out) }
            member("to", summary.to, &out)
            member("updatedAt", iso8601(summary.updatedAt), &out)
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

    /// A JSON string as Foundation's JSONEncoder writes it with `.withoutEscapingSlashes`: quote,
    /// backslash and the C0 controls escaped, everything else as UTF-8.
    static func string(_ value: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `2026-11-30T10:00:00Z`: UTC, the fraction of a second dropped, as `.iso8601` does.
    static func iso8601(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let day = secondOfDay < 0 ? days - 1 : days
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        // The Date header's calendar arithmetic (one implementation of it in the project).
        let (year, month, dayOfMonth) = MessageDate.civil(fromDays: day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(dayOfMonth))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
    }
}
