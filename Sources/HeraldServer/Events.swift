import Foundation
import HeraldInbox
import Hummingbird

/// `GET /api/v1/events`: the audit trail as server-sent events, for the Pending and Active tabs
/// and an open interaction to follow. Each event is `id: SEQUENCE`, `event: KIND`, `data: the
/// Interaction.Event as JSON`; only events of interactions the agent may see now are sent. A
/// client that reconnects with `Last-Event-ID` (EventSource does it by itself) gets every event
/// after that one: nothing is lost, since the trail is stored and numbered in commit order.
///
/// Between two reads the stream waits on the store (`InboxStore.waitForEvents`): PostgreSQL's
/// store hears every server's commits (LISTEN/NOTIFY), SQLite's is polled, since another
/// process may write the file too. The stream ends after
/// `duration` seconds, so that a shutdown never waits on it: the client reconnects. `?wait=false`
/// answers what there is now and ends.
struct EventStream: Sendable {
    let inbox: Inbox
    var poll: Duration = .milliseconds(200)
    var duration: Duration = .seconds(60)
    var batch = 200

    func response(_ request: Request, agent: String) throws -> Response {
        let fromHeader: String? = request.headers.first(where: { $0.name.canonicalName == "last-event-id" })?.value
        let fromQuery: String? = request.uri.queryParameters.get("after")
        let header = fromHeader ?? fromQuery
        var start: Int64 = 0
        if let header {
            guard let value = Int64(header.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw Problem(.usage, "Last-Event-ID must be an event's sequence number (0 or more), not '\(header)'", field: "Last-Event-ID")
            }
            start = value
        }
        let waits = request.uri.queryParameters.get("wait") != "false"
        let first = start
        let stream = self
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            var last = first
            let clock = ContinuousClock()
            let end = clock.now + stream.duration
            var visible: [String: Bool] = [:]
            var mark: UInt64 = 0
            while true {
                let events = try await stream.inbox.store.events(after: last, limit: stream.batch)
                var text = ""
                for event in events {
                    guard let sequence = event.sequence else { continue }
                    last = sequence
                    if visible[event.interaction] == nil {
                        visible[event.interaction] = (try? await stream.inbox.interaction(event.interaction, for: agent)) != nil
                    }
                    guard visible[event.interaction] == true else { continue }
                    let data = String(decoding: try JSON.encoder.encode(event), as: UTF8.self)
                    text += "id: \(sequence)\nevent: \(event.kind.rawValue)\ndata: \(data)\n\n"
                }
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                if events.count == stream.batch { continue }
                if !waits || clock.now >= end || Task.isCancelled { break }
                // A transfer can make an interaction visible or not: ask again next round.
                visible = [:]
                mark = await stream.inbox.store.waitForEvents(since: mark, polling: stream.poll)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }
}
