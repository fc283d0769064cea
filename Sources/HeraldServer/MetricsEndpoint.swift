import Foundation
import HeraldDelivery
import HeraldInbox
import Hummingbird
import Logging
import Metrics
import Prometheus

/// The Prometheus text exposition of a process's metrics (swift-prometheus's registry behind
/// swift-metrics): `GET /metrics` on `herald serve` (for a supervisor's or an administrator's
/// token: what the outbox holds is the contact center's business), and a listener of its own for
/// `herald worker --metrics HOST:PORT` (no token: bind it to loopback or the scrape network).
/// Each scrape first looks at the outbox, so the backlog gauges are current.
public struct MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// What delivery reports into `registry`.
    public let delivery: DeliveryMetrics
    private let outbox: (any OutboxStore)?
    private let route: String?

    /// `outbox`: the store whose backlog each scrape reports (`route`: a worker's email route).
    public init(outbox: (any OutboxStore)?, route: String? = nil) {
        registry = PrometheusCollectorRegistry()
        delivery = DeliveryMetrics(factory: PrometheusMetricsFactory(registry: registry))
        self.outbox = outbox
        self.route = route
    }

    /// The exposition, backlog first looked up (an outbox that cannot answer leaves the gauges
    /// as they were: a scrape is not the place to fail).
    public func exposition() async -> [UInt8] {
        if let outbox, let backlog = try? await outbox.backlog(now: Date().timeIntervalSince1970, route: route) {
            delivery.record(backlog)
        }
        return registry.emitToBuffer()
    }

    func response() async -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: await exposition())))
    }

    /// `GET /metrics` behind the API's authentication, for supervisors and administrators.
    func register(on router: Router<ServerContext>, authentication: Authentication) {
        router.group("/metrics").add(middleware: authentication).get { _, context in
            guard let agent = context.signedIn else { throw Problem.unauthenticated("/metrics needs an API token or a session") }
            guard agent.role == .supervisor || agent.role == .administrator else {
                throw Problem(.unauthorized, "/metrics is for supervisors and administrators; \(agent.id) is an agent")
            }
            return await response()
        }
    }

    /// Serves `GET /metrics` alone on `host:port` (0: a free port, told to `listening`) until
    /// the task is cancelled or the process is signalled.
    public func serve(host: String, port: Int, listening: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router()
        let endpoint = self
        router.get("/metrics") { _, _ in await endpoint.response() }
        var logger = Logger(label: "herald-metrics")
        logger.logLevel = .error
        let application = Application(router: router,
                                      configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Herald"),
                                      onServerRunning: { channel in listening(channel.localAddress?.port ?? 0) }, logger: logger)
        try await application.runService(gracefulShutdownSignals: [])
    }
}
