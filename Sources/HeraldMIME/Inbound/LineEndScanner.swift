import Foundation

/// Finds the one mix of line ends GMime 3.2 reads wrong. GMime decides from the message's first
/// line whether the message uses CRLF, and then takes two bytes off the content before every
/// boundary line; when a boundary line in a CRLF message is preceded by a bare LF, it takes the
/// last character of the content too ("Second line." became "Second line"). A message whose
/// first line ends in CRLF and which holds an LF-only line followed by `--` is read through a
/// CRLF→LF filter instead.
///
/// Fed in chunks (a file is read in 1 MB pieces, never held whole); state carries across them.
struct LineEndScanner {
    private enum FirstLine { case unknown, crlf, lf }
    private var firstLine = FirstLine.unknown
    private var previous: UInt8 = 0
    /// Dashes seen after a bare LF: 0 or 1 while matching "--", nil when not after a bare LF.
    private var dashes: Int?
    private(set) var isMixed = false

    /// True once the answer is known: the first line ends in LF (nothing to find), or a mix was found.
    var isSettled: Bool { isMixed || firstLine == .lf }

    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress, chunk.count > 0, !isSettled else { return }
        var index = 0
        while index < chunk.count, !isSettled {
            if let matched = dashes {
                // Matching "--" right after a bare LF, possibly across chunks.
                if chunk[index] == UInt8(ascii: "-") {
                    if matched == 1 {
                        isMixed = true
                        return
                    }
                    dashes = 1
                } else {
                    dashes = nil
                }
                previous = chunk[index]
                index += 1
                continue
            }
            guard let found = memchr(base + index, 0x0A, chunk.count - index) else {
                previous = chunk[chunk.count - 1]
                return
            }
            let position = base.distance(to: UnsafeRawPointer(found))
            let before = position > 0 ? chunk[position - 1] : previous
            if firstLine == .unknown {
                firstLine = before == 0x0D ? .crlf : .lf
            } else if before != 0x0D {
                dashes = 0
            }
            previous = 0x0A
            index = position + 1
        }
    }
}
