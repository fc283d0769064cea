import Dispatch
import Foundation

extension OutboxWorker {
    /// Turns `signals` (SIGTERM and SIGINT) into a stop request to every worker: each finishes
    /// the message in hand and gives back its other leases. The signals no longer end the
    /// process; the handlers last while the returned sources are kept.
    public static func stopOnSignals(_ workers: [OutboxWorker], signals: [Int32] = [SIGTERM, SIGINT]) -> [DispatchSourceSignal] {
        signals.map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { for worker in workers { worker.stop() } }
            source.resume()
            return source
        }
    }
}

extension Outbox.Backlog {
    /// What a worker run until idle says last: "idle, nothing left to send", or "idle; " and
    /// what waits (`notes`).
    public func idleReport(now: Double = Date().timeIntervalSince1970) -> String {
        let notes = notes(now: now)
        return notes.isEmpty ? "idle, nothing left to send" : "idle; " + notes.joined(separator: "; ")
    }
}
