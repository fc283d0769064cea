import Foundation
import HeraldTestSupport
import Testing

/// Customers' email end to end: `herald inbound` (a file, an MTA's pipe) into a real data folder,
/// seen and answered through a real `herald serve`, bounces marking the recipient failed.
@Suite(.serialized)
struct InboundEmailServerTests {
    /// Lucía writes to billing@, copying Pablo, with Gmail's quote markup, a table, a list, a
    /// highlight and a PDF.
    static let pdf = Array("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)
    static func customerEmail(id: String = "CAF=lucia-1@mail.gmail.example", to: String = "Billing <billing@example.com>") -> String {
        """
        From: =?UTF-8?Q?Luc=C3=ADa_P=C3=A9rez?= <lucia@example.net>\r
        To: \(to), Pablo <pablo@example.net>\r
        Cc: Marta <marta@example.net>\r
        Subject: =?UTF-8?Q?Factura_duplicada?=\r
        Date: Mon, 30 Nov 2026 09:00:00 +0000\r
        Message-ID: <\(id)>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="outer"\r
        \r
        --outer\r
        Content-Type: multipart/alternative; boundary="alt"\r
        \r
        --alt\r
        Content-Type: text/plain; charset=UTF-8\r
        \r
        I was charged twice.\r
        \r
        On Sun, Nov 29, 2026 at 10:00 AM Billing <billing@example.com> wrote:\r
        > Your invoice is ready.\r
        --alt\r
        Content-Type: text/html; charset=UTF-8\r
        \r
        <div dir="ltr"><p>I was charged <mark>twice</mark>:</p><table><tr><th>Date</th><th>Amount</th></tr><tr><td>1 Nov</td><td>30 €</td></tr></table><ul><li>card ending 1234</li></ul><script>alert(1)</script></div><div class="gmail_quote"><div class="gmail_attr">On Sun, Nov 29, 2026 at 10:00 AM Billing wrote:</div><blockquote class="gmail_quote">Your invoice is ready.</blockquote></div>\r
        --alt--\r
        --outer\r
        Content-Type: application/octet-stream; name="statement.pdf"\r
        Content-Disposition: attachment; filename="statement.pdf"\r
        Content-Transfer-Encoding: base64\r
        \r
        \(Data(pdf).base64EncodedString())\r
        --outer--\r

        """
    }

    func write(_ text: String, in directory: URL, name: String = "mail.eml") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func anEmailFromAPipeBecomesAPendingInteraction_shownSafely_andAnsweredToEveryone() async throws {
        let server = try ServerProcess()
        let data = server.data.path
        let file = try write(Self.customerEmail(), in: server.directory)
        let imported = try Herald.run(["inbound", file, "--data", data], in: server.directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("\"Factura duplicada\" was a new pending interaction int_") && imported.stdout.contains(" in billing: a new conversation at billing@example.com (Billing)"))
        // The MTA delivers it again: stored once.
        let again = try Herald.run(["inbound", file, "--data", data], in: server.directory)
        #expect(again.status == 0 && again.stdout.contains("was received already") && again.stdout.contains("nothing stored again"))

        let pending = try await server.request("GET", "/api/v1/tabs/pending?campaign=billing", as: "ana")
        #expect(pending.list.count == 1)
        let id = try #require(pending.list.first?["id"] as? String)
        #expect(pending.list.first?["subject"] as? String == "Factura duplicada")
        let shown = try await server.request("GET", "/api/v1/interactions/\(id)", as: "ana").json
        let message = try #require((shown["messages"] as? [[String: Any]])?.first)
        let inbound = try #require(message["inbound"] as? [String: Any])
        #expect(message["direction"] as? String == "inbound" && inbound["fromName"] as? String == "Lucía Pérez")
        // The new text apart from the quoted history; the HTML's structure kept, its script gone.
        #expect(inbound["text"] as? String == "I was charged twice.")
        #expect((inbound["quoted"] as? String)?.contains("> Your invoice is ready.") == true)
        let html = try #require(inbound["html"] as? String)
        #expect(html.contains("<table>") && html.contains("<mark>twice</mark>") && html.contains("<li>") && !html.contains("script") && !html.contains("alert"))
        #expect(!html.contains("Your invoice is ready") && (inbound["quotedHTML"] as? String)?.contains("Your invoice is ready") == true)
        // The PDF, its type from its bytes (it was declared application/octet-stream).
        let file0 = try #require((inbound["files"] as? [[String: Any]])?.first)
        #expect(file0["name"] as? String == "statement.pdf" && file0["mediaType"] as? String == "application/pdf" && file0["size"] as? Int == Self.pdf.count)
        let sha = try #require(file0["sha256"] as? String)
        let download = try await server.request("GET", "/api/v1/interactions/\(id)/files/\(sha)", as: "ana")
        #expect(download.status == 200 && [UInt8](download.body) == Self.pdf && download.contentType == "application/pdf")
        #expect(download.headers["content-disposition"] == "attachment; filename=\"statement.pdf\"; filename*=UTF-8''statement.pdf")
        #expect(download.headers["x-content-type-options"] == "nosniff")
        // Eva is not in billing: the file is as unknown to her as the interaction.
        #expect(try await server.request("GET", "/api/v1/interactions/\(id)/files/\(sha)", as: "eva").status == 404)
        #expect(try await server.request("GET", "/api/v1/interactions/\(id)/files/\(String(repeating: "0", count: 64))", as: "ana").status == 404)

        // Ana takes it and answers: to Lucía, Pablo and Marta copied, one Re:, the thread kept.
        #expect(try await server.request("POST", "/api/v1/interactions/\(id)/take", as: "ana").status == 200)
        let defaults = try await server.request("GET", "/api/v1/interactions/\(id)/reply-defaults", as: "ana").json
        #expect(defaults["to"] as? [String] == ["lucia@example.net"] && defaults["cc"] as? [String] == ["pablo@example.net", "marta@example.net"])
        #expect(defaults["subject"] as? String == "Re: Factura duplicada")
        let sent = try await server.request("POST", "/api/v1/interactions/\(id)/messages", as: "ana", json: ["markdown": "We refunded one charge."])
        #expect(sent.status == 201)
        let bytes = try #require(try await server.maildirMessages(count: 1).first)
        #expect(bytes.contains("To: <lucia@example.net>\r\n") && bytes.contains("Cc: <pablo@example.net>, <marta@example.net>\r\n"))
        #expect(bytes.contains("Subject: Re: Factura duplicada\r\n") && bytes.contains("In-Reply-To: <CAF=lucia-1@mail.gmail.example>\r\n"))
        #expect(bytes.contains("Message-ID: <herald=\(id)="))

        // Her answer to that reply (from her phone, another subject) finds the interaction.
        let token = try #require(bytes.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: ") }).dropFirst(12)
        let answer = Self.customerEmail(id: "lucia-2@mail.example.net").replacingOccurrences(of: "Message-ID:", with: "In-Reply-To: \(token)\r\nMessage-ID:")
            .replacingOccurrences(of: "=?UTF-8?Q?Factura_duplicada?=", with: "Gracias")
        let second = try Herald.run(["inbound", try write(answer, in: server.directory, name: "answer.eml"), "--data", data], in: server.directory)
        #expect(second.status == 0 && second.stdout.contains("was added to interaction \(id): it answers message"))
    }

    @Test func dryRunPrintsWhatWasUnderstoodAndStoresNothing_standardInputAndExitStatusesForTheMTA() async throws {
        let server = try ServerProcess()
        let data = server.data.path
        let file = try write(Self.customerEmail(), in: server.directory)
        let dry = try Herald.run(["inbound", file, "--dry-run", "--format", "json", "--data", data], in: server.directory)
        #expect(dry.status == 0, "\(dry.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let email = try #require(report["email"] as? [String: Any])
        #expect(email["subject"] as? String == "Factura duplicada" && email["messageID"] as? String == "CAF=lucia-1@mail.gmail.example")
        #expect((email["attachments"] as? [[String: Any]])?.first?["sha256"] as? String != nil && report["stored"] as? Bool == false)
        #expect((report["route"] as? [String: Any])?["outcome"] as? String == "opened" && (report["route"] as? [String: Any])?["campaign"] as? String == "billing")
        #expect(try await server.request("GET", "/api/v1/tabs/pending?campaign=billing", as: "ana").list.isEmpty)
        let kept = (try? FileManager.default.subpathsOfDirectory(atPath: server.data.appendingPathComponent("inbound-files").path)) ?? []
        #expect(kept.isEmpty)

        // Nobody's address: 67, the MTA bounces it — and its PDF is not kept.
        let stray = try write(Self.customerEmail(id: "x@y", to: "nobody@example.org").replacingOccurrences(of: "Cc: Marta <marta@example.net>\r\n", with: ""),
                              in: server.directory, name: "stray.eml")
        let bounced = try Herald.run(["inbound", stray, "--data", data], in: server.directory)
        #expect(bounced.status == 67 && bounced.stderr.hasPrefix("error: no campaign answers the email message x@y sent to nobody@example.org, pablo@example.net"))
        let afterRefusal = (try? FileManager.default.subpathsOfDirectory(atPath: server.data.appendingPathComponent("inbound-files").path)) ?? []
        #expect(!afterRefusal.contains { $0.split(separator: "/").last?.count == 64 }, "a refused message's files are not kept: \(afterRefusal)")

        // Standard input, as Postfix's pipe gives it.
        let piped = try Self.run(["inbound", "-", "--data", data], stdin: Data(Self.customerEmail().utf8), in: server.directory)
        #expect(piped.status == 0 && piped.stdout.contains("was a new pending interaction"))
        #expect(try await server.request("GET", "/api/v1/tabs/pending?campaign=billing", as: "ana").list.count == 1)
        // No From: 65. No inbox there: 75, try later.
        let anonymous = try write("Subject: hi\r\nMessage-ID: <a@b>\r\nTo: billing@example.com\r\n\r\nhello\r\n", in: server.directory, name: "anon.eml")
        #expect(try Herald.run(["inbound", anonymous, "--data", data], in: server.directory).status == 65)
        let nowhere = try Herald.run(["inbound", file, "--data", server.directory.appendingPathComponent("missing").path], in: server.directory)
        #expect(nowhere.status == 75 && nowhere.stderr.contains("there is no inbox at"))
    }

    @Test func aBounceMarksTheRecipientFailedAndNeverOpensAConversation() async throws {
        let server = try ServerProcess()
        let id = try await server.startEmail()
        let bytes = try #require(try await server.maildirMessages(count: 1).first)
        let messageID = try #require(bytes.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: ") }).dropFirst(12)
        let dsn = """
            From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r
            To: billing@example.com\r
            Subject: Undelivered Mail Returned to Sender\r
            Auto-Submitted: auto-replied\r
            Message-ID: <dsn-1@mx.example.com>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            I'm sorry to have to inform you that your message could not be delivered.\r
            --b\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.com\r
            \r
            Final-Recipient: rfc822; customer@example.com\r
            Action: failed\r
            Status: 5.1.1\r
            Diagnostic-Code: smtp; 550 5.1.1 <customer@example.com>: Recipient address rejected: User unknown\r
            --b\r
            Content-Type: text/rfc822-headers\r
            \r
            From: Billing <billing@example.com>\r
            To: Customer <customer@example.com>\r
            Subject: Your invoice\r
            Message-ID: \(messageID)\r
            --b--\r

            """
        let returned = try Herald.run(["inbound", try write(dsn, in: server.directory, name: "dsn.eml"), "--data", server.data.path], in: server.directory)
        #expect(returned.status == 0, "\(returned.stderr)")
        #expect(returned.stdout.contains("marked customer@example.com (550 5.1.1 <customer@example.com>: Recipient address rejected: User unknown) failed"),
                "\(returned.stdout)")
        let shown = try await server.request("GET", "/api/v1/interactions/\(id)", as: "ana").json
        let delivery = try #require(((shown["messages"] as? [[String: Any]])?.first?["delivery"] as? [[String: Any]])?.first)
        let receipt = try #require(delivery["receipt"] as? [String: Any])
        #expect(receipt["status"] as? String == "failed" && (receipt["detail"] as? String)?.hasPrefix("550 5.1.1") == true)
        // Nothing new in the tabs: a bounce is not a customer.
        #expect(try await server.request("GET", "/api/v1/tabs/pending?campaign=billing", as: "ana").list.isEmpty)
        #expect((shown["messages"] as? [[String: Any]])?.count == 1)
    }

