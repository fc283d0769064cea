// HTMLReader benchmark: editor-sized HTML (5–50 KB) read into the Document model, against the
// baseline of libxml2 alone (htmlReadMemory + xmlFreeDoc with the same options) on the same
// bytes in the same run; then the linear-time check: time per MB at 1 MB and at 10 MB for
// flat, deeply nested and misnested input.
//
//     swift run -c release HTMLReaderBenchmark [SAMPLES_DIR]
import CLibXML2
import BenchmarkSupport
import Foundation
import Herald
import HeraldTooling

/// Written at once, so progress shows when the output is a pipe (print buffers it).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let samplesDirectory = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "Samples")

/// Keeps results alive so the optimizer cannot drop the work.
nonisolated(unsafe) var sink = 0

// MARK: Inputs

/// What the composer's editor writes: paragraphs with marks and highlight spans, links, lists,
/// a table, pasted Google Docs spans. Deterministic (no random numbers), varied by `seed`.
func editorHTML(targetBytes: Int, seed: Int) -> String {
    let words = ["order", "refund", "parcel", "tracking", "delivery", "thanks", "warehouse", "invoice", "account", "support",
                 "courier", "address", "payment", "return", "label", "Thursday", "café", "Núñez", "総額", "😀"]
    func sentence(_ n: Int) -> String {
        (0..<(8 + n % 9)).map { words[(n &* 31 &+ $0 &* 7) % words.count] }.joined(separator: " ")
    }
    var html = ""
    var n = seed
    while html.utf8.count < targetBytes {
        n += 1
        switch n % 7 {
        case 0:
            html += "<p>\(sentence(n)) <strong>\(sentence(n + 1))</strong> <em>\(sentence(n + 2))</em> <a href=\"https://example.com/orders/\(n)\">track it</a>.</p>"
        case 1:
            html += "<p style=\"text-align:center\"><span style=\"background-color:#fef08a\">\(sentence(n))</span> <u>\(sentence(n + 3))</u> <s>old</s></p>"
        case 2:
            html += "<ul><li>\(sentence(n))</li><li><b>\(sentence(n + 1))</b><ol start=\"3\"><li>\(sentence(n + 2))</li><li>\(sentence(n + 4))</li></ol></li></ul>"
        case 3:
            html += "<h2>\(sentence(n))</h2><p>\(sentence(n + 5))<br>\(sentence(n + 6))</p>"
        case 4:
            html += "<table><thead><tr><th>Item</th><th align=\"right\">Price</th></tr></thead><tbody><tr><td>\(sentence(n))</td><td align=\"right\">\(n).00</td></tr><tr><td>\(sentence(n + 1))</td><td align=\"right\">\(n + 1).50</td></tr></tbody></table>"
        case 5:
            html += "<p dir=\"ltr\" style=\"line-height:1.38;margin-top:0pt;margin-bottom:0pt;\"><span style=\"font-size:11pt;font-family:Arial;color:#000000;background-color:transparent;font-weight:700;font-style:normal;text-decoration:none;vertical-align:baseline;white-space:pre-wrap;\">\(sentence(n))</span><span style=\"font-size:11pt;font-family:Arial;color:#000000;background-color:transparent;font-weight:400;font-style:italic;text-decoration:none;vertical-align:baseline;white-space:pre-wrap;\"> \(sentence(n + 1))</span></p>"
        default:
            html += "<blockquote><p>\(sentence(n))</p></blockquote><p><img src=\"cid:logo\" alt=\"Logo\" width=\"120\"> \(sentence(n + 2))</p><hr>"
        }
    }
    return html
}

var documents: [(name: String, bytes: [UInt8])] = []
// The samples as the email renderer writes them (what a quoted reply or an edit reads back).
for sample in (try? Sample.all(in: samplesDirectory)) ?? [] {
    guard let markdown = try? Data(contentsOf: sample.directory.appendingPathComponent("input.md")) else { continue }
    let html = EmailHTMLRenderer().render(MarkdownReader().read(bytes: [UInt8](markdown))).html
    documents.append(("sample \(sample.name)", Array(html.utf8)))
}
for (index, size) in [5_000, 10_000, 20_000, 35_000, 50_000].enumerated() {
    documents.append(("editor \(size / 1000) KB", Array(editorHTML(targetBytes: size, seed: index * 100).utf8)))
}
let editorDocuments = documents.filter { (5_000...60_000).contains($0.bytes.count) }
let totalBytes = editorDocuments.reduce(0) { $0 + $1.bytes.count }

// MARK: Throughput

let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
    | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
    | XML_PARSE_HUGE.rawValue | HTML_PARSE_COMPACT.rawValue)

func libxml2Only(_ bytes: [UInt8]) {
    let document = bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { htmlReadMemory($0.baseAddress, Int32($0.count), nil, "UTF-8", options) }
    }
    if let document {
        sink &+= Int(bitPattern: document) & 1
        xmlFreeDoc(document)
    }
}

func heraldRead(_ bytes: [UInt8]) {
    sink &+= HTMLReader().read(bytes: bytes).document.blocks.count
}

xmlInitParser()
let iterations = 20
let baseline = best { for _ in 0..<iterations { for document in editorDocuments { libxml2Only(document.bytes) } } }
let herald = best { for _ in 0..<iterations { for document in editorDocuments { heraldRead(document.bytes) } } }
let count = Double(iterations * editorDocuments.count)
let megabytes = Double(iterations * totalBytes) / 1_048_576

