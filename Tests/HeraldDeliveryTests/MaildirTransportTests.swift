import Foundation
import HeraldDelivery
import HeraldMIME
import Testing

@Suite struct MaildirTransportTests {
    @Test func storesTheExactBytesInNewAndAcceptsEveryRecipient() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-maildir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let envelope = Envelope(mailFrom: try EmailAddress(validating: "a@example.com"),
                                recipients: try AddressParser.parseMailboxes("b@example.com, c@example.com"))
        let bytes = Array("Subject: hi\r\n\r\nbody\r\n".utf8)
        let transport = MaildirTransport(directory: directory)
        let first = transport.deliver(bytes, envelope: envelope, smtputf8: false)
        let second = transport.deliver(bytes, envelope: envelope, smtputf8: false)
        #expect(first.failure == nil && second.failure == nil)
        #expect(first.accepted.map(\.address) == ["b@example.com", "c@example.com"])
        let stored = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("new").path)
        #expect(stored.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("tmp").path).isEmpty)
        for name in stored {
            #expect([UInt8](try Data(contentsOf: directory.appendingPathComponent("new").appendingPathComponent(name))) == bytes)
        }
    }

    @Test func anUnwritableMaildirIsATemporaryFailure() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-notadir-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let envelope = Envelope(mailFrom: try EmailAddress(validating: "a@example.com"), recipients: try AddressParser.parseMailboxes("b@example.com"))
        let report = MaildirTransport(directory: file).deliver([0x41], envelope: envelope, smtputf8: false)
        guard case .temporary? = report.failure else {
            Issue.record("expected a temporary failure, got \(String(describing: report.failure))")
            return
        }
        #expect(report.accepted.isEmpty)
    }
}
