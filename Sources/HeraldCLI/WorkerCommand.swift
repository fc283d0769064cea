import ArgumentParser
import Dispatch
import Foundation
import Herald

struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Deliver the outbox until stopped; SIGTERM or SIGINT finish the message in hand and give back the other leases.")

    @Option(help: "Messages claimed per round.") var batch: Int = 10
    @Option(name: .customLong("poll-interval"), help: "Seconds to wait when nothing is due.") var pollInterval: Double = 1
    @Flag(name: .customLong("until-idle"), help: "Stop once nothing is due (for scripts and tests).") var untilIdle = false
    @OptionGroup var delivery: DeliveryOptions

    func run() throws {
        let outbox = try delivery.openOutbox()
        let (transport, destination) = try delivery.transport()
        let worker = OutboxWorker(outbox: outbox, transport: transport)
        // Signals become a stop request; the loop checks it between messages.
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { worker.stop() }
            source.resume()
            sources.append(source)
        }
        FileHandle.standardError.write(Data("herald worker: delivering \(outbox) via \(destination)\n".utf8))
        try worker.run(batch: batch, pollInterval: pollInterval, untilIdle: untilIdle) { id, report in
            let accepted = report.accepted.count
            // Written straight to the descriptor: a killed worker leaves no line behind in a buffer.
            FileHandle.standardOutput.write(Data("message \(id): \(report.failure.map(\.description) ?? "\(accepted)/\(report.recipients.count) accepted")\n".utf8))
        }
        withExtendedLifetime(sources) {}
    }
}
