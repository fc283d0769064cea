import Foundation
import HeraldTestSupport
import Testing

/// A refused send stores nothing; one customer gets one copy; the outbox commands never make
/// an outbox where a typo pointed and report storage failures in one line.
@Suite(.serialized) struct SendRefusalTests {
    let markdown = "# Your refund\n\nIt is **on its way**.\n"

    /// A folder with reply.md and an outbox that already holds one delivered message.
    func workspace() throws -> (directory: URL, input: String, common: [String]) {
        let directory = try HeraldProcess.temporaryDirectory()
        let input = directory.appendingPathComponent("reply.md")
        try Data(markdown.utf8).write(to: input)
        let common = ["--outbox", directory.appendingPathComponent("outbox.sqlite").path, "--maildir", directory.appendingPathComponent("maildir").path]
        let first = try HeraldProcess.run(["send", input.path, "--from", "help@example.com", "--to", "first@example.com", "--subject", "First"] + common,
                                          in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        return (directory, input.path, common)
    }

    func outboxLines(_ common: [String], in directory: URL) throws -> [String] {
        let list = try HeraldProcess.run(["outbox", "list"] + common, in: directory)
        #expect(list.status == 0, "\(list.stderr)")
        return list.stdout.split(separator: "\n").map(String.init)
    }

    func maildirCount(_ directory: URL) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("maildir/new").path).count) ?? 0
    }

    @Test func everyRefusedSendLeavesTheOutboxAsItWas() throws {
        let (directory, input, common) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let message = [input, "--from", "help@example.com", "--subject", "Refund"]
        let template = HeraldProcess.repository.appendingPathComponent("Templates/order-shipped.md").path
        let partialData = directory.appendingPathComponent("order.json")
        try Data(#"{"order": {"id": "A-1", "eta": "Friday", "carrier": "UPS", "tracking_number": "1", "tracking_url": "https://x.example/t"}}"#.utf8).write(to: partialData)
        let numbers = directory.appendingPathComponent("numbers.txt")
        try Data("+34612345678\n+34698765432\n".utf8).write(to: numbers)
        let cases: [(arguments: [String], environment: [String: String], status: Int32, says: String)] = [
            (message + ["--to", "ana@example.com", "--via", "127.0.0.1:2525"], [:], 64, "--via '127.0.0.1:2525' is not an SMTP URL"),
            (message + ["--to", "ana@example.com", "--via", "smtp://"], [:], 64, "is not an SMTP URL"),
            (message + ["--to", "ana@example.com", "--via", "smtp://mx.example.com:99999"], [:], 64, "the port 99999 is not between 1 and 65535"),
            (message + ["--to", "ana@example.com"], ["HERALD_SMTP_URL": "mx.example.com"], 64, "HERALD_SMTP_URL 'mx.example.com' is not an SMTP URL"),
            (message + ["--to", "ana@example.com", "--via", "smtp://127.0.0.1:1", "--starttls", "maybe"], [:], 64, "--starttls 'maybe'"),
            (message + ["--to", "ana@example.com", "--via", "smtp://127.0.0.1:1"], ["HERALD_SMTP_PASSWORD_FILE": "/nonexistent/secret"], 74, "HERALD_SMTP_PASSWORD_FILE"),
            (message + ["--to", "ana@example.com", "--attach", "missing.pdf"], [:], 65, "missing.pdf"),
            (message + ["--to", "ana@example.com, bo@"], [:], 65, "bo@"),
            (message + ["--to", "Undisclosed recipients:;"], [:], 65, "the message has no recipient (the empty group \"Undisclosed recipients:;\" names nobody)"),
            (message + ["--to", "ana@example.com", "--retry-base", "-1"], [:], 64, "--retry-base"),
            (message + ["--to", "ana@example.com"], ["HERALD_MAX_ATTEMPTS": "0"], 64, "HERALD_MAX_ATTEMPTS '0'"),
            ([template, "--data", partialData.path, "--to", "ana@example.com"], [:], 65, "the required variable customer_name has no value"),
            ([input, "--channel", "sms", "--to", "+34612345678"], [:], 64, "no sms provider is configured"),
            ([input, "--channel", "sms", "--to", "+34612345678"],
             ["HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t", "HERALD_SMS_FROM": "+15005550006", "HERALD_SMS_URL": "ftp://sms.example.com"],
             64, "HERALD_SMS_URL 'ftp://sms.example.com' is not an http(s) URL"),
            // Numbers that would overflow, or keep a message leased for ever.
            (message + ["--to", "ana@example.com", "--max-attempts", "9223372036854775807"], [:], 64, "--max-attempts takes a whole number from 1 to 1000"),
            (message + ["--to", "ana@example.com", "--retry-base", "1e300"], [:], 64, "--retry-base"),
            (message + ["--to", "ana@example.com", "--retry-max", "1e19"], [:], 64, "--retry-max"),
            (message + ["--to", "ana@example.com", "--lease-seconds", "inf"], [:], 64, "--lease-seconds"),
            (message + ["--to", "ana@example.com", "--timeout", "92233720368547758"], [:], 64, "--timeout takes 1 to 3600 seconds"),
            (message + ["--to", "ana@example.com"], ["HERALD_MAX_ATTEMPTS": "0x8"], 64, "HERALD_MAX_ATTEMPTS '0x8'"),
            (message + ["--to", "ana@example.com"], ["HERALD_RETRY_BASE": "0x8"], 64, "HERALD_RETRY_BASE '0x8'"),
            // Destinations that cannot work.
            (message + ["--to", "ana@example.com", "--via", "smtp://127.0.0.1:1/ehlo%20name"], [:], 64, "the path names the EHLO host"),
            (message + ["--to", "ana@example.com", "--via", "smtp://127.0.0.1:1", "--ca-file", "missing.pem"], [:], 74, "cannot read the CA bundle 'missing.pem'"),
            (message + ["--to", "ana@example.com", "--maildir", "reply.md"], [:], 74, "is a file, not a folder"),
            (message + ["--to", "ana@example.com", "--outbox", ""], [:], 74, "'' is not an outbox path"),
            (message + ["--to", "ana@example.com", "--outbox", ":memory:"], [:], 74, "':memory:' is not an outbox path"),
            ([input, "--channel", "sms", "--to", "+34612345678"],
             ["HERALD_SMS_ACCOUNT": "A C/../x", "HERALD_SMS_TOKEN": "t", "HERALD_SMS_FROM": "+15005550006"], 64, "HERALD_SMS_ACCOUNT 'A C/../x' is not an ID"),
            ([input, "--channel", "sms", "--to", "+34612345678"],
             ["HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t", "HERALD_SMS_FROM": ""], 64, "HERALD_SMS_FROM ''"),
            ([input, "--channel", "sms", "--to", "+34612345678"],
             ["HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t", "HERALD_SMS_FROM": "+15005550006", "HERALD_SMS_URL": "http://127.0.0.1:9?x=1"],
             64, "is not an http(s) URL without query"),
            ([input, "--channel", "whatsapp", "--to", "+34612345678", "--last-inbound", "1"],
             ["HERALD_WHATSAPP_PHONE_NUMBER_ID": "1 2/../x", "HERALD_WHATSAPP_TOKEN": "t"], 64, "HERALD_WHATSAPP_PHONE_NUMBER_ID '1 2/../x' is not an ID"),
            ([input, "--channel", "whatsapp", "--to", "+34612345678", "--last-inbound", String(Int(Date().timeIntervalSince1970) * 1000)],
             ["HERALD_WHATSAPP_PHONE_NUMBER_ID": "1065", "HERALD_WHATSAPP_TOKEN": "t", "HERALD_WHATSAPP_URL": "http://127.0.0.1:9"], 65, "it looks like milliseconds"),
            // Options that would be dropped silently.
            ([input, "--channel", "sms", "--to", "+34612345678", "--cc", "+34698765432"],
             ["HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t", "HERALD_SMS_FROM": "+15005550006"], 64, "sms has no Cc or Bcc"),
            // A list of numbers is one SMS to all of them, not a bulk file read as addresses.
            ([input, "--channel", "sms", "--recipients-file", numbers.path],
             ["HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t", "HERALD_SMS_FROM": "+15005550006"], 64, "a recipients file is for email"),
        ]
        for refusal in cases {
            // The case's own options come last, so that its --outbox or --maildir is the one used.
            let result = try HeraldProcess.run(["send"] + common + refusal.arguments, in: directory, environment: refusal.environment)
            #expect(result.status == refusal.status, "\(refusal.arguments): \(result.stderr)")
            #expect(result.stderr.contains(refusal.says), "\(refusal.arguments): \(result.stderr)")
        }
        #expect(try outboxLines(common, in: directory).count == 1)
        // A worker finds nothing to deliver later.
        let worker = try HeraldProcess.run(["worker", "--until-idle"] + common, in: directory)
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(worker.stdout == "herald worker: idle, nothing left to send\n")
        #expect(maildirCount(directory) == 1)
    }

    @Test func aBulkSendWithABadLineStoresNothingAndTheFixedFileSendsEachOnce() throws {
        let (directory, input, common) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TestServer([])
        let recipients = directory.appendingPathComponent("customers.txt")
        let good = ["ana@example.com", "bo@example.com", "# a comment", "Carla <carla@example.com>", "dan@example.com"]
        try Data((good + ["eve@@example.com", "fay@example.com"]).joined(separator: "\n").utf8).write(to: recipients)
        let send = ["send", input, "--from", "news@example.com", "--subject", "News", "--recipients-file", recipients.path,
                    "--via", server.url, "--starttls", "none", "--idempotency-key", "news-1"] + common
        let withTo = try HeraldProcess.run(send + ["--to", "boss@example.com"], in: directory)
        #expect(withTo.status == 64 && withTo.stderr.contains("each line of the file is its message's To"), "\(withTo.stderr)")
        let refused = try HeraldProcess.run(send, in: directory)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("customers.txt, line 6: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was stored or sent"))
        #expect(try outboxLines(common, in: directory).count == 1)
        #expect(try server.received().isEmpty)

        // Fixed — and with a line repeating an earlier recipient with its domain in capitals (a
        // local part's case is the receiving server's business: Ana@ and ana@ may differ), and
        // one naming an earlier recipient among others.
        try Data((good + ["eve@example.com", "fay@example.com", "ana@EXAMPLE.com", "\"Bo, B.\" <bo@example.com>, Gus <gus@example.com>"])
            .joined(separator: "\n").utf8).write(to: recipients)
        let sent = try HeraldProcess.run(send, in: directory)
        #expect(sent.status == 0, "\(sent.stdout)\(sent.stderr)")
        #expect(sent.stderr.contains("line 8: ana@example.com already gets the message of line 1; sending it once"), "\(sent.stderr)")
        #expect(sent.stderr.contains("line 9: bo@example.com already gets the message of line 2; sending it once"), "\(sent.stderr)")
        let received = try server.received().flatMap(\.recipients).sorted()
        #expect(received == ["ana@example.com", "bo@example.com", "carla@example.com", "dan@example.com", "eve@example.com", "fay@example.com",
                             "gus@example.com"])
        // Sending the same file again under the same key delivers nothing new.
        let again = try HeraldProcess.run(send, in: directory)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("7 of the 7 messages were stored by an earlier send"), "\(again.stdout)")
        #expect(try server.received().count == 7)
        // A misspelt key of a request would drop what it names.
        let request = directory.appendingPathComponent("request.json")
        try Data(#"{"from": "help@example.com", "to": ["ana@example.com"], "attachements": ["invoice.pdf"]}"#.utf8).write(to: request)
        let typo = try HeraldProcess.run(["send", input, "--request", request.path] + common, in: directory)
        #expect(typo.status == 65, "\(typo.stderr)")
        #expect(typo.stderr.contains(#"unknown key "attachements""#), "\(typo.stderr)")
        #expect(try server.received().count == 7)
    }

    @Test func oneCustomerGetsOneCopy() throws {
        let (directory, input, common) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let smtp = try TestServer([])
        let email = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--to", "Ana <ana@example.com>", "--cc", "ana@Example.COM",
                                           "--bcc", "ana@EXAMPLE.com", "--via", smtp.url, "--starttls", "none"] + common, in: directory)
        #expect(email.status == 0, "\(email.stderr)")
        #expect(email.stderr.contains("ana@example.com is given 3 times (To, Cc, Bcc); it gets one copy"), "\(email.stderr)")
        #expect(try smtp.received().map(\.recipients) == [["ana@example.com"]])

        let provider = try TestServer(script: "provider-server.py", ["--api", "sms", "--statuses", "201"])
        let environment = ["HERALD_SMS_URL": "http://127.0.0.1:\(provider.port)", "HERALD_SMS_ACCOUNT": "AC1", "HERALD_SMS_TOKEN": "t",
                           "HERALD_SMS_FROM": "+15005550006"]
        let sms = try HeraldProcess.run(["send", input, "--channel", "sms", "--to", "+34612345678, 612 345 678", "--country-code", "34"] + common,
                                        in: directory, environment: environment)
        #expect(sms.status == 0, "\(sms.stdout)\(sms.stderr)")
        #expect(sms.stderr.contains("+34612345678 is given 2 times ('+34612345678', '612 345 678'); it gets one copy"), "\(sms.stderr)")
        #expect(try provider.requests().count == 1)
    }

    @Test func readingCommandsNeverCreateAnOutbox() throws {
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for command in [["outbox", "list"], ["outbox", "show", "1"], ["outbox", "retry", "1"], ["outbox", "purge"]] {
            let result = try HeraldProcess.run(command + ["--outbox", "typo/dir/x.sqlite"], in: directory)
            #expect(result.status == 74, "\(command)")
            #expect(result.stderr == "error: there is no outbox at typo/dir/x.sqlite (sending creates one; check the outbox path)\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        // A file that is somebody else's database: one line, exit 74, the file untouched.
        let other = directory.appendingPathComponent("app.sqlite")
        _ = try ExternalEmailTools.run("/usr/bin/python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table users(id int)'); c.commit()", other.path])
        let before = try Data(contentsOf: other)
        for command in [["outbox", "list"], ["send", "-", "--to", "a@example.com", "--from", "b@example.com"]] {
            let result = try HeraldProcess.run(command + ["--outbox", other.path], stdin: "hi", in: directory)
            #expect(result.status == 74)
            #expect(result.stderr == "error: \(other.path) is a SQLite database but not a Herald outbox (its tables: users); give another outbox path\n")
        }
        #expect(try Data(contentsOf: other) == before)
    }

    @Test func aFullDiskIsOneLineAndWhatWasStoredStays() throws {
        let (directory, input, common) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Sends of ~20 KB each under a 256 KB file size limit: some are stored, then the disk "fills up".
        let subject = String(repeating: "Refund details ", count: 1300)
        var stored = 1
        var failure: HeraldProcess.Result?
        for index in 0..<40 {
            let result = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--to", "c\(index)@example.com", "--subject", subject] + common,
                                               in: directory, fileSizeLimitKB: 256)
            if result.status != 0 {
                failure = result
                break
            }
            stored += 1
        }
        let full = try #require(failure, "the file size limit was never reached")
        #expect(full.status == 74, "\(full.stderr)")
        #expect(full.stderr.hasPrefix("error: cannot "), "\(full.stderr)")
        #expect(full.stderr.contains("the outbox \(directory.appendingPathComponent("outbox.sqlite").path)"), "\(full.stderr)")
        #expect(full.stderr.split(separator: "\n").count == 1, "\(full.stderr)")
        // Every message stored before is still there, and the database is sound.
        let lines = try outboxLines(common, in: directory)
        #expect(lines.count >= stored)
        let check = try ExternalEmailTools.run("/usr/bin/python3", ["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])",
                                                                    directory.appendingPathComponent("outbox.sqlite").path])
        #expect(check.stdout == "ok\n")
    }

    @Test func theWorkerSaysWhatWaitsAndRetryNowSendsIt() throws {
        let (directory, input, common) = try workspace()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TestServer(["--greylist", "ana@example.com"])
        let delivery = ["--via", server.url, "--starttls", "none"] + common
        let send = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--to", "ana@example.com", "--retry-base", "600"] + delivery,
                                         in: directory)
        #expect(send.status == 1)
        #expect(send.stdout.contains("deferred  ana@example.com  451"), "\(send.stdout)")
        #expect(send.stdout.contains("outbox message 2: queued"), "\(send.stdout)")
        #expect(send.stdout.contains("(herald outbox retry 2 to try now)"), "\(send.stdout)")
        let idle = try HeraldProcess.run(["worker", "--until-idle"] + delivery, in: directory)
        #expect(idle.status == 0)
        #expect(idle.stdout.hasPrefix("herald worker: idle; 1 message waits for a retry, the next at "), "\(idle.stdout)")
        // 600 s ± 20% jitter.
        #expect(["(in 8 min)", "(in 9 min)", "(in 10 min)", "(in 11 min)", "(in 12 min)"].contains { idle.stdout.contains($0) }, "\(idle.stdout)")
        let retry = try HeraldProcess.run(["outbox", "retry", "2"] + common, in: directory)
        #expect(retry.status == 0, "\(retry.stderr)")
        let worker = try HeraldProcess.run(["worker", "--until-idle"] + delivery, in: directory)
        #expect(worker.stdout.contains("message 2: 1/1 accepted"), "\(worker.stdout)")
        #expect(try server.received().map(\.recipients) == [["ana@example.com"]])
        // With a zero retry base, the worker retries at once: no waiting for an operator.
        let again = try TestServer(["--greylist", "bo@example.com"])
        let quick = ["--via", again.url, "--starttls", "none", "--retry-base", "0"] + common
        let deferred = try HeraldProcess.run(["send", input, "--from", "help@example.com", "--to", "bo@example.com"] + quick, in: directory)
        #expect(deferred.status == 1)
        let drained = try HeraldProcess.run(["worker", "--until-idle"] + quick, in: directory)
        #expect(drained.stdout.contains("message 3: 1/1 accepted"), "\(drained.stdout)")
        #expect(drained.stdout.hasSuffix("herald worker: idle, nothing left to send\n"), "\(drained.stdout)")
    }
}