say("HTML → Document, \(editorDocuments.count) editor-sized documents (\(editorDocuments.map { $0.bytes.count }.min() ?? 0)–\(editorDocuments.map { $0.bytes.count }.max() ?? 0) bytes, \(totalBytes) in all), best of 5 × \(iterations) passes")
say(String(format: "  libxml2 parse + free (baseline)  %9.0f documents/s  %7.1f MB/s", count / baseline, megabytes / baseline))
say(String(format: "  HTMLReader (parse + model)       %9.0f documents/s  %7.1f MB/s", count / herald, megabytes / herald))
say(String(format: "  ratio HTMLReader / baseline time  %.2f×", herald / baseline))

// MARK: Linearity

func flat(_ bytes: Int) -> String { editorHTML(targetBytes: bytes, seed: 7) }
func deepDivs(_ bytes: Int) -> String {
    let depth = bytes / 12
    return String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth)
}
func deepInline(_ bytes: Int) -> String {
    String(repeating: "<span><b>x", count: bytes / 10)
}
func misnested(_ bytes: Int) -> String {
    String(repeating: "<p><b><i>one</b> two</i><ul><li>three</p><td>four</li></ul></table>", count: bytes / 64)
}
func deepThenStray(_ bytes: Int) -> String {
    let depth = bytes / 12
    return String(repeating: "<span>", count: depth) + "x" + String(repeating: "</i>", count: depth / 2)
}
/// ` a1="v" a2="v"...` up to about `bytes`.
func attributeList(_ bytes: Int) -> String {
    var list = ""
    var n = 0
    while list.utf8.count < bytes {
        list += " a\(n)=\"v\""
        n += 1
    }
    return list
}
func attributesOnOneElement(_ bytes: Int) -> String {
    "<p" + attributeList(bytes) + ">text</p>"
}
func attributesOnManyElements(_ bytes: Int) -> String {
    // 1,000 attributes (about 12 KB) on each element.
    let element = "<span" + attributeList(12_000) + ">word </span>"
    return String(repeating: element, count: max(1, bytes / element.utf8.count))
}

say("\nLinearity: seconds per MB at 1 MB and at 10 MB (ratio ≈ 1 means linear; HERALD_BENCH_LINEARITY=NAME runs one case)")
let only = ProcessInfo.processInfo.environment["HERALD_BENCH_LINEARITY"]
let attributeShapes = ["attributes on one element", "attributes on many elements"]
for (name, make) in [("flat editor HTML", flat), ("10^5–10^6 nested <div>", deepDivs), ("unclosed <span><b>", deepInline),
                     ("misnested tags", misnested), ("deep then stray end tags", deepThenStray),
                     (attributeShapes[0], attributesOnOneElement), (attributeShapes[1], attributesOnManyElements)] as [(String, (Int) -> String)] {
    if let only, !name.contains(only) { continue }
    let small = Array(make(1_048_576).utf8)
    // HERALD_BENCH_LARGE_MB changes the large size (10 by default), to see a trend.
    let largeMB = Int(ProcessInfo.processInfo.environment["HERALD_BENCH_LARGE_MB"] ?? "") ?? 10
    let large = Array(make(largeMB * 1_048_576).utf8)
    let smallTime = best(rounds: 3) { heraldRead(small) }
    let largeTime = best(rounds: 2) { heraldRead(large) }
    let perMBSmall = smallTime / (Double(small.count) / 1_048_576)
    let perMBLarge = largeTime / (Double(large.count) / 1_048_576)
    // libxml2 alone on the same bytes after the depth pass, for reference: how much of any
    // growth is the parser's own (allocation of a 10 MB tree) rather than the reader's.
    let limitedSmall = HTMLReader.prePassed(small)
    let limitedLarge = HTMLReader.prePassed(large)
    let parserSmall = best(rounds: 3) { libxml2Only(limitedSmall) } / (Double(small.count) / 1_048_576)
    let parserLarge = best(rounds: 2) { libxml2Only(limitedLarge) } / (Double(large.count) / 1_048_576)
    say("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0)
        + String(format: "%7.4f s/MB   %7.4f s/MB   ratio %.2f   (libxml2 alone: ratio %.2f)",
                 perMBSmall, perMBLarge, perMBLarge / perMBSmall, parserLarge / parserSmall))
    if attributeShapes.contains(name) {
        // Before the attribute cap: libxml2 on the raw bytes (what the reader parsed then), at
        // 64 KB and 640 KB — one element of 1 MB took three minutes, of 10 MB it would take hours.
        let before = [65_536, 655_360].map { size -> Double in
            let raw = Array(make(size).utf8)
            return best(rounds: 1) { libxml2Only(raw) } / (Double(raw.count) / 1_048_576)
        }
        say("    " + "before the cap, 64/640 KB".padding(toLength: 26, withPad: " ", startingAt: 0)
            + String(format: "%7.4f s/MB   %7.4f s/MB   ratio %.2f   (at 640 KB %.0f× the reader's s/MB at 1 MB now)",
                     before[0], before[1], before[1] / before[0], before[1] / perMBSmall))
    }
}
if sink == 42 { say("") }
