import Foundation

/// The progress of a bulk send (`Sender.sendAll`'s `progress`), as text for `write`: on a
/// terminal one line redrawn in place (bar, sent, failed, rate, ETA); otherwise a plain line
/// every `plainEvery` messages and at the end, for logs. `write` is called under a lock, so the
/// lines come out in order whichever connection reported.
public final class SendProgress: @unchecked Sendable {
    private let lock = NSLock()
    /// Set when the count is known (a bulk send learns it once its messages are stored).
    public var total: Int {
        get { lock.withLock { count } }
        set { lock.withLock { count = newValue } }
    }
    private var count: Int
    private let started: Date
    private let isTerminal: Bool
    private let plainEvery: Int
    private let write: @Sendable (String) -> Void
    private var sent = 0
    private var failed = 0

    public init(total: Int, isTerminal: Bool, plainEvery: Int = 100, started: Date = Date(), write: @escaping @Sendable (String) -> Void) {
        self.count = total
        self.isTerminal = isTerminal
        self.plainEvery = max(plainEvery, 1)
        self.started = started
        self.write = write
    }

    /// Counts one delivery attempt (`Sender.sendAll`'s `progress`): delivered when it failed
    /// nowhere and someone accepted the message.
    public func record(_ report: DeliveryReport) {
        record(delivered: report.failure == nil && !report.accepted.isEmpty)
    }

    /// Counts one delivery attempt's outcome and writes what changed.
    public func record(delivered: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if delivered { sent += 1 } else { failed += 1 }
        let done = sent + failed
        if isTerminal {
            write("\r" + line(done: done) + (done == count ? "\n" : ""))
        } else if done % plainEvery == 0 || done == count {
            write(line(done: done) + "\n")
        }
    }

    private func line(done: Int) -> String {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        // Attempts, not messages, are counted: a message retried within the send counts twice,
        // so `done` may pass `total`; the bar and the ETA never go past their ends.
        let remaining = rate > 0 ? Double(max(count - done, 0)) / rate : 0
        let width = 24
        let filled = count == 0 ? width : min(width, width * done / count)
        let bar = isTerminal ? "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " : ""
        return "\(bar)\(done)/\(count)  sent \(sent)  failed \(failed)  \(String(format: "%.1f", rate))/s  ETA \(Int(remaining.rounded()))s"
    }
}
