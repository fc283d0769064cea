import Foundation
import Herald

/// A sink that keeps nothing: what a 100 MB message costs in memory is then the writer's own.
struct DiscardingSink: ByteSink {
    var count = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws { count += bytes.count }
}

/// The peak resident memory of this process so far, in MB.
func peakMemoryMB() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1024 / 1024  // bytes on macOS
    #endif
}

/// DKIM: an Ed25519 signature's cost against building the message, RSA-2048 signatures per
/// second against `openssl speed rsa2048` in the same run, and the peak memory of a 100 MB
/// attachment written signed (issue 17's goals: ≤ 15%, ≥ 0.9×, < 64 MB).
func runDKIMBenchmark(build: () throws -> (EmailMessage, MessageIdentity), work: URL) throws {
    let ed25519 = try DKIMKey.generate(.ed25519, domain: "example.com", selector: "ed")
    let rsa = try DKIMKey.generate(.rsa, domain: "example.com", selector: "rsa")
    let iterations = 2000
    let (message, identity) = try build()
    let unsigned = try seconds { for _ in 0..<iterations { sink &+= try MIMEWriter().bytes(of: message, identity: identity).count } }
    let signer = DKIMSigner(keys: [ed25519])
    let signed = try seconds { for _ in 0..<iterations { sink &+= try MIMEWriter().bytes(of: message, identity: identity, signer: signer).count } }
    let rsaSigner = DKIMSigner(keys: [rsa])
    let rsaCount = 300
    let rsaTime = try seconds {
        for index in 0..<rsaCount {
            sink &+= try rsaSigner.signatureFields(headerSection: Array("From: a\(index)@example.com\r\n".utf8), bodyHash: Array(repeating: 0, count: 32), time: 0).count
        }
    }
    print("")
    print("DKIM (the message above, written \(iterations) times):")
    print("  unsigned: \(String(format: "%6.0f", Double(iterations) / unsigned)) messages/s; Ed25519-signed: \(String(format: "%6.0f", Double(iterations) / signed)) messages/s"
          + "  (signing costs \(String(format: "%.0f", (signed / unsigned - 1) * 100))% of writing; goal ≤ 15%)")
    let heraldRSA = Double(rsaCount) / rsaTime
    var line = "  RSA-2048 DKIM signatures: \(String(format: "%6.0f", heraldRSA))/s"
    if let openssl = opensslRSA2048SignsPerSecond() {
        line += "; openssl speed rsa2048: \(String(format: "%6.0f", openssl)) sign/s (\(String(format: "%.2f", heraldRSA / openssl))×, goal ≥ 0.9×)"
    }
    print(line)

    // 100 MB attachment from a file, written signed to a sink that keeps nothing.
    let big = work.appendingPathComponent("big.bin")
    FileManager.default.createFile(atPath: big.path, contents: nil)
    let handle = try FileHandle(forWritingTo: big)
    let chunk = Data((0..<(1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    for _ in 0..<100 { handle.write(chunk) }
    try handle.close()
    var large = message
    large.attachments = [Attachment(filename: "big.bin", contentType: "application/octet-stream", content: .file(path: big.path), size: 100 * 1024 * 1024)]
    let before = peakMemoryMB()
    var discard = DiscardingSink()
    let time = try seconds { try MIMEWriter().write(large, identity: identity, signer: DKIMSigner(keys: [ed25519, rsa]), to: &discard) }
    print("  100 MB attachment written signed (Ed25519 + RSA): \(discard.count / 1_000_000) MB in \(String(format: "%.1f", time)) s;"
          + " peak memory \(String(format: "%.0f", peakMemoryMB())) MB (before: \(String(format: "%.0f", before)) MB; goal < 64 MB)")
}

/// `openssl speed -seconds 2 rsa2048`'s sign/s, or nil without openssl.
func opensslRSA2048SignsPerSecond() -> Double? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "speed", "-seconds", "2", "rsa2048"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // "rsa 2048 bits 0.000612s 0.000018s   1634.6  55123.4": sign/s is the second-to-last column.
    guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("rsa 2048 bits") }) else { return nil }
    let columns = line.split(separator: " ")
    return columns.count >= 2 ? Double(columns[columns.count - 2]) : nil
}
