import Foundation
import HeraldInbox
import Hummingbird
import Logging

/// `herald serve`: the inbox's JSON API over HTTP/1.1 (Hummingbird 2). Every answer is JSON,
/// every error an RFC 9457 problem; every route under /api/v1 but the OpenAPI document needs a
/// bearer API token or a session. The providers' webhooks (/webhooks/…) need their signature instead.
public struct InboxServer: Sendable {
    public struct Configuration: Sendable {
        /// Loopback by default: nothing is served to the network unless asked.
        public var host: String
        /// 0: a free port, chosen by the system (`run` tells it).
        public var port: Int
        /// The largest JSON request body, in bytes (413 beyond).
        public var bodyLimit: Int
        /// Where uploaded attachments are kept (the data folder's uploads/).
        public var uploads: String
        /// The largest upload, in bytes (413 beyond): 25 MB, what most mail providers take.
        public var uploadLimit: Int
        /// Requests per API token or session; nil: no limit (benchmarks).
        public var rateLimit: RateLimiter.Rule?
        /// Sign-in attempts per email.
        public var signInLimit: RateLimiter.Rule
        /// The folder of the composer's templates (`TemplateLibrary`); nil: the picker lists none.
        public var templates: String?
        /// Where the files customers send are kept (`InboundFiles`: the data folder's
        /// inbound-files/): the webhooks keep media there, the API serves them from there.
        public var inboundFiles = ".herald/inbound-files"
        /// The providers' webhooks (/webhooks/…): their secrets; none by default, and a webhook
        /// without its secret answers 404.
        public var webhooks: WebhookConfiguration

        public init(host: String = "127.0.0.1", port: Int = 8080, bodyLimit: Int = 1 << 20, uploads: String = ".herald/uploads",
                    uploadLimit: Int = 25 << 20, rateLimit: RateLimiter.Rule? = .requests, signInLimit: RateLimiter.Rule = .signIns,
                    templates: String? = nil, webhooks: WebhookConfiguration = WebhookConfiguration()) {
            self.host = host
            self.port = port
            self.bodyLimit = bodyLimit
            self.uploads = uploads
            self.uploadLimit = uploadLimit
            self.rateLimit = rateLimit
            self.signInLimit = signInLimit
            self.templates = templates
            self.webhooks = webhooks
        }

        /// Whether the session cookie is marked Secure: unless the server listens on loopback
        /// only (a browser keeps a Secure cookie only from HTTPS; on the network, Herald belongs
        /// behind a TLS proxy).
        public var secureCookie: Bool {
            !["127.0.0.1", "::1", "localhost"].contains(host)
        }
    }

    public let inbox: Inbox
    public let signIn: SignIn
    public var configuration: Configuration
    /// Read once here: a template that does not load is reported in its `failures`, not per request.
    public let templates: TemplateLibrary
    /// `GET /metrics` (Prometheus) when set: `serve` sets it, with the outbox's worker reporting
    /// into it.
    public var metrics: MetricsEndpoint?

    public init(inbox: Inbox, signIn: SignIn? = nil, configuration: Configuration = Configuration()) {
        self.inbox = inbox
        self.signIn = signIn ?? SignIn(store: inbox.store, clock: inbox.clock)
        self.configuration = configuration
        templates = configuration.templates.map { TemplateLibrary(directory: URL(fileURLWithPath: $0)) } ?? .empty
    }

    /// The router with every route; its `routes` are what the OpenAPI document must list.
    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        // First: it wraps every route added after it, and the answer to a route that is not there.
        router.add(middleware: ProblemMiddleware(bodyLimit: configuration.bodyLimit))
        API(inbox: inbox, signIn: signIn, bodyLimit: configuration.bodyLimit,
            uploads: Uploads(folder: configuration.uploads, limit: configuration.uploadLimit, ids: .random),
            rateLimiter: configuration.rateLimit.map { RateLimiter($0) }, signInAttempts: RateLimiter(configuration.signInLimit),
            secureCookie: configuration.secureCookie, templates: templates, inboundFiles: InboundFiles(folder: configuration.inboundFiles)).register(on: router)
        var webhooks = configuration.webhooks
        webhooks.inboundFiles = InboundFiles(folder: configuration.inboundFiles)
        Webhooks(inbox: inbox, configuration: webhooks, bodyLimit: configuration.bodyLimit).register(on: router)
        WebRoutes().register(on: router)
        metrics?.register(on: router, authentication: Authentication(store: inbox.store, signIn: signIn, rateLimiter: nil))
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
