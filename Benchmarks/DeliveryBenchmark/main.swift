// Delivery benchmark: ~70 KB messages to Postfix's smtp-sink on loopback, over one connection
// and over four; the outbox's own cost (enqueue + claim + record around the same transport);
// enqueueing 5 KB messages into the SQLite outbox (one per call, and 100 per call); and, in
// the same run, Python's smtplib over one connection.
//
//     apt-get install postfix   (for /usr/sbin/smtp-sink; `postfix stop` if it started)
//     swift run -c release DeliveryBenchmark
//
// HERALD_BENCH_COUNT=N sends N messages instead of 2,000 (a shorter run under callgrind).
import Foundation
import Herald

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func asyncSeconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func freePort() -> Int {
    // Ask the kernel for a free port through Python (Foundation has no socket API on Linux).
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try? process.run()
    process.waitUntilExit()
    return Int(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 32525
}

func runBenchmark() async throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/smtp-sink") else {
        print("error: /usr/sbin/smtp-sink not found (apt-get install postfix)")
        exit(69)
    }
    let port = freePort()
    let sink = Process()
    sink.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-sink")
    sink.arguments = ["-u", "nobody", "127.0.0.1:\(port)", "1000"]
    try sink.run()
    defer { kill(sink.processIdentifier, SIGKILL); sink.waitUntilExit() }
    try await Task.sleep(nanoseconds: 300_000_000)

    // A ~70 KB message: the agent reply, HTML and text, and a 44 KB attachment.
    let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let markdown = [UInt8]((try? Data(contentsOf: repository.appendingPathComponent("Samples/agent-reply/input.md"))) ?? Data("Hello".utf8))
    var generator = SystemRandomNumberGenerator()
    let pdf = Array("%PDF-1.4\n".utf8) + (0..<(44 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    var composed = try Herald.composeEmail(try Draft.markdown(markdown), request: MessageRequest(
        from: "support@example.com", to: ["ana@example.com", "bo@example.com"], subject: "Your refund"))
    composed.message.attachments = [try AttachmentLoader().load(bytes: pdf, filename: "receipt.pdf")]
    let message = composed.message
    let bytes = try MIMEWriter().bytes(of: message, identity: try MessageIdentity.deterministic(for: message))
    let envelope = message.envelope
    let url = "smtp://127.0.0.1:\(port)"
    let count = ProcessInfo.processInfo.environment["HERALD_BENCH_COUNT"].flatMap { Int($0) } ?? 2000
    print("Message: \(bytes.count / 1024) KB, 2 recipients, \(count) messages to smtp-sink on loopback")

    // One connection.
    let transport = SMTPTransport(configuration: SMTPConfiguration(url: url, startTLS: .none))
    var failures = 0
    let oneTime = seconds { for _ in 0..<count where transport.deliver(bytes, envelope: envelope, smtputf8: false).failure != nil { failures += 1 } }
    let oneRate = Double(count) / oneTime

    // Four connections.
    let perThread = count / 4
    let group = DispatchGroup()
    let fourTime = seconds {
        for _ in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                let own = SMTPTransport(configuration: SMTPConfiguration(url: url, startTLS: .none))
                for _ in 0..<perThread { _ = own.deliver(bytes, envelope: envelope, smtputf8: false) }
                group.leave()
            }
        }
        group.wait()
    }
    let fourRate = Double(perThread * 4) / fourTime

    // The outbox around one connection: enqueue all, then a worker drains.
    let database = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(UUID().uuidString).sqlite").path
    defer { try? FileManager.default.removeItem(atPath: database) }
    let outbox = try SQLiteOutboxStore(path: database)
    let worker = OutboxWorker(store: outbox, transports: [.email: SMTPTransport(configuration: SMTPConfiguration(url: url, startTLS: .none))])
    let outbound = Outbound(channel: .email, sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec), payload: .bytes(bytes))
    let enqueueTime = try await asyncSeconds {
        for _ in 0..<count { _ = try await outbox.enqueue(outbound, now: Date().timeIntervalSince1970) }
    }
    let drainTime = try await asyncSeconds { try await worker.run(batch: 50, untilIdle: true) }
    let outboxTime = enqueueTime + drainTime
    print("  (outbox: enqueue \(String(format: "%.0f", Double(count) / enqueueTime)) messages/s, claim + deliver + record \(String(format: "%.0f", Double(count) / drainTime)) messages/s)")
    let outboxRate = Double(count) / outboxTime
    let sent = try await outbox.entries().filter { $0.state == .sent }.count

    // The store's share of the drain: the same messages claimed and recorded around a transport
    // that accepts at once (no network), in a second outbox.
    let storeOnly = try SQLiteOutboxStore(path: database + "-store")
    defer { for file in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + "-store" + file) } }
    _ = try await storeOnly.enqueue(Array(repeating: outbound, count: count), now: Date().timeIntervalSince1970)
    let storeWorker = OutboxWorker(store: storeOnly, transports: [.email: AcceptingTransport()])
    let storeDrainTime = try await asyncSeconds { try await storeWorker.run(batch: 50, untilIdle: true) }

    // Enqueueing 5 KB messages: one per call (one transaction each: `herald send`, the inbox's
    // replies), and 100 per call (one transaction: a bulk `send --each`).
    let small = try smallMessage()
    let smallCount = count * 5 / 2
    let singles = try SQLiteOutboxStore(path: database + "-singles")
    let batches = try SQLiteOutboxStore(path: database + "-batches")
    defer { for suffix in ["-singles", "-batches"] { for file in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix + file) } } }
    let singleTime = try await asyncSeconds {
        for _ in 0..<smallCount { _ = try await singles.enqueue(small, now: Date().timeIntervalSince1970) }
    }
    let batchTime = try await asyncSeconds {
        for _ in 0..<(smallCount / 100) { _ = try await batches.enqueue(Array(repeating: small, count: 100), now: Date().timeIntervalSince1970) }
    }

    // Python's smtplib, one connection.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(UUID().uuidString).eml")
    try Data(bytes).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", repository.appendingPathComponent("Benchmarks/DeliveryBenchmark/smtplib_baseline.py").path, "\(port)", file.path, "\(count)"]
    let pipe = Pipe()
    python.standardOutput = pipe
    try python.run()
    python.waitUntilExit()
    let pythonRate = Double(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0

    print("  Python smtplib, 1 connection:   \(String(format: "%7.0f", pythonRate)) messages/s")
    print("  Herald, 1 connection:           \(String(format: "%7.0f", oneRate)) messages/s  (\(String(format: "%.2f", oneRate / pythonRate))× smtplib; goal ≥ 1)  failures: \(failures)")
    print("  Herald, 4 connections:          \(String(format: "%7.0f", fourRate)) messages/s  (\(String(format: "%.2f", fourRate / pythonRate))× smtplib; goal ≥ 2)")
    print("  Herald via the outbox, 1 conn.: \(String(format: "%7.0f", outboxRate)) messages/s  (outbox adds \(String(format: "%.0f", (oneRate / outboxRate - 1) * 100))%; goal < 20%)  sent: \(sent)/\(count)")
    print("  (claim + record around a transport that accepts at once: \(String(format: "%.0f", Double(count) / storeDrainTime)) messages/s, "
          + "\(String(format: "%.0f", storeDrainTime / Double(count) * 1e6)) µs a message; a bare delivery: \(String(format: "%.0f", 1e6 / oneRate)) µs)")
    print("  Enqueue \(small.bytes.count / 1024) KB, one per call:     \(String(format: "%7.0f", Double(smallCount) / singleTime)) messages/s  (goal ≥ 5,000)")
    print("  Enqueue \(small.bytes.count / 1024) KB, 100 per call:     \(String(format: "%7.0f", Double(smallCount / 100 * 100) / batchTime)) messages/s")
}

/// A 5 KB plain-text email to two recipients.
func smallMessage() throws -> Outbound {
    let line = "Thank you for writing. Your refund was approved and will reach your card within five days.\n"
    let message = EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: "support@example.com"),
                                                       to: try AddressParser.parseList("ana@example.com, bo@example.com"),
                                                       subject: try HeaderText("Your refund", field: "subject")),
                               text: String(repeating: line, count: 53))
    let bytes = try MIMEWriter().bytes(of: message, identity: try MessageIdentity.deterministic(for: message))
    let envelope = message.envelope
    return Outbound(channel: .email, sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec), payload: .bytes(bytes))
}

try await runBenchmark()

/// Accepts every recipient at once: the drain without the network.
struct AcceptingTransport: Transport {
    func deliver(_ outbound: Outbound) async -> DeliveryReport {
        DeliveryReport(recipients: outbound.recipients.map { RecipientResult(address: $0, status: .accepted, code: 250, reply: "2.0.0 Ok") },
                       failure: nil, transcript: [])
    }
}
