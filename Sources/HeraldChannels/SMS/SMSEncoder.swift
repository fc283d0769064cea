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
        // Two passes over the characters, with no per-character array: an array of Characters
        // (16 bytes each) and of their costs made a 5 MB text cost 210 MB here.
        // The first: the GSM cost, the UTF-16 length, and the characters that are not GSM.
        var septets = 0
        var utf16Units = 0
        var nonGSM: [String] = []
        var seenNonGSM: Set<Character> = []
        for character in text {
            utf16Units += character.utf16.count
            if let cost = GSM7.septets(for: character) {
                septets += cost
            } else if seenNonGSM.insert(character).inserted {
                nonGSM.append(String(character))
            }
        }
        let encoding: Encoding = nonGSM.isEmpty ? .gsm7 : .ucs2
        let units = encoding == .gsm7 ? septets : utf16Units
        let (single, part) = encoding == .gsm7 ? (160, 153) : (70, 67)
        var segments: [String] = []
        if units <= single {
            segments = text.isEmpty ? [] : [text]
        } else {
            // The second cuts the parts, each a copy of its slice of the text.
            var start = text.startIndex
            var used = 0
            var index = text.startIndex
            while index < text.endIndex {
                let character = text[index]
                let size = encoding == .gsm7 ? GSM7.septets(for: character) ?? 0 : character.utf16.count
                if size > part {
                    // A character no part can hold (a letter under dozens of combining marks,
                    // only possible in UCS-2) is cut between its scalars: never inside one, so
                    // never between the halves of a surrogate pair; no part is ever empty.
                    if index > start { segments.append(String(text[start..<index])) }
                    var piece = ""
                    var pieceUsed = 0
                    for scalar in character.unicodeScalars {
                        let width = UTF16.width(scalar)
                        if pieceUsed + width > part && !piece.isEmpty {
                            segments.append(piece)
                            piece = ""
                            pieceUsed = 0
                        }
                        piece.unicodeScalars.append(scalar)
                        pieceUsed += width
                    }
                    if !piece.isEmpty { segments.append(piece) }
                    index = text.index(after: index)
                    start = index
                    used = 0
                    continue
                }
                if used + size > part, index > start {
                    segments.append(String(text[start..<index]))
                    start = index
                    used = 0
                }
                used += size
                index = text.index(after: index)
            }
            if start < text.endIndex { segments.append(String(text[start...])) }
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
