import Foundation

/// A time as a person reads it in a report: "2026-11-30T10:35:00+01:00 (in 29 s)", in the local
/// time zone, with how far ahead it is when it is ahead. Any stored value is shown, however far
/// (a year 9999 ceiling keeps the formatter and the arithmetic in range).
public enum ReadableTime {
    public static func text(_ secondsSince1970: Double, now: Double = Date().timeIntervalSince1970, timeZone: TimeZone = .current) -> String {
        let seconds = secondsSince1970.isFinite ? min(max(secondsSince1970, 0), 253_402_300_799) : 253_402_300_799
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        let text = formatter.string(from: Date(timeIntervalSince1970: seconds))
        let delta = (seconds - now).rounded()
        guard delta > 0 else { return text }
        let span = delta < 120 ? "\(Int(delta)) s" : delta < 7200 ? "\(Int(delta / 60)) min" : delta < 172_800 ? "\(Int(delta / 3600)) h" : "\(Int(delta / 86_400)) days"
        return "\(text) (in \(span))"
    }
}
