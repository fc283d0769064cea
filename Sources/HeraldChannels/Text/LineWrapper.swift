/// Greedy word wrapping by display columns. Never breaks inside a word or a URL (a word wider
/// than the line gets a line of its own); breaks between CJK characters, which use no spaces,
/// but never before closing punctuation. Runs of spaces and tabs become one space.
struct LineWrapper {
    var width: Int

    /// Wraps one line of text (no newlines) into lines of at most `width` columns.
    func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        wrap(text) { line, _ in lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    /// Wraps one line of text, handing each output line's bytes and display width to `body`
    /// (renderers write them straight into their output; no String per line or per word).
    func wrap(_ text: String, _ body: (ArraySlice<UInt8>, Int) -> Void) {
        var text = text
        text.withUTF8 { wrap(bytes: $0, body) }
    }

    /// Wraps each line of `text` (split at LF) in turn, as `wrap` does one: one closure for the
    /// whole text, no String per line.
    func wrapLines(_ text: String, _ body: (ArraySlice<UInt8>, Int) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                wrap(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]), body)
                start = end + 1
            }
        }
    }

    private func wrap(bytes: UnsafeBufferPointer<UInt8>, _ body: (ArraySlice<UInt8>, Int) -> Void) {
        var line: [UInt8] = []
        line.reserveCapacity(min(bytes.count, width * 4) + 8)
        var lineWidth = 0

        var wroteLine = false

        // A piece is a slice of the text's bytes, appended as a buffer (one copy), not element
        // by element through a generic collection.
        func place(_ slice: Slice<UnsafeBufferPointer<UInt8>>, width pieceWidth: Int, spaceBefore: Bool) {
            let piece = UnsafeBufferPointer(rebasing: slice)
            let separator = spaceBefore && !line.isEmpty ? 1 : 0
            if !line.isEmpty, lineWidth + separator + pieceWidth > width {
                wroteLine = true
                body(line[...], lineWidth)
                line.removeAll(keepingCapacity: true)
                line.append(contentsOf: piece)
                lineWidth = pieceWidth
            } else {
                if separator == 1 { line.append(0x20) }
                line.append(contentsOf: piece)
                lineWidth += separator + pieceWidth
            }
        }

        var index = 0
        while index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            guard index < bytes.count else { break }
            let start = index
            var ascii = true
            while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 {
                if bytes[index] >= 0x80 { ascii = false }
                index += 1
            }
            let word = bytes[start..<index]
            if ascii {
                place(word, width: word.count, spaceBefore: true)
                continue
            }
            if let narrow = Self.narrowWidth(of: word) {
                // No wide or CJK characters: one unit.
                place(word, width: narrow, spaceBefore: true)
            } else {
                var units = CJKUnits(word: word)
                var first = true
                while let unit = units.next() {
                    place(word[unit.range], width: unit.width, spaceBefore: first)
                    first = false
                }
            }
        }
        if !line.isEmpty || !wroteLine { body(line[...], lineWidth) }
    }

    /// The width of a word of well-formed UTF-8 if no character in it is wide (all below
    /// U+1100): one column per character, none for combining marks. Nil otherwise.
    static func narrowWidth(of word: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var width = 0
        var index = word.startIndex
        while index < word.endIndex {
            let lead = word[index]
            var value: UInt32
            var length: Int
            switch lead {
            case 0..<0x80: value = UInt32(lead); length = 1
            case 0xC0..<0xE0: value = UInt32(lead & 0x1F); length = 2
            case 0xE0..<0xF0: value = UInt32(lead & 0x0F); length = 3
            default: return nil   // four-byte sequences are all above U+FFFF
            }
            guard index + length <= word.endIndex else { return nil }
            if length > 1 {
                for offset in 1..<length { value = (value << 6) | UInt32(word[index + offset] & 0x3F) }
            }
            if value >= 0x1100 { return nil }
            if !DisplayWidth.isCombining(value) { width += 1 }
            index += length
        }
        return width
    }
}

/// The pieces of a word containing CJK or wide characters: a break is allowed before and after
/// each CJK character except before closing punctuation; wide characters and emoji measure two
/// columns. Pieces are ranges of the word's bytes (no String per character or per piece);
/// characters are still found by grapheme breaking (an emoji sequence is one character), from
/// one String made for the word. An iterator, not a closure: with closures here and around the
/// wrapper, the profile showed runtime exclusivity checks (`swift_beginAccess`) on their
/// captured state, 13% of the text render.
struct CJKUnits: IteratorProtocol {
    private let word: Slice<UnsafeBufferPointer<UInt8>>
    private var characters: String.Iterator
    private var offset: Int
    /// The character read ahead: the first of the next piece.
    private var pending: (character: Character, breaksAround: Bool)?

    init(word: Slice<UnsafeBufferPointer<UInt8>>) {
        self.word = word
        characters = String(decoding: word, as: UTF8.self).makeIterator()
        offset = word.startIndex
        pending = characters.next().map { ($0, Self.breaksAround($0)) }
    }

    /// `DisplayWidth.breaksAround`, `isClosingPunctuation` and `of` decide from a character's
    /// first scalar (and `of` from the others only when there are others): taken once here
    /// through the iterator, as `unicodeScalars.first` validates an index each time.
    private static func firstScalar(of character: Character) -> (scalar: Unicode.Scalar, more: Bool)? {
        var scalars = character.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return nil }
        return (first, scalars.next() != nil)
    }

    private static func breaksAround(_ character: Character) -> Bool {
        guard let (scalar, _) = firstScalar(of: character) else { return false }
        return DisplayWidth.breaksAround(scalar)
    }

    private static func width(of character: Character) -> Int {
        guard let (scalar, more) = firstScalar(of: character) else { return 0 }
        if scalar.value < 0x1100 { return 1 }
        return more ? DisplayWidth.of(character) : DisplayWidth.isWide(scalar) ? 2 : 1
    }

    mutating func next() -> (range: Range<Int>, width: Int)? {
        guard let (firstCharacter, firstBreaks) = pending else { return nil }
        let start = offset
        var width = Self.width(of: firstCharacter)
        offset = min(offset + firstCharacter.utf8.count, word.endIndex)
        var previousBreaksAround = firstBreaks
        pending = nil
        while let character = characters.next() {
            let breaksAround = Self.breaksAround(character)
            if (breaksAround || previousBreaksAround) && !DisplayWidth.isClosingPunctuation(character) {
                pending = (character, breaksAround)
                break
            }
            width += Self.width(of: character)
            offset = min(offset + character.utf8.count, word.endIndex)
            previousBreaksAround = breaksAround
        }
        return (start..<offset, width)
    }
}
