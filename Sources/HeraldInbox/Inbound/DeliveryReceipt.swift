import Foundation
import HeraldChannels

/// What a provider reports about a message after it accepted it: WhatsApp's and the SMS
/// provider's status callbacks (sent, delivered, read, failed), an email's bounce (a delivery
/// status notification: failed, with the reported status).
///
/// Callbacks arrive late, twice and out of order; a receipt is kept only when it moves the
/// recipient's state forward (`supersedes`), so a delivered that arrives after read never
/// makes the message look unread.
public struct DeliveryReceipt: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case sent, delivered, read, failed
    }

    public var channel: ChannelID
    /// The message the status is about, by the provider's ID of it — WhatsApp's `wamid…`, the
    /// SMS's `MessageSid`, the email's Message-ID (without angle brackets).
    public var externalID: String
    /// An E.164 number or an addr-spec.
    public var recipient: String
    public var status: Status
    /// When the provider says it happened.
    public var at: Date
    /// A failure's reason: WhatsApp's error code and title, the DSN's status code
    /// (`5.1.1`) and diagnostic.
    public var detail: String?

    public init(channel: ChannelID, externalID: String, recipient: String, status: Status, at: Date, detail: String? = nil) {
        self.channel = channel
        self.externalID = externalID
        self.recipient = recipient
        self.status = status
        self.at = at
        self.detail = detail
    }

    /// Whether this receipt replaces `current` (nil: none yet). Sent < delivered < read; a
    /// failure replaces only sent (a message delivered or read did reach the customer); nothing
    /// replaces a failure; the same status again changes nothing (a callback delivered twice).
    public func supersedes(_ current: Status?) -> Bool {
        guard let current else { return true }
        switch (current, status) {
        case (.failed, _): return false
        case (_, .failed): return current == .sent
        default: return Self.rank(status) > Self.rank(current)
        }
    }

    private static func rank(_ status: Status) -> Int {
        switch status {
        case .sent: return 1
        case .delivered: return 2
        case .read: return 3
        case .failed: return 4
        }
    }
}
