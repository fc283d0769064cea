import Foundation
import HeraldInbox
@testable import HeraldServer
import Testing

/// The tabs' hand-written JSON is byte for byte what `JSON.encoder` (Foundation's JSONEncoder as
/// the API configures it) makes of the same summaries: escapes, missing fields, dates.
struct SummaryJSONTests {
    @Test func theTabsJSONIsJSONEncodersByteForByte() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)
        let texts = ["", "plain", "\"Núñez, Lucía\" <lucia/orders@example.com>", "back\\slash / slash", controls, "emoji 👩🏽‍💻 ✓ \u{2028}\u{2029} ñ"]
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 1_796_032_800.999), Date(timeIntervalSince1970: 951_782_400.5),
                     Date(timeIntervalSince1970: 4_102_444_799), Date(timeIntervalSince1970: 1_709_208_000.25), Date()]
        var summaries: [Interaction.Summary] = []
        for (index, text) in texts.enumerated() {
            summaries.append(Interaction.Summary(id: "int_\(index)\(text)", campaign: text, channel: .email, customer: "cus_\(text)",
                                                 state: Interaction.State.allCases[index % 4], assignee: index % 2 == 0 ? nil : text, to: text,
                                                 subject: index % 3 == 0 ? nil : text, createdAt: dates[index % dates.count],
                                                 updatedAt: dates[(index + 1) % dates.count]))
        }
        for count in [0, 1, summaries.count] {
            let expected = try JSON.encoder.encode(Array(summaries.prefix(count)))
            #expect(SummaryJSON.encode(Array(summaries.prefix(count))) == [UInt8](expected),
                    "\(String(decoding: SummaryJSON.encode(Array(summaries.prefix(count))), as: UTF8.self))\n\(String(decoding: expected, as: UTF8.self))")
        }
    }
}
