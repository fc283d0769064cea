import Foundation
import HeraldInbox
import Hummingbird
import Logging

/// `herald serve`: the inbox's JSON API over HTTP/1.1 (Hummingbird 2). Every answer is JSON,
/// every error an RFC 9457 problem; every route under /api/v1 but the OpenAPI document needs a
/// bearer API token.
public struct InboxServer: Sendable {
    public struct Configuration: Sendable {
        /// Loopback by default: nothing is served to the network unless asked.
        public var host: String
        /// 0: a free port, chosen by the system (`run` tells it).
        public var port: Int
        /// The largest request body, in bytes (413 beyond).
        public var bodyLimit: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = 1 << 20) {
            self.host = host
            self.port = port
            self.bodyLimit = bodyLimit
        }
    }

    public let inbox: Inbox
    public var configuration: Configuration

    public init(inbox: Inbox, configuration: Configuration = Configuration()) {
        self.inbox = inbox
        self.configuration = configuration
    }

    /// The router with every route; its `routes` are what the OpenAPI document must list.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        // First: it wraps every route added after it, and the answer to a route that is not there.
        router.add(middleware: ProblemMiddleware(bodyLimit: configuration.bodyLimit))
        API(inbox: inbox, bodyLimit: configuration.bodyLimit).register(on: router)
        return router
    }

    /// Serves until SIGTERM or SIGINT; `listening` is called with the port once it accepts
    /// connections.
    public func run(listening: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "herald-serve")
        logger.logLevel = .error
        let application = Application(
            router: router(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Herald"),
            onServerRunning: { channel in listening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.runService()
    }
}
