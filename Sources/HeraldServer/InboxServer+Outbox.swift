import Foundation
import Herald
import HeraldInbox

extension InboxServer {
    /// `herald serve`'s run: the inbox in `store` served over HTTP until SIGTERM or SIGINT, its
    /// messages stored in `delivery`'s outbox (prepared by it: routes, WhatsApp media) and, when
    /// `deliversOutbox`, delivered by one worker beside the server — otherwise a `herald worker`
    /// elsewhere does. `listening` is told the port once connections are accepted.
    public static func serve(_ store: any InboxStore, delivery: DeliveryConfiguration, configuration: Configuration, deliversOutbox: Bool = true,
                             imap: IMAPPoll? = nil, listening: @escaping @Sendable (Int) -> Void) async throws {
        let outbox = try await delivery.openOutbox()
        let inbox = Inbox(store: store, outbox: outbox, composer: Composer(dkim: delivery.dkim), prepare: { try await delivery.prepare($0) })
        let metrics = MetricsEndpoint(outbox: outbox, route: delivery.route)
        let workers = deliversOutbox ? try delivery.workers(for: outbox, count: 1, metrics: metrics.delivery) : []
        var server = InboxServer(inbox: inbox, configuration: configuration)
        server.metrics = metrics
        // Once, at start: the inbox's templates that did not load and why.
        for failure in server.templates.failures {
            FileHandle.standardError.write(Data("herald serve: warning: \(failure)\n".utf8))
        }
        let delivering = Task {
            try await OutboxWorker.runAll(workers, batch: 10, pollInterval: 0.2)
        }
        // Customers' mail from an IMAP folder, beside the server (`herald serve --imap`).
        let polling = imap.map { poll in
            Task {
                await poll.run(into: inbox, files: InboundFiles(folder: configuration.inboundFiles)) { line in
                    FileHandle.standardError.write(Data("herald serve: \(line)\n".utf8))
                }
            }
        }
        defer { polling?.cancel() }
        // Stopped however the server ends, so the delivery task ends too.
        defer {
            for worker in workers { worker.stop() }
        }
        try await server.run(listening: listening)
        for worker in workers { worker.stop() }
        try await delivering.value
    }
}
