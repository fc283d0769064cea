import Foundation
import Herald
import HeraldTestSupport
import Testing

/// `herald worker` as a real process against a real SMTP server: killed with SIGKILL mid-batch
/// it loses no message; stopped with SIGTERM it gives its leases back.
@Suite(.serialized) struct WorkerDurabilityTests {
    /// Fills an outbox with `count` distinct messages and returns their Message-IDs.
    func fill(_ path: String, count: Int) throws -> [String] {
        let outbox = try Outbox(path: path)
        var ids: [String] = []
        for index in 1...count {
            let message = EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: "support@example.com"),
                                                               to: try AddressParser.parseList("ana@example.com"),
                                                               subject: try HeaderText("Message \(index)", field: "subject")),
                                       text: "Message number \(index).\n")
            let identity = MessageIdentity(date: .deterministic, messageID: try MessageID(validating: "<durability-\(index)@example.com>"),
                                           boundarySeed: "00000000000000\(index < 10 ? "0" : "")\(index)")
            ids.append(identity.messageID.description)
            _ = try outbox.enqueue(try MIMEWriter().bytes(of: message, identity: identity), envelope: message.envelope,
                                   smtputf8: false, now: Date().timeIntervalSince1970)
        }
        return ids
    }

    func startWorker(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = HeraldProcess.executable
        process.arguments = ["worker"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test func killingTheWorkerMidBatchLosesNoMessage() throws {
        let server = try TestServer(["--slow", "0.15"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("outbox.sqlite").path
        let expected = try fill(database, count: 20)
        let common = ["--outbox", database, "--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none", "--lease-seconds", "1", "--batch", "20"]

        let first = try startWorker(common)
        #expect(waitUntil(seconds: 20) { server.receivedMessageIDs().count >= 4 })
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        let beforeRestart = Set(server.receivedMessageIDs())
        #expect(beforeRestart.count < expected.count, "the worker finished before it was killed; the test proves nothing")

        // The killed worker's leases expire after a second; a new worker finishes the job.
        Thread.sleep(forTimeInterval: 1.2)
        let second = try startWorker(common + ["--until-idle", "--poll-interval", "0.1"])
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        #expect(Set(server.receivedMessageIDs()) == Set(expected), "missing: \(Set(expected).subtracting(server.receivedMessageIDs()))")
        #expect(try Outbox(path: database).entries().allSatisfy { $0.state == .sent })
    }

    @Test func sigtermFinishesTheMessageInHandAndReleasesTheRest() throws {
        let server = try TestServer(["--slow", "0.15"])
        let directory = try HeraldProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("outbox.sqlite").path
        _ = try fill(database, count: 10)
        let worker = try startWorker(["--outbox", database, "--via", "smtp://127.0.0.1:\(server.port)", "--starttls", "none", "--batch", "10"])
        #expect(waitUntil(seconds: 20) { server.receivedMessageIDs().count >= 2 })
        kill(worker.processIdentifier, SIGTERM)
        worker.waitUntilExit()
        #expect(worker.terminationStatus == 0)
        let entries = try Outbox(path: database).entries()
        #expect(!entries.contains { $0.state == .sending }, "\(entries.map(\.state))")
        #expect(entries.filter { $0.state == .sent }.count == server.receivedMessageIDs().count)
        #expect(entries.contains { $0.state == .queued })
    }
}
