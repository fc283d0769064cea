import ArgumentParser
import Foundation
import Herald
import HeraldServer

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Deliver the outbox until stopped; SIGTERM or SIGINT finish the message in hand and give back the other leases.")

    @Option(help: "Messages claimed per round.") var batch: Int = 10
    @Option(help: "Connections (workers) delivering at once.") var concurrency: Int = 1
    @Option(name: .customLong("poll-interval"), help: "Seconds to wait when nothing is due.") var pollInterval: Double = 1
    @Flag(name: .customLong("until-idle"), help: "Stop once nothing is due (for scripts and tests).") var untilIdle = false
    @Option(help: "Serve Prometheus metrics at http://HOST:PORT/metrics (:PORT is loopback; port 0 picks a free one). No token: bind it where only the scraper reaches.")
    var metrics: String?
    @OptionGroup var delivery: DeliveryOptions

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        _ = try metricsAddress()
    }

    /// --metrics as host and port: "HOST:PORT", or ":PORT" for loopback.
    private func metricsAddress() throws -> (host: String, port: Int)? {
        guard let metrics else { return nil }
        guard let colon = metrics.lastIndex(of: ":"), let port = Int(metrics[metrics.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--metrics takes HOST:PORT or :PORT (port 0 to 65535), like :9100, not '\(metrics)'")
        }
        let host = String(metrics[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    func run() async throws {
        let configuration = try delivery.configuration()
        let store = try await configuration.openOutbox()
        let endpoint = try metricsAddress().map { address in (address, MetricsEndpoint(outbox: store, route: configuration.route)) }
        let workers = try configuration.workers(for: store, count: concurrency, metrics: endpoint?.1.delivery)
        let serving = endpoint.map { address, metrics in
            Task {
                do {
                    try await metrics.serve(host: address.host, port: address.port) { port in
                        FileHandle.standardError.write(Data("herald worker: metrics on http://\(address.host):\(port)/metrics\n".utf8))
                    }
                } catch {
                    FileHandle.standardError.write(Data("herald worker: cannot serve metrics on \(address.host):\(address.port): \(error)\n".utf8))
                }
            }
        }
        defer { serving?.cancel() }
        // Signals become a stop request; the loops check it between messages.
        let sources = OutboxWorker.stopOnSignals(workers)
        FileHandle.standardError.write(Data("herald worker: delivering \(configuration.outboxDescription) via \(configuration.emailDestination) on \(concurrency) connection(s)\n".utf8))
        try await OutboxWorker.runAll(workers, batch: batch, pollInterval: pollInterval, untilIdle: untilIdle) { id, report in
            // Written straight to the descriptor: a killed worker leaves no line behind in a buffer.
            FileHandle.standardOutput.write(Data("message \(id): \(report.outcome)\n".utf8))
        } problem: { line in
            FileHandle.standardError.write(Data("herald worker: \(line)\n".utf8))
        }
        withExtendedLifetime(sources) {}
        if untilIdle { await reportBacklog(store, route: configuration.route) }
    }

    /// `--until-idle` stops when nothing is due — which is not "nothing left": say what waits.
    private func reportBacklog(_ store: any OutboxStore, route: String) async {
        let now = Date().timeIntervalSince1970
        guard let backlog = try? await store.backlog(now: now, route: route) else { return }
        say("herald worker: " + backlog.idleReport(now: now))
    }
}