    @Test func heraldServeImportsFromAnIMAPFolderAsMailArrives() async throws {
        let dovecot = try DovecotServer()
        try dovecot.deliver(Array(Self.customerEmail().utf8))
        let server = try ServerProcess(arguments: ["--imap", dovecot.url(tls: true), "--imap-interval", "1", "--imap-move-to", "Archive"], environment: [
            "HERALD_IMAP_USERNAME": dovecot.username, "HERALD_IMAP_PASSWORD": dovecot.password, "HERALD_IMAP_CA_FILE": dovecot.certificate,
        ])
        let first = try await pending(server, count: 1)
        #expect(first.first?["subject"] as? String == "Factura duplicada")
        // One arriving later is imported on a later look; the first is not imported twice.
        try dovecot.deliver(Array(Self.customerEmail(id: "other@mail.example.net").replacingOccurrences(of: "lucia@example.net", with: "jon@example.net").utf8))
        let both = try await pending(server, count: 2)
        #expect(both.count == 2)
        #expect(try dovecot.files().isEmpty && dovecot.files(folder: ".Archive").count == 2)
    }

    /// The billing Pending tab once it lists `count` interactions (the poll runs every second).
    func pending(_ server: ServerProcess, count: Int) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(30)
        while true {
            let list = try await server.request("GET", "/api/v1/tabs/pending?campaign=billing", as: "ana").list
            if list.count >= count || Date() > deadline { return list }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func run(_ arguments: [String], stdin: Data, in directory: URL) throws -> Herald.Result {
        let process = Process()
        process.executableURL = Herald.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Herald.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
