import Foundation
@testable import HeraldDelivery
import Testing

/// `herald worker`'s signals and its last line, as the library gives them.
struct WorkerSignalsTests {
    @Test func aSignalIsAStopRequestToEveryWorker() async throws {
        let store = try OutboxStoreKind.sqlite.make()
        let workers = (0..<2).map { _ in OutboxWorker(store: store, transports: [:], now: { 0 }) }
        // SIGUSR2: a signal nothing else in the test process uses.
        let sources = OutboxWorker.stopOnSignals(workers, signals: [SIGUSR2])
        #expect(workers.allSatisfy { !$0.isStopping })
        kill(getpid(), SIGUSR2)
        for _ in 0..<200 where !workers.allSatisfy(\.isStopping) { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(workers.allSatisfy { $0.isStopping })
        // Back as it was: an ignored signal is inherited by every process a later test starts.
        for source in sources { source.cancel() }
        signal(SIGUSR2, SIG_DFL)
    }

    @Test func anIdleReportSaysNothingIsLeftOrWhatWaits() {
        #expect(Outbox.Backlog(due: 0, waiting: 0, nextAttemptAt: nil, held: 0, sending: 0).idleReport(now: 0) == "idle, nothing left to send")
        #expect(Outbox.Backlog(due: 0, waiting: 0, nextAttemptAt: nil, held: 1, sending: 2).idleReport(now: 0)
                == "idle; 1 held after an ambiguous failure (herald outbox show ID, then herald outbox retry ID); 2 leased by another worker")
    }
}
