import Crypto
import Foundation
import Herald
import _CryptoExtras

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
///
/// "Building the message" is measured two ways: writing the composed message alone, and the whole
/// of what the MIME benchmark times (`whole`: render the Markdown, compose, write).
func runDKIMBenchmark(build: () throws -> (EmailMessage, MessageIdentity), whole: () throws -> Int, work: URL) throws {
    let ed25519 = try DKIMKey.generate(.ed25519, domain: "example.com", selector: "ed")
    let rsa = try DKIMKey.generate(.rsa, domain: "example.com", selector: "rsa")
    let iterations = 2000
    let (message, identity) = try build()
    let unsigned = try seconds { for _ in 0..<iterations { sink &+= try MIMEWriter().bytes(of: message, identity: identity).count } }
    let signer = DKIMSigner(keys: [ed25519])
    let signed = try seconds { for _ in 0..<iterations { sink &+= try MIMEWriter().bytes(of: message, identity: identity, signer: signer).count } }
    let built = try seconds { for _ in 0..<iterations { sink &+= try whole() } }
    let rsaSigner = DKIMSigner(keys: [rsa])
    let rsaCount = 300
    let rsaTime = try seconds {
        for index in 0..<rsaCount {
            sink &+= try rsaSigner.signatureFields(headerSection: Array("From: a\(index)@example.com\r\n".utf8), bodyHash: Array(repeating: 0, count: 32), time: 0).count
        }
    }
    // The floor under the Ed25519 figure: SHA-256 over the message's bytes (what the body hash
    // cannot avoid) and the signature itself, with none of Herald around them.
    let bytes = try MIMEWriter().bytes(of: message, identity: identity)
    let shaTime = seconds { for _ in 0..<iterations { sink &+= bytes.withUnsafeBytes { SHA256.hash(data: $0).withUnsafeBytes { Int($0[0]) } } } }
    let edKey = Curve25519.Signing.PrivateKey()
    let digest = SHA256.hash(data: bytes.prefix(1000))
    let edTime = try seconds { for _ in 0..<iterations { sink &+= try edKey.signature(for: Data(digest)).count } }
    // RSA without Herald: swift-crypto's sign alone, the same digest each time.
    let rsaKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    let pureTime = try seconds { for _ in 0..<rsaCount { sink &+= try rsaKey.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation.count } }
    print("")
    print("DKIM (the message above, written \(iterations) times):")
    print("  unsigned: \(String(format: "%6.0f", Double(iterations) / unsigned)) messages/s; Ed25519-signed: \(String(format: "%6.0f", Double(iterations) / signed)) messages/s"
          + "  (signing costs \(String(format: "%.0f", (signed / unsigned - 1) * 100))% of writing)")
    print("  render + compose + write (the MIME benchmark's message): \(String(format: "%6.0f", Double(iterations) / built)) messages/s;"
          + " Ed25519 signing costs \(String(format: "%.0f", (signed - unsigned) / built * 100))% of it (goal ≤ 15%)")
    print("  of which the floor: SHA-256 of the \(bytes.count / 1000) KB message \(String(format: "%.0f", shaTime / unsigned * 100))%,"
          + " an Ed25519 signature \(String(format: "%.0f", edTime / unsigned * 100))% (swift-crypto alone)")
    let heraldRSA = Double(rsaCount) / rsaTime
    let pureRSA = Double(rsaCount) / pureTime
    var line = "  RSA-2048 DKIM signatures: \(String(format: "%6.0f", heraldRSA))/s; swift-crypto's sign alone: \(String(format: "%6.0f", pureRSA))/s"
    if let openssl = opensslRSA2048SignsPerSecond() {
        line += "; openssl speed rsa2048: \(String(format: "%6.0f", openssl)) sign/s (Herald \(String(format: "%.2f", heraldRSA / openssl))×,"
            + " swift-crypto alone \(String(format: "%.2f", pureRSA / openssl))×, goal ≥ 0.9×)"
    }
    print(line)
    if let noIFMA = opensslRSA2048SignsPerSecond(environment: ["OPENSSL_ia32cap": ":~0x200000"]) {
        print("  openssl speed rsa2048 without its AVX-512 IFMA code (OPENSSL_ia32cap=:~0x200000): \(String(format: "%6.0f", noIFMA)) sign/s"
              + " (Herald \(String(format: "%.2f", heraldRSA / noIFMA))×)")
    }

    // 100 MB attachment from a file, written signed to a sink that keeps nothing.
    let big = work.appendingPathComponent("big.bin")
    _ = FileManager.default.createFile(atPath: big.path, contents: nil)
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

/// `openssl speed -seconds 2 rsa2048`'s sign/s, or nil without openssl. `environment` is added to
/// this process's (`OPENSSL_ia32cap` turns CPU features off).
func opensslRSA2048SignsPerSecond(environment: [String: String] = [:]) -> Double? {
    let process = Process()
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
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
