import HeraldChannels
import Metrics

/// What delivery reports to a metrics backend (swift-metrics: Prometheus in `herald serve` and
/// `herald worker --metrics`, anything else a library user bootstraps). The names, for the
/// dashboards that read them:
///
/// - `herald_delivery_attempts_total{channel, result}`: attempts by result — `delivered` (every
///   recipient answered, accepted or refused), `temporary`, `permanent`, `ambiguous` (the
///   failure class of an attempt that failed whole or in part: a deferral is `temporary`);
/// - `herald_delivery_recipients_total{channel, outcome}`: recipients `accepted`, `deferred`,
///   `rejected`;
/// - `herald_delivery_duration_seconds{channel}`: a histogram of one attempt's time, the
///   transport's (connection, dialogue, the provider's answer);
/// - `herald_outbox_messages{state}`: the outbox's backlog when last looked at — `due`,
///   `waiting` (a retry later), `sending` (in flight), `held` (ambiguous, waiting for a person).
public struct DeliveryMetrics: Sendable {
    private let factory: any MetricsFactory

    /// `factory`: where the metrics go (default: what `MetricsSystem` was bootstrapped with).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Counts one attempt and its recipients and times it.
    public func attempt(channel: ChannelID, report: DeliveryReport, duration: Duration) {
        let result: String = switch report.failure {
        case nil: report.recipients.contains { $0.status == .deferred } ? "temporary" : "delivered"
        case .temporary: "temporary"
        case .permanent: "permanent"
        case .ambiguous: "ambiguous"
        }
        Counter(label: "herald_delivery_attempts_total", dimensions: [("channel", channel.rawValue), ("result", result)], factory: factory).increment()
        for outcome in [RecipientResult.Status.accepted, .deferred, .rejected] {
            let count = report.recipients.filter { $0.status == outcome }.count
            guard count > 0 else { continue }
            Counter(label: "herald_delivery_recipients_total", dimensions: [("channel", channel.rawValue), ("outcome", outcome.rawValue)], factory: factory)
                .increment(by: count)
        }
        Timer(label: "herald_delivery_duration_seconds", dimensions: [("channel", channel.rawValue)], factory: factory).record(duration: duration)
    }

    /// Sets the backlog gauges.
    public func record(_ backlog: Outbox.Backlog) {
        for (state, count) in [("due", backlog.due), ("waiting", backlog.waiting), ("sending", backlog.sending), ("held", backlog.held)] {
            Gauge(label: "herald_outbox_messages", dimensions: [("state", state)], factory: factory).record(count)
        }
    }
}

/// A transport that reports every attempt to `DeliveryMetrics`, then answers as the one it wraps.
public struct MeteredTransport: Transport {
    public let base: any Transport
    public let metrics: DeliveryMetrics

    public init(_ base: any Transport, metrics: DeliveryMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func deliver(_ outbound: Outbound) async -> DeliveryReport {
        let start = ContinuousClock.now
        let report = await base.deliver(outbound)
        metrics.attempt(channel: outbound.channel, report: report, duration: ContinuousClock.now - start)
        return report
    }
}
