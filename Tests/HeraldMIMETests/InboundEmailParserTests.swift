import Crypto
import Foundation
@testable import HeraldMIME
import HeraldTestSupport
import Testing

/// The parser's behaviours the corpus cannot show on its own: files written to a directory,
/// the JSON shape, errors, big attachments, parsing from several threads at once.
@Suite struct InboundEmailParserTests {
    static let folder = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/inbound")

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-inbound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// With a directory, each file's decoded bytes land there under its place and name; the
    /// hashes on disk are the ones the expected file states (hashlib over the original bytes).
    @Test func aCustomersSubjectAboutAVacationIsNotAnAutomaticReply() throws {
        let customer = try InboundEmailParser().parse(bytes: Array("From: a@customer.example\r\nSubject: On vacation next week: pause my plan\r\nMessage-ID: <v@x>\r\n\r\nPlease pause it.\r\n".utf8))
        #expect(customer.autoReply == nil)
        let program = try InboundEmailParser().parse(bytes: Array("From: a@customer.example\r\nSubject: Automatic reply: your order\r\nMessage-ID: <w@x>\r\n\r\nI am away.\r\n".utf8))
        #expect(program.autoReply?.reason == "Subject: Automatic reply: your order")
    }

    @Test func attachmentsAreWrittenToTheDirectoryWithTheirHashes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let email = try InboundEmailParser(attachmentDirectory: directory.path)
            .parse(path: Self.folder.appendingPathComponent("nested-mixed-related-alternative.eml").path)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder
            .appendingPathComponent("nested-mixed-related-alternative.expected.json"))) as? [String: Any])
        let facts = try #require(expected["attachments"] as? [[String: Any]])
        #expect(email.attachments.map(\.storedPath) == [directory.appendingPathComponent("1-box.png").path,
                                                         directory.appendingPathComponent("2-receipt.pdf").path])
        for (attachment, fact) in zip(email.attachments, facts) {
            let data = try Data(contentsOf: URL(fileURLWithPath: try #require(attachment.storedPath)))
            #expect(sha256(data) == fact["sha256"] as? String)
            #expect(data.count == fact["size"] as? Int)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["1-box.png", "2-receipt.pdf"], "no .partial file is left behind")
    }

    /// A sender's file name cannot leave the directory or hide as a dot file.
    @Test func hostileFileNamesStayInTheDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let message = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\n"
            + "Content-Disposition: attachment; filename=\"../../etc/.passwd\"\n\nroot\n--b\nContent-Type: application/octet-stream\n"
            + "Content-Disposition: attachment; filename=\"..\"\n\nx\n--b--\n"
        let email = try InboundEmailParser(attachmentDirectory: directory.path).parse(bytes: Array(message.utf8))
        #expect(email.attachments.map(\.filename) == ["../../etc/.passwd", ".."])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["1-passwd", "2-attachment"])
    }

    /// A pipe (an MTA's delivery to `herald inbound -`) cannot be read twice: it is read whole
    /// and parsed like the same bytes from a file.
    @Test func aPipeIsReadLikeAFile() throws {
        let path = Self.folder.appendingPathComponent("koi8-r-8bit.eml").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(bytes)  // small: fits in the pipe's buffer
        try pipe.fileHandleForWriting.close()
        let fromPipe = try InboundEmailParser().parse(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        #expect(fromPipe == (try InboundEmailParser().parse(path: path)))
        #expect(fromPipe.text?.hasPrefix("Здравствуйте!") == true)
    }

    /// A NUL byte in a Latin-1 body does not end the text there (GMime's converters return
    /// C strings): it is read as a space, with a warning, and the rest of the text stays.
    @Test func aNULByteDoesNotCutTheText() throws {
        let message = Array("Subject: nul\nContent-Type: text/plain; charset=iso-8859-1\n\nbefore".utf8) + [0, 0xE9] + Array(" after\n".utf8)
        let email = try InboundEmailParser().parse(bytes: message)
        #expect(email.text == "before é after\n")
        #expect(email.warnings.contains { $0.contains("NUL") })
    }

    /// Setting GMime up leaves SIGPIPE as it was (GPGME, which g_mime_init starts, would set it
    /// to "ignore", and every child process would inherit that). Checked on the disposition
    /// itself, flipped inside the preserved section: a child process's "Broken pipe" would also
    /// see swift-nio's own ignore (another test's PostgreSQL client sets it for the process).
    @Test func settingUpGMimeLeavesSIGPIPEAlone() throws {
        func disposition() -> Int {
            var action = sigaction()
            sigaction(SIGPIPE, nil, &action)
            return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
        }
        let before = disposition()
        let ignore = unsafeBitCast(SIG_IGN, to: Int.self)
        GMimeLibrary.preservingSIGPIPE { signal(SIGPIPE, before == ignore ? SIG_DFL : SIG_IGN) }
        #expect(disposition() == before)
        _ = try InboundEmailParser().parse(bytes: Array("Subject: x\n\nbody\n".utf8))
        #expect(GMimeLibrary.initialized)
    }

    /// A file that cannot be opened is an I/O error that names it; nothing else throws.
    @Test func aMissingFileIsAnIOError() throws {
        #expect {
            try InboundEmailParser().parse(path: "/nonexistent/message.eml")
        } throws: { error in
            (error as? HeraldError)?.category == .io && "\(error)".contains("/nonexistent/message.eml")
        }
    }

    /// The JSON shape an operator reads: camelCase keys, every top-level key present (null when
    /// empty), the date in ISO 8601, and it reads back to the same value.
    @Test func theJSONFormHasStableKeysAndISODates() throws {
        let email = try InboundEmailParser().parse(path: Self.folder.appendingPathComponent("dsn-postfix-returned-message.eml").path)
        let data = try InboundEmail.jsonEncoder().encode(email)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["subject", "date", "from", "sender", "to", "cc", "replyTo", "messageID", "inReplyTo", "references",
                                     "automationHeaders", "structure", "text", "html", "quotedHistory", "attachments", "deliveryStatus",
                                     "autoReply", "warnings"])
        #expect(object["date"] as? String == "2026-12-04T17:00:02Z")
        #expect(object["html"] is NSNull && object["autoReply"] is NSNull)
        let report = try #require(object["deliveryStatus"] as? [String: Any])
        let recipients = try #require(report["recipients"] as? [[String: Any]])
        #expect(recipients.first?["status"] as? String == "5.1.1" && recipients.first?["action"] as? String == "failed")
        #expect(try JSONDecoder().decode(InboundEmail.self, from: data) == email)
    }

    /// A 3 MB attachment (many 64 KB chunks) is decoded through the filter chunk by chunk:
    /// size and hash match the bytes that were encoded, and the base64 is whole (no warning).
    @Test func aLargeAttachmentIsHashedWhole() throws {
        let content = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let encoded = Data(content).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let message = "From: a@b.example\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee file\r\n"
            + "--x\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded + "\r\n--x--\r\n"
        let email = try InboundEmailParser().parse(bytes: Array(message.utf8))
        #expect(email.attachments.count == 1)
        #expect(email.attachments.first?.size == content.count)
        #expect(email.attachments.first?.sha256 == sha256(Data(content)))
        #expect(email.warnings.isEmpty)
    }

    /// Thousands of tiny files: all are listed and hashed, the first 1,000 sniffed, the rest
    /// not (libmagic's cost per file would make such a message a way to burn seconds).
    @Test func onlyTheFirstThousandFilesAreSniffed() throws {
        var message = "Subject: many\nContent-Type: multipart/mixed; boundary=m\n\n"
        for index in 0..<1_005 {
            message += "--m\nContent-Type: application/octet-stream; name=f\(index).png\nContent-Transfer-Encoding: base64\n\n"
                + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==\n"
        }
        message += "--m--\n"
        let email = try InboundEmailParser().parse(bytes: Array(message.utf8))
        #expect(email.attachments.count == 1_005)
        #expect(email.attachments.prefix(1_000).allSatisfy { $0.sniffedType == "image/png" })
        #expect(email.attachments.suffix(5).allSatisfy { $0.sniffedType == nil && $0.size == 70 })
        #expect(email.warnings.count == 1 && email.warnings[0].contains("more than 1000 files"))
    }

    /// GMime is set up once for the process however many threads start parsing at once, and
    /// parses on different threads do not disturb each other.
    @Test func parsesRunSideBySideOnManyThreads() async throws {
        let names = ["gmail-reply", "shift-jis-base64", "dsn-exchange-ndr", "rfc2231-continuations", "koi8-r-8bit", "forwarded-rfc822"]
        let paths = names.map { Self.folder.appendingPathComponent($0 + ".eml").path }
        let alone = try paths.map { try InboundEmailParser().parse(path: $0) }
        let together = try await withThrowingTaskGroup(of: (Int, InboundEmail).self) { group in
            for round in 0..<8 {
                for (index, path) in paths.enumerated() {
                    group.addTask { (index, try InboundEmailParser().parse(path: path)) }
                    _ = round
                }
            }
            var results: [(Int, InboundEmail)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(together.count == 48)
        for (index, email) in together { #expect(email == alone[index]) }
    }
}

/// The plain-text history split on its own: where it cuts, and that it never loses a byte.
@Suite struct TextQuoteSplitterTests {
    @Test func anAttributionWrappedOverTwoLinesGoesWithTheQuote() {
        let text = "Yes, please.\n\nOn Mon, 30 Nov 2026 at 10:15, A Very Long Sender Name <\nsender@example.com> wrote:\n> Shall we?\n"
        let split = TextQuoteSplitter.split(text)
        #expect(split.new == "Yes, please.\n\n")
        #expect(split.quoted.hasPrefix("On Mon, 30 Nov 2026"))
        #expect(split.marker == "on-wrote")
    }

    @Test func inlineAnswersSplitAtTheFirstQuoteAndKeepEverything() {
        let text = "Hi,\r\n> Question one?\r\nAnswer one.\r\n> Question two?\r\nAnswer two.\r\n"
        let split = TextQuoteSplitter.split(text)
        #expect(split.new == "Hi,\r\n")
        #expect(split.new + split.quoted == text)
    }

    @Test func aMessageWithoutHistoryIsAllNew() {
        let text = "On second thought, I will keep it.\nThanks"
        let split = TextQuoteSplitter.split(text)
        #expect(split.new == text && split.quoted.isEmpty && split.marker == nil)
    }

    @Test func outlooksHeaderBlockAfterAForwardIsContent() {
        let text = "See below.\n\n---------- Forwarded message ---------\nFrom: X <x@example.com>\nDate: today\n\nBody\n"
        #expect(TextQuoteSplitter.split(text).marker == nil)
    }
}
