import Foundation

// What a send says to its author (`herald send` prints these): one line per stored message, the
// summary of a bulk send, and the failure when not every recipient accepted.

extension Sender.Sent {
    /// "outbox message 7: sent (via smtp://…)", and for a message still waiting when it is
    /// tried next.
    public func line(via destination: String, now: Double = Date().timeIntervalSince1970) -> String {
        "outbox message \(entry.id): \(entry.state.rawValue) (via \(destination))\(entry.waitingNote(now: now))"
    }

    /// Why a send failed when not every recipient accepted one of `sent`, naming those messages;
    /// nil when every one was delivered.
    public static func failure(of sent: [Sender.Sent]) -> String? {
        let notAccepted = sent.filter { !$0.isDelivered }.map(\.entry.id)
        guard let first = notAccepted.first else { return nil }
        return "not every recipient accepted outbox message\(notAccepted.count == 1 ? "" : "s") \(notAccepted.map(String.init).joined(separator: ", ")) "
            + "(see the lines above, or herald outbox show \(first))"
    }
}

extension Sender.Bulk {
    /// The lines after a bulk send: how many messages an earlier send with the same key had
    /// stored (`keyName`: what the caller calls the idempotency key), then how many were sent.
    public func summary(keyName: String = "idempotency key") -> [String] {
        var lines: [String] = []
        if storedBefore > 0 {
            lines.append("\(storedBefore) of the \(stored.ids.count) messages were stored by an earlier send with the same \(keyName); herald worker delivers what is left of them")
        }
        lines.append("\(entries.count - notDelivered) sent, \(notDelivered) not delivered\(notDelivered == 0 ? "" : " (see herald outbox list)")")
        return lines
    }

    /// Why the send failed when some messages were not delivered; nil when all were.
    public var failure: String? {
        notDelivered == 0 ? nil : "\(notDelivered) of \(entries.count) messages were not delivered (see herald outbox list)"
    }
}
