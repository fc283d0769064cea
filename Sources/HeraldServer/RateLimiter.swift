import Foundation

/// A token bucket per caller (an API token, a session, a sign-in email): `burst` requests at
/// once, refilled at `perSecond`. A request beyond is refused with 429 and how long to wait,
/// before it does any work — a runaway script cannot starve the agents.
public actor RateLimiter {
    public struct Rule: Sendable, CustomStringConvertible {
        public var perSecond: Double
        public var burst: Double

        public init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = burst
        }

        /// Per token or session: 20 requests a second, 100 at once — far above what a person
        /// at the web inbox makes, and a script that needs more is doing something wrong.
        public static let requests = Rule(perSecond: 20, burst: 100)
        /// Per email: 5 sign-in attempts at once, then one every 12 seconds — a password
        /// cannot be guessed through the API.
        public static let signIns = Rule(perSecond: 1.0 / 12, burst: 5)

        public var description: String {
            perSecond >= 1 ? "\(Int(burst)) requests at once or \(Int(perSecond)) a second"
                : "\(Int(burst)) attempts at once or one every \(Int((1 / perSecond).rounded())) seconds"
        }
    }

    public nonisolated let rule: Rule
    private let clock: @Sendable () -> Date
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    public init(_ rule: Rule, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.rule = rule
        self.clock = clock
    }

    /// Takes one request from `caller`'s bucket: nil when admitted, else the seconds until
    /// one would be.
    public func admit(_ caller: String) -> Int? {
        let now = clock()
        var bucket = buckets[caller] ?? (rule.burst, now)
        bucket.tokens = min(rule.burst, bucket.tokens + now.timeIntervalSince(bucket.at) * rule.perSecond)
        bucket.at = now
        defer {
            buckets[caller] = bucket
            if buckets.count > 10_000 { forgetFull(at: now) }
        }
        guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rule.perSecond).rounded(.up))) }
        bucket.tokens -= 1
        return nil
    }

    /// Buckets that have refilled are the same as none: forgotten, so memory stays bounded by
    /// the callers active in the last `burst / perSecond` seconds.
    private func forgetFull(at now: Date) {
        buckets = buckets.filter { $0.value.tokens + now.timeIntervalSince($0.value.at) * rule.perSecond < rule.burst }
    }
}
