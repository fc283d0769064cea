import Foundation

// What the outbox's values say to a person: the lines `herald send`, `herald outbox` and
// `herald worker` print. They point at the herald commands that act on what they describe.

extension DeliveryReport {
    /// One line per recipient, "accepted  ana@example.com  250 2.0.0 Ok", then the failure of
    /// the whole attempt if there was one.
    public var summary: String {
        var lines = recipients.map { "\($0.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.address)  \($0.code) \($0.reply)" }
        if let failure { lines.append(failure.description) }
        return lines.joined(separator: "\n")
    }

    /// The attempt in a few words, as `herald worker` logs each message: "1/2 accepted", or the
    /// failure of the whole attempt.
    public var outcome: String { failure.map(\.description) ?? "\(accepted.count)/\(recipients.count) accepted" }
}

extension Outbox.Entry {
    /// One tab-separated line: ID, state, attempts, sender, recipients delivered, last error.
    public var listLine: String {
        let done = recipients.filter { $0.status == .accepted }.count
        return "\(id)\t\(state.rawValue)\t\(attempts) attempt(s)\t\(sender)\t\(done)/\(recipients.count) delivered\(lastError.map { "\t\($0)" } ?? "")"
    }

    /// The message's state, then each recipient's status and last reply, a line each.
    public func details(now: Double = Date().timeIntervalSince1970) -> [String] {
        var lines = ["message \(id): \(state.rawValue), \(attempts) attempt(s), \(size) bytes, from \(sender)"]
        if let idempotencyKey { lines.append("idempotency key: \(idempotencyKey)") }
        if let lastError { lines.append("last error: \(lastError)") }
        if state == .queued { lines.append("next attempt: \(ReadableTime.text(nextAttemptAt, now: now))") }
        for recipient in recipients {
            lines.append("  \(recipient.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(recipient.address)\(recipient.code.map { "  \($0)" } ?? "") \(recipient.reply ?? "")")
        }
        return lines
    }

    /// What happens next to a message that was not sent at once ("; next attempt at … by herald
    /// worker"), to follow its state; empty when nothing waits.
    public func waitingNote(now: Double = Date().timeIntervalSince1970) -> String {
        switch state {
        case .queued: return "; next attempt at \(ReadableTime.text(nextAttemptAt, now: now)) by herald worker (herald outbox retry \(id) to try now)"
        case .held: return "; held: the server may have it — herald outbox show \(id), then herald outbox retry \(id) to send it again"
        default: return ""
        }
    }
}

extension Outbox.Backlog {
    /// What waits that a worker with nothing due does not send now, a clause each: retries and
    /// when the next is, held messages, leases of other workers, messages for other routes
    /// (which this worker would misfile). Empty: nothing is left.
    public func notes(now: Double = Date().timeIntervalSince1970) -> [String] {
        var parts: [String] = []
        if waiting > 0, let nextAttemptAt {
            parts.append("\(waiting) message\(waiting == 1 ? "" : "s") wait\(waiting == 1 ? "s" : "") for a retry, the next at \(ReadableTime.text(nextAttemptAt, now: now)) (herald outbox retry ID to try now)")
        }
        if held > 0 {
            parts.append("\(held) held after an ambiguous failure (herald outbox show ID, then herald outbox retry ID)")
        }
        if sending > 0 {
            parts.append("\(sending) leased by another worker")
        }
        for (route, count) in otherRoutes.sorted(by: { $0.key < $1.key }) {
            // Sent with another --via (or Maildir): this worker would misfile them.
            let how = route.hasPrefix("maildir:") ? "--maildir \(route.dropFirst(8))" : "--via \(route)"
            parts.append("\(count) message\(count == 1 ? " is" : "s are") for \(route), not for this worker's destination (herald worker \(how) delivers \(count == 1 ? "it" : "them"))")
        }
        return parts
    }
}
