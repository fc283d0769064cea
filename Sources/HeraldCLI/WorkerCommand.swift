import ArgumentParser
import Dispatch
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
        let store = try configuration.openOutbox()
        let workers = try configuration.workers(for: store, count: concurrency)
        // Signals become a stop request; the loops check it between messages.
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { for worker in workers { worker.stop() } }
            source.resume()
            sources.append(source)
        }
        FileHandle.standardError.write(Data("herald worker: delivering \(configuration.outboxPath) via \(configuration.emailDestination) on \(concurrency) connection(s)\n".utf8))
        try await OutboxWorker.runAll(workers, batch: batch, pollInterval: pollInterval, untilIdle: untilIdle) { id, report in
            // Written straight to the descriptor: a killed worker leaves no line behind in a buffer.
            FileHandle.standardOutput.write(Data("message \(id): \(report.outcome)\n".utf8))
        }
        withExtendedLifetime(sources) {}
        if untilIdle { await reportBacklog(store, route: configuration.route) }
    }

    /// `--until-idle` stops when nothing is due — which is not "nothing left": say what waits.
    private func reportBacklog(_ store: any OutboxStore, route: String) async {
        let now = Date().timeIntervalSince1970
        guard let notes = try? await store.backlog(now: now, route: route).notes(now: now) else { return }
        say(notes.isEmpty ? "herald worker: idle, nothing left to send" : "herald worker: idle; " + notes.joined(separator: "; "))
    }
}
