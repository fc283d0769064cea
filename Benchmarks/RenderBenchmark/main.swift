// Render benchmark: Herald's full email render (Markdown → Document → HTML + text) against raw
// cmark-gfm (parse + cmark_render_html with the same GFM extensions) on the same inputs, in the
// same run; then the linear-time check on 1–10 MB documents, ordinary and pathological.
//
//     swift run -c release RenderBenchmark [SAMPLES_DIR]
import CCmarkGFM
import CHeraldMarkdown
import BenchmarkSupport
import Foundation
import Herald
import HeraldTooling

let samplesDirectory = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "Samples")
// Plain Markdown samples only: templates are measured by TemplateBenchmark, editor HTML by
// HTMLReaderBenchmark.
let inputs: [[UInt8]] = (try Sample.all(in: samplesDirectory))
    .filter { Draft.Format.of($0.input) == .markdown && !MessageTemplate.isTemplate(fileAt: $0.input) }
    .map { [UInt8]((try? Data(contentsOf: $0.input)) ?? Data()) }
guard !inputs.isEmpty else {
    FileHandle.standardError.write(Data("error: no samples in \(samplesDirectory.path)\n".utf8))
    exit(74)
}
let totalBytes = inputs.reduce(0) { $0 + $1.count }

/// Keeps results alive so the optimizer cannot drop the work.
nonisolated(unsafe) var sink = 0

func heraldRender(_ input: [UInt8]) {
    let email = Herald.renderEmail(markdown: input)
    sink &+= email.html.utf8.count &+ email.text.utf8.count
}

func cmarkRender(_ input: [UInt8]) {
    sink &+= cmarkRenderHTML(input)
}

let iterations = 200

// HERALD_BENCH_STAGE=full|cmark|cmark-parse|herald-parse|read|html|text times one stage alone
// (for profiling), then exits. `full` and `cmark` are the two sides of the ratio: under
// `valgrind --tool=callgrind` their instruction counts give it repeatably on a busy machine.
if let stage = ProcessInfo.processInfo.environment["HERALD_BENCH_STAGE"] {
    let parsed = inputs.map { MarkdownReader().read(bytes: $0) }
    let time = best {
        for _ in 0..<iterations {
            switch stage {
            case "full": for input in inputs { heraldRender(input) }
            case "cmark": for input in inputs { cmarkRender(input) }
            case "read": for input in inputs { sink &+= MarkdownReader().read(bytes: input).blocks.count }
            case "herald-parse":
                for input in inputs {
                    input.withUnsafeBufferPointer { buffer in
                        buffer.withMemoryRebound(to: CChar.self) {
                            cmark_node_free(herald_markdown_parse($0.baseAddress, $0.count, CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE))
                        }
                    }
                }
            case "cmark-parse":
                for input in inputs {
                    let parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8)
                    for name in ["table", "strikethrough", "autolink"] {
                        if let found = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, found) }
                    }
                    input.withUnsafeBufferPointer { buffer in
                        buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
                    }
                    cmark_node_free(cmark_parser_finish(parser))
                    cmark_parser_free(parser)
                }
            case "html": for document in parsed { sink &+= EmailHTMLRenderer().render(document).html.utf8.count }
            default: for document in parsed { sink &+= EmailTextRenderer().render(document).utf8.count }
            }
        }
    }
    print("  stage \(stage): \(String(format: "%.3f", time)) s for \(iterations) passes")
    exit(0)
}

// MARK: Samples: Herald against raw cmark-gfm

let heraldTime = best { for _ in 0..<iterations { for input in inputs { heraldRender(input) } } }
let cmarkTime = best { for _ in 0..<iterations { for input in inputs { cmarkRender(input) } } }
let documents = Double(iterations * inputs.count)
let megabytes = Double(iterations * totalBytes) / 1_000_000

print("Samples: \(inputs.count) documents, \(totalBytes) bytes of Markdown, \(iterations) passes, best of 5")
print("  raw cmark-gfm (parse + cmark_render_html): \(String(format: "%8.0f", documents / cmarkTime)) docs/s  \(String(format: "%6.1f", megabytes / cmarkTime)) MB/s")
print("  Herald (Markdown → model → HTML + text):   \(String(format: "%8.0f", documents / heraldTime)) docs/s  \(String(format: "%6.1f", megabytes / heraldTime)) MB/s")
print("  Herald / cmark-gfm throughput: \(String(format: "%.2f", cmarkTime / heraldTime))  (goal ≥ 0.50)")

// MARK: Linear time on large documents

func repeated(_ chunk: String, toBytes size: Int) -> [UInt8] {
    let bytes = Array(chunk.utf8)
    var result: [UInt8] = []
    result.reserveCapacity(size + bytes.count)
    while result.count < size { result.append(contentsOf: bytes) }
    return result
}

let ordinary = inputs.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n\n")
let cases: [(String, String)] = [
    ("samples concatenated", ordinary + "\n\n"),
    ("unclosed ==highlight openers", "==a ++b "),
    ("unclosed emphasis openers", "**a *b _c "),
    ("open brackets", "[a ![b "),
    ("nested quotes and lists", "> - > 1. text\n"),
    ("alignment fences", "::: center\ntext\n"),
    ("one long line of words", "word "),
]
print("")
print("Linear time: seconds for Herald's full render at each size; the per-MB ratio (10 MB against 1 MB)")
print("should stay near 1 (quadratic time would make it 10). Raw cmark-gfm's ratio on the same input is the baseline.")
print("  case                           1 MB     2 MB     5 MB    10 MB   Herald ratio   cmark-gfm ratio")
for (name, chunk) in cases {
    var times: [Double] = []
    var cmarkTimes: [Double] = []
    for size in [1, 2, 5, 10] {
        let input = repeated(chunk, toBytes: size * 1_000_000)
        times.append(best(rounds: 2) { heraldRender(input) })
        if size == 1 || size == 10 { cmarkTimes.append(best(rounds: 2) { cmarkRender(input) }) }
    }
    let ratio = (times[3] / 10) / times[0]
    let cmarkRatio = (cmarkTimes[1] / 10) / cmarkTimes[0]
    let cells = times.map { String(format: "%7.3f", $0) }.joined(separator: "  ")
    print("  \(name.padding(toLength: 28, withPad: " ", startingAt: 0))  \(cells)   \(String(format: "%12.2f", ratio))   \(String(format: "%15.2f", cmarkRatio))")
}
print("(sink \(sink % 10))")
