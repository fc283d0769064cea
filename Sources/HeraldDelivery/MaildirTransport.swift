import Foundation
import HeraldMIME

/// The embedded default: with no SMTP server configured, messages are delivered into a Maildir
/// (`tmp/` → `new/`, the rename makes each delivery atomic), so `herald send` works on a fresh
/// machine and the user can open what was sent with any Maildir reader. The bytes are stored
/// exactly as written (CRLF line endings); every envelope recipient counts as accepted.
public struct MaildirTransport: Transport {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func deliver(_ outbound: Outbound) async -> DeliveryReport {
        guard let envelope = outbound.envelope else {
            return .refused(.permanent(code: nil, reason: "the stored envelope is not valid email addresses"))
        }
        return await Blocking.run { deliver(outbound.bytes, envelope: envelope, smtputf8: outbound.smtputf8) }
    }

    /// Writes one message into the Maildir, on the calling thread.
    public func deliver(_ message: [UInt8], envelope: Envelope, smtputf8: Bool) -> DeliveryReport {
        let name = Self.uniqueName()
        let temporary = directory.appendingPathComponent("tmp").appendingPathComponent(name)
        let final = directory.appendingPathComponent("new").appendingPathComponent(name)
        do {
            for folder in ["tmp", "new", "cur"] {
                try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            // Durable in tmp/ (fsynced) before it appears in new/: a crash never leaves a
            // truncated message where a reader looks.
            try AtomicFile.write(message, to: temporary.path)
            guard rename(temporary.path, final.path) == 0 else {
                throw AtomicFile.Failure(path: final.path, reason: errnoDescription())
            }
            AtomicFile.syncFolder(final.deletingLastPathComponent().path)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            return DeliveryReport(recipients: [], failure: .temporary(code: nil, reason: "cannot write to the Maildir \(directory.path): \(error)"),
                                  transcript: [])
        }
        let results = envelope.recipients.map {
            RecipientResult(address: $0.addrSpec, status: .accepted, code: 250, reply: "delivered to \(final.path)")
        }
        return DeliveryReport(recipients: results, failure: nil, transcript: ["stored \(final.path)"])
    }

    /// `seconds.microsecondsRrandom_Ppid.host`, unique across processes and deliveries.
    static func uniqueName() -> String {
        let now = Date().timeIntervalSince1970
        let seconds = Int(now)
        let micros = Int((now - Double(seconds)) * 1_000_000)
        let random = UInt64.random(in: 0...UInt64.max)
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "_")
        return "\(seconds).M\(micros)R\(String(random, radix: 16))P\(ProcessInfo.processInfo.processIdentifier).\(host)"
    }
}
