// The outbox in PostgreSQL on loopback (issue 18), in one run on a private, durable cluster
// (fsync on, synchronous_commit on: what a real server does):
//
// 1. enqueue: 5 KB messages stored one per transaction, by one caller and by eight at once (a
//    server's requests), messages/s;
// 2. delivery: the same number of messages drained by 1, 2 and 4 `herald worker` processes to
//    Postfix's smtp-sink, messages/s, and the ratio of each to one process.
//
//     apt-get install postgresql postfix   (initdb/pg_ctl; /usr/sbin/smtp-sink — `postfix stop` if it started)
//     swift build -c release --product herald --product PostgresBenchmark
//     .build/release/PostgresBenchmark [MESSAGES] [--no-fsync]   (default 3000; --no-fsync: a cluster
//                                                   that skips fsync, to see what the disk costs)
import Foundation
import Herald
import HeraldPostgres
import HeraldTestSupport

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func message(_ index: Int) -> Outbound {
    // About 5 KB: headers and a text body, each message its own.
    let body = String(repeating: "Your order \(index) has shipped and is on its way to you. ", count: 90)
    let text = "From: shop@example.com\r\nTo: customer\(index)@example.com\r\nSubject: Order \(index)\r\n\r\n\(body)\r\n"
    return Outbound(channel: .email, sender: "shop@example.com", recipients: ["customer\(index)@example.com"], payload: .bytes(Array(text.utf8)))
}

func open(_ url: String, connections: Int = 4) async throws -> PostgresOutboxStore {
    try await PostgresOutboxStore.open(try PostgresLocation(url, name: "the benchmark database"), connections: connections)
}

func runBenchmark() async throws {
    let count = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 3000
    let durable = !CommandLine.arguments.contains("--no-fsync")
    let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let herald = binaries.appendingPathComponent("herald").path
    guard FileManager.default.isExecutableFile(atPath: herald) else {
        print("error: \(herald) not found (swift build -c release --product herald)")
        exit(69)
    }
    guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/smtp-sink") else {
        print("error: /usr/sbin/smtp-sink not found (apt-get install postfix)")
        exit(69)
    }
    let server = try PostgresServer.makePrivate(durable: durable)
    defer { server.stop() }
    let port = try DovecotServer.freePort()
    let sink = Process()
    sink.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-sink")
    sink.arguments = ["-u", "nobody", "127.0.0.1:\(port)", "1000"]
    try sink.run()
    defer { kill(sink.processIdentifier, SIGKILL); sink.waitUntilExit() }
    print("PostgreSQL \(server.port) (fsync \(durable ? "on" : "off")), smtp-sink \(port), \(count) messages of \(message(0).bytes.count / 1024) KB, 2 cores")

    // 1. Enqueue.
    let one = try await open(try server.makeDatabase())
    let serial = try await seconds {
        for index in 0..<count { _ = try await one.enqueue([message(index)], now: Date().timeIntervalSince1970) }
    }
    let eight = try await open(try server.makeDatabase(), connections: 8)
    let parallel = try await seconds {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for index in stride(from: lane, to: count, by: 8) { _ = try await eight.enqueue([message(index)], now: Date().timeIntervalSince1970) }
                }
            }
            try await group.waitForAll()
        }
    }
    print(String(format: "  enqueue, one caller:      %6.0f messages/s  (goal ≥ 3,000)", Double(count) / serial))
    print(String(format: "  enqueue, eight callers:   %6.0f messages/s", Double(count) / parallel))

    // 2. Delivery by 1, 2 and 4 worker processes.
    var rates: [Int: Double] = [:]
    for processes in [1, 2, 4] {
        let url = try server.makeDatabase()
        let store = try await open(url)
        for start in stride(from: 0, to: count, by: 100) {
            _ = try await store.enqueue((start..<min(start + 100, count)).map(message), now: Date().timeIntervalSince1970)
        }
        let time = try await seconds {
            var workers: [Process] = []
            for _ in 0..<processes {
                let worker = Process()
                worker.executableURL = URL(fileURLWithPath: herald)
                worker.arguments = ["worker", "--outbox", url, "--via", "smtp://127.0.0.1:\(port)", "--starttls", "none", "--until-idle",
                                    "--batch", "20", "--poll-interval", "0.05"]
                worker.standardOutput = FileHandle.nullDevice
                worker.standardError = FileHandle.nullDevice
                try worker.run()
                workers.append(worker)
            }
            for worker in workers { worker.waitUntilExit() }
        }
        let sent = try await store.entries().filter { $0.state == .sent }.count
        rates[processes] = Double(sent) / time
        let ratio = rates[1].map { (rates[processes] ?? 0) / $0 } ?? 1
        print(String(format: "  %d worker process(es):     %6.0f messages/s  (%.2f× one; sent %d/%d)", processes, rates[processes] ?? 0, ratio, sent, count))
    }
    print("  goal: 4 processes ≥ 2.5× one")
}

try await runBenchmark()
