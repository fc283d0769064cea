// Inbound benchmark: the whole inbound corpus (Tests/Fixtures/inbound/*.eml) parsed N times with
// Herald (GMime + the InboundEmail model: headers, tree, bodies decoded to UTF-8, quoted split,
// every attachment decoded, hashed with SHA-256 and sniffed with libmagic), against Python's
// email package in the same run (policy.default, get_body(), every attachment's content read
// and hashed), as python_baseline.py does.
//
//     swift run -c release InboundBenchmark                  # the comparison (goal: Herald ≥ 10× Python)
//     swift run -c release InboundBenchmark --json FILE.eml  # what the parser makes of one message
//     swift run -c release InboundBenchmark --parse FILE.eml [DIR]   # one parse (for /usr/bin/time -v)
import Foundation
import HeraldMIME

nonisolated(unsafe) var sink = 0

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func runBenchmark() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--json", arguments.count == 2 {
        let email = try InboundEmailParser().parse(path: arguments[1])
        print(String(decoding: try InboundEmail.jsonEncoder().encode(email), as: UTF8.self))
        return
    }
    if arguments.first == "--parse", arguments.count >= 2 {
        let email = try InboundEmailParser(attachmentDirectory: arguments.count > 2 ? arguments[2] : nil).parse(path: arguments[1])
        print("\(email.attachments.count) attachment(s): " + email.attachments.map { "\($0.filename ?? "-") \($0.size) bytes sha256 \($0.sha256)" }.joined(separator: ", "))
        return
    }
    let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Tests/Fixtures/inbound")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }.sorted()
        .map { folder.appendingPathComponent($0).path }
    let corpus = try files.map { try Array(Data(contentsOf: URL(fileURLWithPath: $0))) }
    let bytes = corpus.reduce(0) { $0 + $1.count }
    let rounds = Int(ProcessInfo.processInfo.environment["HERALD_BENCH_ROUNDS"] ?? "") ?? 200
    let parser = InboundEmailParser()
    // One warm-up round (libmagic's database, GMime's charset tables).
    for message in corpus { sink &+= try parser.parse(bytes: message).attachments.count }
    var best = Double.infinity
    for _ in 0..<3 {
        let time = try seconds {
            for _ in 0..<rounds / 3 {
                for message in corpus {
                    let email = try parser.parse(bytes: message)
                    sink &+= email.attachments.count &+ (email.text?.utf8.count ?? 0) &+ (email.html?.utf8.count ?? 0)
                }
            }
        }
        best = min(best, time)
    }
    let heraldRate = Double(rounds / 3 * corpus.count) / best
    print("Corpus: \(corpus.count) messages, \(bytes / 1024) KB (Tests/Fixtures/inbound)")
    print("  Herald (GMime + model):  \(String(format: "%8.0f", heraldRate)) messages/s  (best of 3 × \(rounds / 3) rounds)")

    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        .appendingPathComponent("Benchmarks/InboundBenchmark/python_baseline.py").path, "5"] + files
    let pipe = Pipe()
    python.standardOutput = pipe
    python.standardError = pipe
    try python.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    python.waitUntilExit()
    if python.terminationStatus == 0, let pythonRate = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) {
        print("  Python email (default):  \(String(format: "%8.0f", pythonRate)) messages/s")
        print("  Herald / Python: \(String(format: "%.1f", heraldRate / pythonRate))×  (goal ≥ 10×)")
    } else {
        print("  Python baseline did not run: \(output.prefix(500))")
    }
    print("(sink \(sink % 10))")
}

try runBenchmark()
