/// A moment as RFC 5322 §3.3 writes it: `Tue, 25 Nov 2026 09:32:55 +0000`. Computed from the
/// Unix time by calendar arithmetic, never through the process locale or time zone.
public struct MessageDate: Hashable, Sendable, CustomStringConvertible {
    public let secondsSince1970: Int64
    /// Offset from UTC in minutes (+60 for +0100).
    public let utcOffsetMinutes: Int

    public init(secondsSince1970: Int64, utcOffsetMinutes: Int = 0) {
        self.secondsSince1970 = secondsSince1970
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// The fixed date of deterministic mode (golden files): 1 January 2024, midnight UTC.
    public static let deterministic = MessageDate(secondsSince1970: 1_704_067_200)

    public var description: String {
        let local = secondsSince1970 + Int64(utcOffsetMinutes) * 60
        let days = Int(local.floorDivided(by: 86_400))
        let secondOfDay = Int(local - Int64(days) * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        // 1970-01-01 was a Thursday.
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let monthName = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]
        let sign = utcOffsetMinutes < 0 ? "-" : "+"
        let offset = abs(utcOffsetMinutes)
        return "\(weekday), \(Self.two(day)) \(monthName) \(year) \(Self.two(secondOfDay / 3600)):\(Self.two(secondOfDay / 60 % 60)):\(Self.two(secondOfDay % 60)) \(sign)\(Self.two(offset / 60))\(Self.two(offset % 60))"
    }

    private static func two(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
    /// (Howard Hinnant's civil_from_days algorithm).
    package static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
