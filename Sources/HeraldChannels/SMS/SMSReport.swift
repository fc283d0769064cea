import Foundation

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

/// How an SMS is made.
public struct SMSOptions: Equatable, Sendable {
    /// Replace typographic characters (curly quotes, dashes, ellipsis...) with GSM look-alikes.
    public var transliterate: Bool
    /// Warn when the message needs more segments than this.
    public var maximumSegments: Int

    public init(transliterate: Bool = false, maximumSegments: Int = 3) {
        self.transliterate = transliterate
        self.maximumSegments = maximumSegments
    }
}
