import Foundation
@testable import HeraldDelivery
import HeraldChannels
import HeraldMIME
import HeraldPostgres
import HeraldTestSupport

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
    /// A fresh database on the test process's own PostgreSQL server (`PostgresServer`).
    case postgres

    /// A new, empty store.
    func make(policy: Outbox.Policy = Outbox.Policy()) async throws -> any OutboxStore {
        try await makeShared(policy: policy).first
    }

    /// A new, empty store and a way to open it again — a second process's view of the same
    /// outbox (its own connections, or its own SQLite handle).
    func makeShared(policy: Outbox.Policy = Outbox.Policy()) async throws -> (first: any OutboxStore, again: @Sendable () async throws -> any OutboxStore) {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-outbox-\(UUID().uuidString).sqlite").path
            return (try SQLiteOutboxStore(path: path, policy: policy), { try SQLiteOutboxStore(path: path, policy: policy) })
        case .postgres:
            let url = try PostgresServer.shared().makeDatabase()
            let open: @Sendable () async throws -> any OutboxStore = {
                // The whole suite blocks Swift concurrency's few threads with processes it runs,
                // so a call can wait long for a thread: the call timeout is for real hangs only.
                try await PostgresOutboxStore.open(try PostgresLocation(url, name: "the test database"), policy: policy, callTimeout: .seconds(600))
            }
            return (try await open(), open)
        }
    }
}
