/// Chooses an SMS's encoding and cuts it into segments: GSM-7 when every character is in the
/// GSM alphabet (160 septets in one message, 153 per part when concatenated), UCS-2 otherwise
/// (70 UTF-16 units, 67 per part). Segments never split a character — so never an escape pair
/// or a surrogate pair — and the two-pass rule applies: a message that fits one SMS uses the
/// single-message budget, otherwise every part uses the smaller one.
public struct SMSEncoder: Sendable {
    public enum Encoding: String, Sendable, Codable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    public struct Analysis: Equatable, Sendable {
        public var text: String
        public var encoding: Encoding
        /// Septets (GSM-7) or UTF-16 units (UCS-2) of the whole text.
        public var units: Int
        public var segments: [String]
        /// The distinct characters that forced UCS-2, in order of appearance.
        public var nonGSMCharacters: [String]
        /// What transliteration changed: (original, replacement), in order, each pair once.
        public var replacements: [Replacement]
    }

    public struct Replacement: Equatable, Sendable, Codable {
        public var from: String
        public var to: String
    }

    /// Replace typographic characters with GSM look-alikes before choosing the encoding.
    public var transliterate: Bool

    public init(transliterate: Bool = false) {
        self.transliterate = transliterate
    }

    public func analyze(_ input: String) -> Analysis {
        var text = input
        var replacements: [Replacement] = []
        if transliterate {
            var output = ""
            for character in text {
                if GSM7.septets(for: character) == nil, let replacement = Self.lookAlikes[character] {
                    output += replacement
                    let change = Replacement(from: String(character), to: replacement)
                    if !replacements.contains(change) { replacements.append(change) }
                } else {
                    output.append(character)
                }
            }
            text = output
        }
        // CRLF costs two units and means one line break. After transliteration, which can bring
        // a CR and an LF together by removing an invisible character between them.
        text = text.replacingCRLF()
        // One pass over the characters: each one's GSM cost (nil when it is not GSM).
        let characters = Array(text)
        let septets = characters.map(GSM7.septets(for:))
        var nonGSM: [String] = []
        for (character, cost) in zip(characters, septets) where cost == nil {
            let name = String(character)
            if !nonGSM.contains(name) { nonGSM.append(name) }
        }
        let encoding: Encoding = nonGSM.isEmpty ? .gsm7 : .ucs2
        let costs = encoding == .gsm7 ? septets.map { $0 ?? 0 } : characters.map(\.utf16.count)
        let units = costs.reduce(0, +)
        let (single, part) = encoding == .gsm7 ? (160, 153) : (70, 67)
        var segments: [String] = []
        if units <= single {
            segments = text.isEmpty ? [] : [text]
        } else {
            var current = ""
            var used = 0
            func add(_ piece: String, costing size: Int) {
                if used + size > part && !current.isEmpty {
                    segments.append(current)
                    current = ""
                    used = 0
                }
                current += piece
                used += size
            }
            for (character, size) in zip(characters, costs) {
                if size <= part {
                    add(String(character), costing: size)
                } else {
                    // A character no segment can hold (a letter with dozens of combining marks,
                    // only possible in UCS-2) is cut between its scalars: never inside one, so
                    // never between the halves of a surrogate pair.
                    for scalar in character.unicodeScalars { add(String(scalar), costing: UTF16.width(scalar)) }
                }
            }
            if !current.isEmpty { segments.append(current) }
        }
        return Analysis(text: text, encoding: encoding, units: units, segments: segments, nonGSMCharacters: nonGSM, replacements: replacements)
    }

    /// Typographic characters and their GSM look-alikes (the common subset of carriers'
    /// "smart encoding"). Accented letters are not here: replacing them changes words.
    static let lookAlikes: [Character: String] = [
        "\u{201C}": "\"", "\u{201D}": "\"", "\u{201E}": "\"", "\u{00AB}": "\"", "\u{00BB}": "\"",
        "\u{2018}": "'", "\u{2019}": "'", "\u{201B}": "'", "\u{00B4}": "'", "`": "'",
        "\u{2013}": "-", "\u{2014}": "-", "\u{2015}": "-", "\u{2010}": "-", "\u{2212}": "-",
        "\u{2026}": "...", "\u{2022}": "-", "\u{00B7}": "-", "\u{203C}": "!!",
        "\u{00A0}": " ", "\u{2009}": " ", "\u{202F}": " ", "\u{200B}": "", "\u{FEFF}": "",
        "\u{00BD}": "1/2", "\u{00BC}": "1/4", "\u{00BE}": "3/4", "\u{00F7}": "/",
    ]
}

extension String {
    func replacingCRLF() -> String {
        guard utf8.contains(0x0D) else { return self }
        var result = ""
        for character in self {
            if character == "\r\n" { result.append("\n") } else { result.append(character) }
        }
        return result
    }
}
