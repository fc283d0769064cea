import Foundation
import HeraldChannels
import HeraldDocument

/// An SMS rendering as `herald render --channel sms --format json` prints it and as the samples'
/// golden.sms.json records it.
public struct SMSReport: Encodable, Equatable, Sendable {
    public var text: String
    public var encoding: String
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    public var units: Int
    public var segmentCount: Int
    public var segments: [String]
    public var nonGSMCharacters: [String]
    public var replacements: [SMSEncoder.Replacement]
    public var warnings: [String]

    /// The JSON form: sorted keys, pretty, ending with a newline.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}

extension Herald {
    /// Markdown → Document → SMS text, encoding and segments, with warnings when the message
    /// needs UCS-2 or more than `maximumSegments` segments.
    public static func renderSMS(markdown bytes: [UInt8], transliterate: Bool = false, maximumSegments: Int = 3) -> SMSReport {
        renderSMS(MarkdownReader().read(bytes: bytes), transliterate: transliterate, maximumSegments: maximumSegments)
    }

    /// Document → SMS text, encoding and segments (see `renderSMS(markdown:)`).
    public static func renderSMS(_ document: Document, transliterate: Bool = false, maximumSegments: Int = 3) -> SMSReport {
        let text = SMSTextRenderer().render(document)
        let analysis = SMSEncoder(transliterate: transliterate).analyze(text)
        var warnings: [String] = []
        if analysis.segments.count > maximumSegments {
            warnings.append("the SMS needs \(analysis.segments.count) segments (\(analysis.encoding.rawValue)), more than \(maximumSegments)")
        }
        if analysis.encoding == .ucs2 {
            warnings.append("UCS-2 because of \(analysis.nonGSMCharacters.joined(separator: " ")): 70 characters per SMS instead of 160 (--transliterate replaces typographic ones)")
        }
        return SMSReport(text: analysis.text, encoding: analysis.encoding.rawValue, units: analysis.units, segmentCount: analysis.segments.count,
                         segments: analysis.segments, nonGSMCharacters: analysis.nonGSMCharacters, replacements: analysis.replacements,
                         warnings: warnings)
    }
}
