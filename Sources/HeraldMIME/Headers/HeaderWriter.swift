/// Writes header fields: RFC 2047 encoded-words for non-ASCII (UTF-8, "B" encoding, each word at
/// most 75 characters, never split inside a UTF-8 sequence or a grapheme cluster when a word can
/// hold it), and folding at 78 columns between tokens (RFC 5322 §2.2.3). Every value reaching it
/// is already free of CR/LF/NUL (`HeaderText`, `EmailAddress`), so folding is the only place a
/// line break is ever written in a header.
public struct HeaderWriter: Sendable {
    /// RFC 5322's recommended line length.
    public static let foldWidth = 78
    /// RFC 2047 §2: an encoded-word is at most 75 characters.
    public static let maximumEncodedWord = 75
    /// RFC 5322 §2.1.1: a line is at most 998 characters, CRLF excluded.
    public static let maximumLine = 998
    /// The longest plain word of a name or a text: with the space before it and a quote and a
    /// comma after it, it still fits a folded line of 78. Longer ones are encoded-words.
    static let maximumPlainWord = 74
    /// Runs of spaces are kept in plain text (unfolding restores them), but folding never breaks
    /// inside one: a longer run would make an unbounded line, so it is encoded instead.
    static let maximumSpaceRun = 8

    public private(set) var bytes: [UInt8] = []
    /// Whether some header carries raw UTF-8 (a non-ASCII local part, RFC 6532), so the message
    /// needs SMTPUTF8.
    public private(set) var hasRawUTF8 = false

    public init() {}

    // MARK: Fields

    /// A field whose value is ASCII and made of unbreakable tokens (a date, a message ID).
    public mutating func addStructured(_ name: String, tokens: [String]) {
        fold(name: name, tokens: tokens)
    }

    /// Unstructured text (Subject, custom headers): ASCII words as they are, anything else as
    /// encoded-words.
    public mutating func addText(_ name: String, _ text: HeaderText) {
        fold(name: name, tokens: Self.textTokens(text.value, firstLineRoom: Self.foldWidth - name.utf8.count - 2))
    }

    /// An address list (From, To, Cc, Reply-To), folded between addresses.
    public mutating func addAddresses(_ name: String, _ entries: [AddressListEntry]) {
        var tokens: [String] = []
        let room = Self.foldWidth - name.utf8.count - 2
        for (index, entry) in entries.enumerated() {
            var entryTokens: [String]
            switch entry {
            case .mailbox(let address):
                entryTokens = mailboxTokens(address, firstLineRoom: room)
            case .group(let groupName, let members):
                entryTokens = Self.phraseTokens(groupName, firstLineRoom: room)
                entryTokens[entryTokens.count - 1] += ":"
                for (memberIndex, member) in members.enumerated() {
                    var memberTokens = mailboxTokens(member, firstLineRoom: room)
                    if memberIndex < members.count - 1 { memberTokens[memberTokens.count - 1] += "," }
                    entryTokens += memberTokens
                }
                entryTokens[entryTokens.count - 1] += ";"
            }
            if index < entries.count - 1 { entryTokens[entryTokens.count - 1] += "," }
            tokens += entryTokens
        }
        fold(name: name, tokens: tokens)
    }

    public mutating func addAddresses(_ name: String, _ addresses: [EmailAddress]) {
        addAddresses(name, addresses.map(AddressListEntry.mailbox))
    }

    /// A header written verbatim (MIME part headers Herald builds itself from validated pieces).
    mutating func addRaw(_ name: String, _ value: String) {
        fold(name: name, tokens: [value])
    }

    // MARK: Tokens

    private mutating func mailboxTokens(_ address: EmailAddress, firstLineRoom: Int) -> [String] {
        if address.needsSMTPUTF8 { hasRawUTF8 = true }
        let angle = "<" + address.addrSpec + ">"
        guard let name = address.displayName, !name.isEmpty else { return [angle] }
        return Self.phraseTokens(name, firstLineRoom: firstLineRoom) + [angle]
    }

