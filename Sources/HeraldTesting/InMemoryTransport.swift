import Foundation
import Herald

/// A transport that delivers into memory, for tests of code that sends: every `Outbound` it is
/// handed is kept in order, and each recipient gets the answer `respond` gives (accepted by
/// default). No server, no files; the real transports keep their own tests.
public final class InMemoryTransport: Transport, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [Outbound] = []
    private let respond: @Sendable (Outbound, String) -> RecipientResult.Status

    /// `respond` decides each recipient's fate: `.accepted`, `.deferred` (a 4xx) or `.rejected`
    /// (a 5xx).
    public init(respond: @escaping @Sendable (Outbound, String) -> RecipientResult.Status = { _, _ in .accepted }) {
        self.respond = respond
    }

    /// Every message delivered (each attempt), in order.
    public var delivered: [Outbound] {
        lock.withLock { kept }
    }

    public func deliver(_ outbound: Outbound) async -> DeliveryReport {
        lock.withLock { kept.append(outbound) }
        let results = outbound.recipients.map { recipient -> RecipientResult in
            switch respond(outbound, recipient) {
            case .accepted: return RecipientResult(address: recipient, status: .accepted, code: 250, reply: "2.0.0 kept in memory")
            case .deferred: return RecipientResult(address: recipient, status: .deferred, code: 451, reply: "4.3.0 try again later")
            case .rejected: return RecipientResult(address: recipient, status: .rejected, code: 550, reply: "5.1.1 no such recipient")
            }
        }
        return DeliveryReport(recipients: results, failure: nil, transcript: ["kept \(outbound.bytes.count) bytes for \(outbound.recipients.joined(separator: ", "))"])
    }
}
