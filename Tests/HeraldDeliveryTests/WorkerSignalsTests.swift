import Foundation
@testable import HeraldDelivery
import Testing

/// `herald worker`'s last line, as the library gives it. Its signals (`OutboxWorker.stopOnSignals`)
/// are tested on a real `herald worker` process sent SIGTERM (`WorkerDurabilityTests`): a signal
/// sent to the test process itself may be taken by any of its threads, and one where it is ignored
/// drops it (a CI run under load waited 2 s for nothing).
struct WorkerSignalsTests {
    @Test func anIdleReportSaysNothingIsLeftOrWhatWaits() {
        #expect(Outbox.Backlog(due: 0, waiting: 0, nextAttemptAt: nil, held: 0, sending: 0).idleReport(now: 0) == "idle, nothing left to send")
        #expect(Outbox.Backlog(due: 0, waiting: 0, nextAttemptAt: nil, held: 1, sending: 2).idleReport(now: 0)
                == "idle; 1 held after an ambiguous failure (herald outbox show ID, then herald outbox retry ID); 2 leased by another worker")
    }
}
