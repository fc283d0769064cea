import ArgumentParser
import Foundation
import Herald

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Deliver the outbox until stopped; SIGTERM or SIGINT finish the message in hand and give back the other leases.")

    @Option(help: "Messages claimed per round.") var batch: Int = 10
    @Option(help: "Connections (workers) delivering at once.") var concurrency: Int = 1
    @Option(name: .customLong("poll-interval"), help: "Seconds to wait when nothing is due.") var pollInterval: Double = 1
    @Flag(name: .customLong("until-idle"), help: "Stop once nothing is due (for scripts and tests).") var untilIdle = false
    @OptionGroup var delivery: DeliveryOptions

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let configuration = try delivery.configuration()
        let store = try await configuration.openOutbox()
        let workers = try configuration.workers(for: store, count: concurrency)
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
