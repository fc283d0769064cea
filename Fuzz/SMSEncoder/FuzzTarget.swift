import FuzzSupport
import HeraldChannels

/// Any text through the SMS encoder, with and without transliteration (the first byte chooses):
/// the segments put back together are the text, none is empty or over its budget (GSM-7: 160
/// septets alone, 153 when concatenated; UCS-2: 70 or 67 UTF-16 units), and each segment is
/// itself encodable on its own — so no cut falls inside an escape pair or a surrogate pair.
func check(_ bytes: [UInt8]) {
    var input = FuzzInput(bytes)
    let transliterate = input.byte() & 1 == 1
    let text = String(decoding: input.remainder(), as: UTF8.self)
    let analysis = SMSEncoder(transliterate: transliterate).analyze(text)

    let joined = analysis.segments.joined()
    require(Array(joined.unicodeScalars) == Array(analysis.text.unicodeScalars),
            "the segments of \(visible(text)) rejoin to \(visible(joined)), not \(visible(analysis.text))")
    require(analysis.text.isEmpty == analysis.segments.isEmpty, "\(visible(text)) has \(analysis.segments.count) segments")
    require(analysis.nonGSMCharacters.isEmpty == (analysis.encoding == .gsm7),
            "\(visible(text)) is \(analysis.encoding.rawValue) with non-GSM characters \(analysis.nonGSMCharacters.map { visible($0) })")

    let single = analysis.encoding == .gsm7 ? 160 : 70
    let limit = analysis.segments.count > 1 ? (analysis.encoding == .gsm7 ? 153 : 67) : single
    var total = 0
    for segment in analysis.segments {
        require(!segment.isEmpty, "an empty segment in \(visible(text))")
        // The segment as an SMS of its own: same alphabet for GSM-7 (a UCS-2 message may hold
        // GSM-only stretches), and its cost in that alphabet.
        // A segment analyzed alone has its CRLFs counted as one break each; in the message's
        // text such a pair (from "\r\r\n": a lone CR, then a break) costs both its septets.
        let alone = SMSEncoder().analyze(segment)
        let pairs = segment.filter { $0 == "\r\n" }.count
        let units = analysis.encoding == .ucs2 ? segment.utf16.count : alone.units + pairs
        if analysis.encoding == .gsm7 {
            require(alone.encoding == .gsm7, "a GSM-7 segment \(visible(segment)) is not GSM-7 alone")
        }
        require(units <= limit, "a segment of \(units) units (limit \(limit)) in \(visible(text)): \(visible(segment))")
        total += units
    }
    require(total == analysis.units, "the segments of \(visible(text)) cost \(total) units, the analysis says \(analysis.units)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    check(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

// The fuzz build (-DFUZZING, --sanitize fuzzer) gets its main from libFuzzer; a plain build
// replays the files it is given.
#if !FUZZING
@main struct Replay {
    static func main() { FuzzReplay.main(check) }
}
#endif
