// What every benchmark executable shares: timing by the best of several rounds, and the raw
// cmark-gfm render that several of them use as their baseline.
import CCmarkGFM
import Foundation

/// The best (smallest) of `rounds` timings of `body`, in seconds: the run least disturbed by the
/// rest of the machine.
public func best(rounds: Int = 5, _ body: () throws -> Void) rethrows -> Double {
    var fastest = Double.infinity
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return fastest
}

/// Raw cmark-gfm, parse + its own HTML renderer with the GFM extensions Herald uses; returns
/// the HTML's length (so the optimizer keeps the work).
public func cmarkRenderHTML(_ input: [UInt8]) -> Int {
    cmark_gfm_core_extensions_ensure_registered()
    let parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8)
    for name in ["table", "strikethrough", "autolink"] {
        if let found = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, found) }
    }
    input.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
    }
    let document = cmark_parser_finish(parser)
    var length = 0
    if let html = cmark_render_html(document, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser)) {
        length = strlen(html)
        free(html)
    }
    cmark_node_free(document)
    cmark_parser_free(parser)
    return length
}
