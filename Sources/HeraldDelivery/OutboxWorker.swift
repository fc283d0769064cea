import Foundation

/// Drains the outbox through a transport: claims due messages, delivers each to the
/// recipients that still need it, records the outcome. Stopping (SIGTERM in `herald worker`)
/// finishes the message in hand and gives back the leases of the others.
public final class OutboxWorker: Sendable {
    public let outbox: Outbox
    public let transport: any Transport
    /// Transports of the other channels, by channel name ("sms", "whatsapp").
    public let messageTransports: [String: any MessageTransport]
    public let owner: String
    /// Where `transport` delivers email (an SMTP URL, `maildir:PATH`): only emails stored for
    /// this route (or for none) are claimed. See `Outbox.claim`.
    public let route: String?
    /// Only these messages (one send's own), when set.
    public let ids: ClosedRange<Int64>?
    private let stopSignal = StopSignal()

    public init(outbox: Outbox, transport: any Transport, messageTransports: [String: any MessageTransport] = [:],
                owner: String = "worker-\(ProcessInfo.processInfo.processIdentifier)", route: String? = nil, ids: ClosedRange<Int64>? = nil) {
        self.outbox = outbox
        self.transport = transport
        self.messageTransports = messageTransports
        self.owner = owner
        self.route = route
        self.ids = ids
    }

    public func stop() { stopSignal.set() }
    public var isStopping: Bool { stopSignal.isSet }

    /// One round: claims up to `batch` due messages and delivers them. Returns their IDs and
    /// reports, in order.
    @discardableResult
    public func runOnce(batch: Int = 10, only id: Int64? = nil, progress: (Int64, DeliveryReport) -> Void = { _, _ in }) throws -> Int {
        let claims = try outbox.claim(owner: owner, now: Date().timeIntervalSince1970, limit: batch, ids: id.map { $0...$0 } ?? ids, route: route)
        for (index, claim) in claims.enumerated() {
            if isStopping {
                try outbox.release(claims[index...].map(\.id), now: Date().timeIntervalSince1970)
                return index
            }
            let report = deliver(claim)
            try outbox.record(report, for: claim.id, now: Date().timeIntervalSince1970)
            progress(claim.id, report)
        }
        return claims.count
    }

    /// Email through the transport; other channels one recipient at a time through theirs.
    private func deliver(_ claim: Outbox.Claim) -> DeliveryReport {
        if claim.channel == "email" {
            guard let envelope = claim.envelope else {
                return DeliveryReport(recipients: [], failure: .permanent(code: nil, reason: "the stored envelope is not valid email addresses"), transcript: [])
            }
            return transport.deliver(claim.bytes, envelope: envelope, smtputf8: claim.smtputf8)
        }
        guard let channelTransport = messageTransports[claim.channel] else {
            return DeliveryReport(recipients: [], failure: .temporary(code: nil, reason: "no transport is configured for the \(claim.channel) channel"), transcript: [])
        }
        // Exactly one result per recipient, in the claim's order (the outbox matches results to
        // recipients by position): a request that failed as a whole gives its recipient a result
        // too, or the next recipient's would be taken for it.
        var combined = DeliveryReport(recipients: [], failure: nil, transcript: [])
        for recipient in claim.recipients {
            let report = channelTransport.send(claim.bytes, to: recipient)
            var result = report.recipients.first ?? RecipientResult(address: recipient, status: .deferred, code: 0, reply: "")
            result.address = recipient
            if let failure = report.failure {
                result.status = {
                    if case .permanent = failure { return .rejected }
                    return .deferred
                }()
                if result.reply.isEmpty { result.reply = failure.description }
                // A recipient refused for good does not sink the others; a temporary or
                // ambiguous failure keeps the message coming back (or held).
                if case .permanent = failure {} else { combined.failure = failure }
            }
            combined.recipients.append(result)
            combined.transcript += report.transcript
        }
        return combined
    }

    /// Runs until stopped (or, with `untilIdle`, until nothing is due), polling when idle.
    public func run(batch: Int = 10, pollInterval: Double = 1, untilIdle: Bool = false,
                    progress: (Int64, DeliveryReport) -> Void = { _, _ in }) throws {
        while !isStopping {
            let done = try runOnce(batch: batch, progress: progress)
            if done == 0 {
                if untilIdle { return }
                Thread.sleep(forTimeInterval: pollInterval)
            }
        }
    }
}

final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
