import Foundation
import Herald
import Testing

/// What a bulk send's progress writes, on a terminal and in a log.
struct SendProgressTests {
    /// The text written, in order.
    private final class Written: @unchecked Sendable {
        private let lock = NSLock()
        private var texts: [String] = []
        func append(_ text: String) { lock.withLock { texts.append(text) } }
        var all: [String] { lock.withLock { texts } }
    }

    @Test func aLogGetsAPlainLineEveryNMessagesAndAtTheEnd() {
        let written = Written()
        let progress = SendProgress(total: 5, isTerminal: false, plainEvery: 2) { written.append($0) }
        for delivered in [true, false, true, true, true] { progress.record(delivered: delivered) }
        let lines = written.all
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasSuffix("\n") && !$0.contains("[") && !$0.contains("\r") })
        #expect(lines[0].hasPrefix("2/5  sent 1  failed 1  "))
        #expect(lines[2].hasPrefix("5/5  sent 4  failed 1  ") && lines[2].hasSuffix(" ETA 0s\n"))
    }

    @Test func aTerminalGetsOneLineRedrawnWithABarThatNeverOverflows() {
        let written = Written()
        let progress = SendProgress(total: 0, isTerminal: true) { written.append($0) }
        progress.total = 2
        for _ in 0..<3 { progress.record(delivered: true) }
        let lines = written.all
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("\r[") })
        #expect(lines[0].hasPrefix("\r[############............] 1/2  sent 1  failed 0  "))
        #expect(lines[1].hasPrefix("\r[########################] 2/2  sent 2  ") && lines[1].hasSuffix("\n"))
        // A retried message counts again: past the total, the bar stays full and the ETA at 0.
        #expect(lines[2].hasPrefix("\r[########################] 3/2  sent 3  ") && lines[2].hasSuffix(" ETA 0s"))
    }
}
