import FuzzSupport
import HeraldDocument

/// Any bytes read as editor HTML: the sanitizing reader and both email renderers never crash,
/// and what it keeps is safe (`RenderedDocumentCheck`).
func check(_ bytes: [UInt8]) {
    let reading = HTMLReader().read(bytes: bytes)
    RenderedDocumentCheck.check(reading.document)
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
