import Foundation

/// The work files an import makes and removes when it ends — a message spooled from a pipe
/// (`.inbound-*.eml`), the parser's folder of a message's files (`.incoming-*`), a message
/// fetched from IMAP (`.imap/imap-*.eml`) — stay behind when the process is killed (`kill -9`, the
/// machine stopped). The next import removes those of them a day old: by then the MTA or the IMAP
/// cursor has handed the message over again, and a fresh one may be another run's, in use now.
enum StaleWorkFiles {
    static let age: TimeInterval = 24 * 3600

    /// Removes the entries of `folder` named `prefix…suffix` last changed more than `age` ago.
    static func remove(in folder: String, prefix: String, suffix: String = "", now: Date = Date()) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let changed = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(changed) > age else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
