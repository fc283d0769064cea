import Foundation
import HeraldDelivery
import HeraldMIME

/// A PostgreSQL database named by a URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
/// (`postgresql://` too), with `?sslmode=disable|prefer|require` (default `prefer`: TLS when the
/// server offers it). Without a password in the URL, `PGPASSWORD` (or the file named by
/// `HERALD_DATABASE_PASSWORD_FILE`) gives it: a secret never has to be on a command line.
///
/// `description` never shows the password: it names the database in every message and log line.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses and checks the URL; `name` is what the caller calls it ("--outbox",
    /// "HERALD_DATABASE_URL") in errors, which never quote the password.
    public init(_ text: String, name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let shown = DeliveryConfiguration.withoutPassword(text)
        let expected = "like postgres://herald@db.example.com:5432/herald"
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw HeraldError(.usage, "\(name) '\(shown)' is not a PostgreSQL URL; expected \(expected)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw HeraldError(.usage, "\(name) '\(shown)' names no host; expected \(expected)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw HeraldError(.usage, "\(name) '\(shown)' names no user; expected \(expected)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw HeraldError(.usage, "\(name) '\(shown)' names no database (the path after the host); expected \(expected)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user
        self.database = database
        self.tls = .prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw HeraldError(.usage, "\(name) '\(shown)': sslmode '\(item.value ?? "")' is not disable, prefer or require")
                }
                tls = mode
            default:
                throw HeraldError(.usage, "\(name) '\(shown)': unknown parameter '\(item.name)'; Herald reads sslmode (disable, prefer or require)")
            }
        }
        if let password = components.password {
            self.password = password.removingPercentEncoding ?? password
        } else if let password = environment["PGPASSWORD"] {
            self.password = password
        } else if let file = environment["HERALD_DATABASE_PASSWORD_FILE"] {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw HeraldError(.io, "cannot read HERALD_DATABASE_PASSWORD_FILE \(file); it holds the database password on its first line")
            }
            self.password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        } else {
            self.password = nil
        }
    }

    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}
