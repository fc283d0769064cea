import Foundation
@testable import HeraldDelivery
import HeraldChannels
import HeraldMIME

/// The shapes the outbox tests write messages in, on top of `OutboxStore`'s one `enqueue`.
extension OutboxStore {
    func enqueueEmail(_ bytes: [UInt8], envelope: Envelope, smtputf8: Bool, route: String? = nil, idempotencyKey: String? = nil,
                      fingerprint: String? = nil, now: Double) async throws -> Int64 {
        try await enqueue(Outbound(channel: .email, sender: envelope.mailFrom.addrSpec, recipients: envelope.recipients.map(\.addrSpec),
                                   payload: .bytes(bytes), smtputf8: smtputf8, route: route, idempotencyKey: idempotencyKey, fingerprint: fingerprint),
                          now: now)
    }

    func enqueueEmail(_ bytes: [UInt8], channel: String, sender: String, recipients: [String], smtputf8: Bool = false, route: String? = nil,
                      idempotencyKey: String? = nil, now: Double) async throws -> Int64 {
        guard let id = ChannelID(rawValue: channel) else { throw OutboxError(.invalid, "no channel \(channel)") }
        return try await enqueue(Outbound(channel: id, sender: sender, recipients: recipients, payload: .bytes(bytes), smtputf8: smtputf8,
                                          route: route, idempotencyKey: idempotencyKey), now: now)
    }

    func claiming(owner: String, now: Double, limit: Int = 10, ids: ClosedRange<Int64>? = nil, route: String? = nil) async throws -> [Outbox.Claim] {
        try await claim(owner: owner, now: now, limit: limit, ids: ids, route: route)
    }
}

extension Outbox.Claim {
    var bytes: [UInt8] { outbound.bytes }
    var recipients: [String] { outbound.recipients }
    var envelope: Envelope? { outbound.envelope }
}

/// The stores the conformance suite runs against; a new store is a new case.
enum OutboxStoreKind: String, CaseIterable, Sendable {
    case sqlite

    /// A new, empty store.
    func make(policy: Outbox.Policy = Outbox.Policy()) throws -> any OutboxStore {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-outbox-\(UUID().uuidString).sqlite").path
            return try SQLiteOutboxStore(path: path, policy: policy)
        }
    }
}
