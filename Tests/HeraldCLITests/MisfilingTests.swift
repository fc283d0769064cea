import Foundation
import HeraldTestSupport
import Testing

/// A message reaches the destination it was sent to, each recipient's result is its own, and a
/// send delivers only its own messages.
@Suite(.serialized) struct MisfilingTests {
    func workspace() throws -> (URL, String) {
        let directory = try HeraldProcess.temporaryDirectory()
        let input = directory.appendingPathComponent("reply.md")
        try Data("Your refund is on its way.\n".utf8).write(to: input)
        return (directory, input.path)
    }

    func maildirCount(_ directory: URL) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("maildir/new").path).count) ?? 0
    }

    @Test func aMessageSentViaSMTPIsNeverDeliveredToTheMaildirByAnotherWorker() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outbox = ["--outbox", directory.appendingPathComponent("outbox.sqlite").path, "--maildir", directory.appendingPathComponent("maildir").path]
        // Nothing listens on port 1: the message waits for its server.
        let send = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--to", "ana@example.com", "--via", "smtp://127.0.0.1:1",
                                          "--starttls", "none", "--retry-base", "0"] + outbox, in: directory)
        #expect(send.status == 1)
        #expect(send.stdout.contains("outbox message 1: queued"), "\(send.stdout)")
        let plain = try HeraldProcess.run(["worker", "--until-idle"] + outbox, in: directory)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(maildirCount(directory) == 0, "a message meant for smtp://127.0.0.1:1 was delivered to the Maildir")
        #expect(plain.stdout.contains("1 message is for smtp://127.0.0.1:1, not for this worker's destination (herald worker --via smtp://127.0.0.1:1 delivers it)"),
                "\(plain.stdout)")
        // Its own worker delivers it, once a server listens there… here: a server on a real port.
        let server = try TestServer([])
        let list = try HeraldProcess.run(["outbox", "show", "1"] + outbox, in: directory)
        #expect(list.stdout.hasPrefix("message 1: queued"), "\(list.stdout)")
        let other = try HeraldProcess.run(["worker", "--until-idle", "--via", server.url, "--starttls", "none"] + outbox, in: directory)
        #expect(other.stdout.contains("1 message is for smtp://127.0.0.1:1"), "\(other.stdout)")
        #expect(try server.received().isEmpty)
    }

    @Test func aBulkSendDeliversOnlyItsOwnMessages() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TestServer([])
        let outbox = ["--outbox", directory.appendingPathComponent("outbox.sqlite").path]
        let via = ["--via", server.url, "--starttls", "none"]
        // An earlier message for the same server, waiting for its retry time.
        let earlier = try TestServer(["--greylist", "old@example.com"])
        let first = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--to", "old@example.com", "--via", earlier.url,
                                           "--starttls", "none"] + outbox, in: directory)
        #expect(first.status == 1)
        _ = try HeraldProcess.run(["outbox", "retry", "1"] + outbox, in: directory)  // due now
        let recipients = directory.appendingPathComponent("list.txt")
        try Data("ana@example.com\r\nbo@example.com\r\n".utf8).write(to: recipients)  // CRLF, as spreadsheets write it
        let bulk = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--recipients-file", recipients.path] + via + outbox,
                                         in: directory)
        #expect(bulk.status == 0, "\(bulk.stdout)\(bulk.stderr)")
        #expect(bulk.stdout.contains("sending 2 messages"), "\(bulk.stdout)")
        #expect(bulk.stdout.contains("2 sent, 0 not delivered"), "\(bulk.stdout)")
        #expect(try server.received().flatMap(\.recipients).sorted() == ["ana@example.com", "bo@example.com"])
        #expect(try earlier.received().isEmpty)
        let show = try HeraldProcess.run(["outbox", "show", "1"] + outbox, in: directory)
        #expect(show.stdout.hasPrefix("message 1: queued"), "\(show.stdout)")
    }

    @Test func eachNumberOfAnSMSKeepsItsOwnResult() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The first request is read whole, then the connection closes without an answer: the
        // provider may have sent that SMS. The second is accepted.
        let provider = try TestServer(script: "provider-server.py", ["--api", "sms", "--statuses", "0,201"])
        let environment = ["HERALD_SMS_URL": "http://127.0.0.1:\(provider.port)", "HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t",
                           "HERALD_SMS_FROM": "+15005550006"]
        let outbox = ["--outbox", directory.appendingPathComponent("outbox.sqlite").path, "--retry-base", "0"]
        let send = try HeraldProcess.run(["send", input, "--channel", "sms", "--to", "+34611111111, +34622222222"] + outbox,
                                         in: directory, environment: environment)
        #expect(send.status == 1)
        #expect(send.stdout.contains("outbox message 1: held"), "\(send.stdout)")
        let show = try HeraldProcess.run(["outbox", "show", "1"] + outbox, in: directory)
        let lines = show.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  deferred  +34611111111") && $0.contains("the request was sent but no answer came") }, "\(show.stdout)")
        #expect(lines.contains { $0.hasPrefix("  accepted  +34622222222") && $0.contains("accepted as SM2") }, "\(show.stdout)")
        // Retried by hand: only the number without a result is sent again.
        #expect(try HeraldProcess.run(["outbox", "retry", "1"] + outbox, in: directory).status == 0)
        let worker = try HeraldProcess.run(["worker", "--until-idle"] + outbox, in: directory, environment: environment)
        #expect(worker.stdout.contains("message 1: 1/1 accepted"), "\(worker.stdout)")
        let sentTo = try provider.requests().map { request in
            String(decoding: request.body, as: UTF8.self).split(separator: "&").first { $0.hasPrefix("To=") }.map(String.init) ?? ""
        }
        #expect(sentTo == ["To=%2B34611111111", "To=%2B34622222222", "To=%2B34611111111"])
    }

    @Test func aTemporaryFailureOfOneNumberRetriesThatNumberOnly() throws {
        let (directory, input) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let provider = try TestServer(script: "provider-server.py", ["--api", "sms", "--statuses", "503,201"])
        let environment = ["HERALD_SMS_URL": "http://127.0.0.1:\(provider.port)", "HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t",
                           "HERALD_SMS_FROM": "+15005550006"]
        let outbox = ["--outbox", directory.appendingPathComponent("outbox.sqlite").path, "--retry-base", "0"]
        _ = try HeraldProcess.run(["send", input, "--channel", "sms", "--to", "+34611111111, +34622222222"] + outbox, in: directory, environment: environment)
        _ = try HeraldProcess.run(["worker", "--until-idle"] + outbox, in: directory, environment: environment)
        let show = try HeraldProcess.run(["outbox", "show", "1"] + outbox, in: directory)
        #expect(show.stdout.hasPrefix("message 1: sent"), "\(show.stdout)")
        #expect(try provider.requests().count == 3)
    }
}