    /// A display name, always read back as typed:
    /// - words of atext separated by single spaces: as they are;
    /// - other ASCII (specials, runs of spaces, tabs): one quoted string, folded at its spaces
    ///   when long (folding white space inside quotes unfolds to exactly what was there);
    /// - non-ASCII, a word too long for a line, and anything holding "=?": encoded-words (never
    ///   inside quotes, RFC 2047 §5). Text that merely looks like an encoded-word is encoded
    ///   too, or a reader would decode the look-alike (`=?utf-8?b?...?= <attacker@...>` shows
    ///   as a name that carries another address, or one holding a line break).
    static func phraseTokens(_ phrase: String, firstLineRoom: Int) -> [String] {
        let plainASCII = phrase.unicodeScalars.allSatisfy { $0 == "\t" || ($0.isASCII && $0.value >= 0x20 && $0.value != 0x7F) }
        if plainASCII && !phrase.contains("=?") {
            let words = phrase.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if words.allSatisfy({ !$0.isEmpty && $0.utf8.count <= maximumPlainWord && $0.unicodeScalars.allSatisfy(AddressSyntax.isAtextScalar) }) {
                return words
            }
            if let quoted = quotedTokens(words) { return quoted }
        }
        return encodedWords(phrase, firstLineRoom: firstLineRoom)
    }

    /// One quoted string split at its single spaces into foldable tokens, or nil when a piece is
    /// too long for a line or a run of spaces too long to keep on one.
    private static func quotedTokens(_ words: [String]) -> [String]? {
        var tokens = words.map { word in
            word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
        guard tokens.allSatisfy({ $0.utf8.count <= maximumPlainWord }), longestEmptyRun(tokens) < maximumSpaceRun else { return nil }
        tokens[0] = "\"" + tokens[0]
        tokens[tokens.count - 1] += "\""
        return tokens
    }

    /// Unstructured text: ASCII words when all of it is printable ASCII with no word too long to
    /// fold, no long run of spaces, no leading space (readers drop the white space after the
    /// colon) and nothing that reads as an encoded-word; encoded-words otherwise.
    static func textTokens(_ text: String, firstLineRoom: Int) -> [String] {
        if text.isEmpty { return [""] }
        let printable = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }
        if printable && !text.contains("=?") && !text.hasPrefix(" ") {
            // Split on single spaces so unfolding restores the text exactly (runs of spaces
            // become empty tokens, which folding never starts a line with).
            let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if words.allSatisfy({ $0.utf8.count <= foldWidth - 2 }) && longestEmptyRun(words) < maximumSpaceRun { return words }
        }
        return encodedWords(text, firstLineRoom: firstLineRoom)
    }

    /// The longest run of empty tokens, i.e. of extra spaces between two words.
    private static func longestEmptyRun(_ tokens: [String]) -> Int {
        var longest = 0, current = 0
        for token in tokens {
            current = token.isEmpty ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// `=?UTF-8?B?...?=` words covering `text`. Words are cut between grapheme clusters (an
    /// emoji or an accented letter stays whole) unless a cluster alone is too big, then between
    /// scalars: never inside a UTF-8 sequence. The first word also fits the first line.
    static func encodedWords(_ text: String, firstLineRoom: Int) -> [String] {
        let overhead = "=?UTF-8?B??=".utf8.count
        func capacity(_ room: Int) -> Int { max((min(room, maximumEncodedWord) - overhead) / 4 * 3, 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(firstLineRoom)
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?" + String(decoding: Base64Encoder.encode(chunk, lineLength: 76).filter { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self) + "?=")
            chunk.removeAll(keepingCapacity: true)
            limit = capacity(foldWidth - 1)
        }
        for character in text {
            let bytes = Array(character.utf8)
            if chunk.count + bytes.count > limit { flush() }
            if bytes.count <= limit {
                chunk += bytes
            } else {
                for scalar in character.unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if chunk.count + scalarBytes.count > limit { flush() }
                    chunk += scalarBytes
                }
            }
        }
        flush()
        return words
    }

    // MARK: Folding

    /// `Name: token token ...`, breaking before a token when the line would pass 78 columns.
    /// A token longer than a line stands alone on its line: addresses, message IDs and URLs
    /// cannot be broken. Every token is short enough for a line of 998 by construction (words
    /// and encoded-words by the rules above, the rest by the validation of their types); the
    /// first one goes on a line of its own when it would not fit after the name.
    private mutating func fold(name: String, tokens: [String]) {
        var line = name + ":"
        var lineHasToken = false
        for token in tokens {
            let needed = line.utf8.count + 1 + token.utf8.count
            if !token.isEmpty && needed > Self.foldWidth && (lineHasToken || needed > Self.maximumLine) {
                append(line)
                line = " " + token
            } else {
                line += " " + token
            }
            lineHasToken = lineHasToken || !token.isEmpty
        }
        append(line)
    }

    private mutating func append(_ line: String) {
        if line.unicodeScalars.contains(where: { !$0.isASCII }) { hasRawUTF8 = true }
        bytes.append(contentsOf: line.utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
    }
}
