import Foundation
import Herald
import HeraldTestSupport
import Testing

/// `herald send` and `herald outbox`, run as real processes.
@Suite(.serialized) struct SendCommandTests {
    let input = HeraldProcess.repository.appendingPathComponent("Samples/agent-reply/input.md").path

    @Test func sendsIntoTheEmbeddedMaildirByDefault() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "ana@example.com",
                                            "--bcc", "audit@example.com", "--subject", "Refund"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("accepted  ana@example.com  250"))
        #expect(result.stdout.contains("accepted  audit@example.com  250"))
        #expect(result.stdout.contains("outbox message 1: sent (via the Maildir"))
        let stored = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(".herald/maildir/new").path)
        #expect(stored.count == 1)
        let list = try HeraldProcess.run(["outbox", "list"], in: directory)
        #expect(list.stdout.hasPrefix("1\tsent\t1 attempt(s)\tme@example.com\t2/2 delivered"))
    }

    @Test func anIdempotencyKeySendsOnce() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["send", input, "--from", "me@example.com", "--to", "ana@example.com", "--idempotency-key", "ticket-4821-reply"]
        #expect(try HeraldProcess.run(arguments, in: directory).status == 0)
        let again = try HeraldProcess.run(arguments, in: directory)
        #expect(again.stdout.contains("outbox message 1: sent"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(".herald/maildir/new").path).count == 1)
        let other = try HeraldProcess.run(["send", HeraldProcess.repository.appendingPathComponent("Samples/emoji/input.md").path,
                                           "--from", "me@example.com", "--to", "ana@example.com", "--idempotency-key", "ticket-4821-reply"], in: directory)
        #expect(other.status == 65)
        #expect(other.stderr.contains("the idempotency key \"ticket-4821-reply\" was already used for a different message"))
    }

    @Test func perRecipientResultsOverSMTP() throws {
        let server = try TestServer(["--refuse", "bo@example.com"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "ana@example.com, bo@example.com",
                                            "--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.contains("accepted  ana@example.com  250"))
        #expect(result.stdout.contains("rejected  bo@example.com  550 5.1.1 <bo@example.com>: Recipient address rejected: User unknown"))
        // Exit 1 is a failure like any other: one error line says so.
        #expect(result.stderr == "error: not every recipient accepted outbox message 1 (see the lines above, or herald outbox show 1)\n")
        #expect(server.receivedMessageIDs().count == 1)
    }

    @Test func anAmbiguousFailureIsHeldThenRetriedByHand() throws {
        let server = try TestServer(["--drop-after-data"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let via = ["--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none", "--timeout", "5"]
        let result = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "ana@example.com"] + via, in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.contains("ambiguous failure: the connection was lost after the message was sent"))
        #expect(result.stdout.contains("outbox message 1: held"))
        let show = try HeraldProcess.run(["outbox", "show", "1"], in: directory)
        #expect(show.stdout.hasPrefix("message 1: held, 1 attempt(s)"))
        let retry = try HeraldProcess.run(["outbox", "retry", "1"], in: directory)
        #expect(retry.status == 0 && retry.stdout.contains("message 1 queued"))
        // Queued already: retrying again means "now", which it already is.
        let twice = try HeraldProcess.run(["outbox", "retry", "1"], in: directory)
        #expect(twice.status == 0 && twice.stdout.contains("message 1 queued"))
        #expect(try HeraldProcess.run(["outbox", "show", "99"], in: directory).status == 65)
    }

    @Test func bulkSendWithPlainProgressLines() throws {
        let server = try TestServer([])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = directory.appendingPathComponent("recipients.txt")
        try Data("# customers\nana@example.com\nBo <bo@example.com>\n\ncy@example.com\n".utf8).write(to: list)
        let result = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--subject", "News", "--recipients-file", list.path,
                                            "--concurrency", "2", "--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none"], in: directory)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("sending 3 messages via smtp://127.0.0.1:\(server.port) on 2 connection(s)\n"))
        #expect(result.stdout.contains("3/3  sent 3  failed 0"))
        #expect(result.stdout.hasSuffix("3 sent, 0 not delivered\n"))
        #expect(server.receivedMessageIDs().count == 3)
    }

    @Test func badTransportSettingsAreUsageErrors() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let wrong = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "a@example.com", "--via", "http://x"], in: directory)
        #expect(wrong.status == 64 && wrong.stderr.contains("is not an SMTP URL"))
        let mode = try HeraldProcess.run(["send", input, "--from", "me@example.com", "--to", "a@example.com", "--via", "smtp://x", "--starttls", "maybe"], in: directory)
        #expect(mode.status == 64 && mode.stderr.contains("is not one of none, opportunistic, required"))
    }
}
