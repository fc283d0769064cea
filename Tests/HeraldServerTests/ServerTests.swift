import Foundation
import HeraldTestSupport
import Testing

/// `herald serve` as clients use it: a real process on loopback, real SQLite files, the Maildir.
@Suite(.serialized) struct ServerTests {
    @Test func anEmailStartReachesTheMaildirAndTheInteractionShowsIt() async throws {
        let server = try ServerProcess()
        let id = try await server.startEmail(subject: "Your invoice 2026-11")
        let messages = try await server.maildirMessages(count: 1)
        try #require(messages.count == 1)
        #expect(messages[0].contains("Subject: Your invoice 2026-11"))
        #expect(messages[0].contains("From: Billing <billing@example.com>"))
        #expect(messages[0].contains("To: Customer <customer@example.com>"))
        #expect(messages[0].contains("your invoice"))

        let shown = try await server.request("GET", "/api/v1/interactions/\(id)", as: "ana")
        #expect(shown.status == 200)
        #expect(shown.json["state"] as? String == "active")
        #expect(shown.json["assignee"] as? String == "ana")
        #expect(shown.json["openForm"] as? String == "survey")
        let sent = try #require((shown.json["messages"] as? [[String: Any]])?.first)
        #expect((sent["summary"] as? String)?.contains("your invoice") == true)
        #expect((sent["outboxEntries"] as? [Int])?.count == 1)
        let delivery = try #require((sent["delivery"] as? [[String: Any]])?.first)
        #expect(delivery["recipient"] as? String == "customer@example.com")
        #expect(delivery["status"] as? String == "accepted")

        let active = try await server.request("GET", "/api/v1/tabs/active", as: "ana")
        #expect(active.list.map { $0["id"] as? String } == [id])
    }

    @Test func aFreeFormWhatsAppStartIsRefusedWithTheFieldAndNothingStored() async throws {
        let server = try ServerProcess()
        let answer = try await server.request("POST", "/api/v1/interactions", as: "ana", json: [
            "channel": "whatsapp", "campaign": "billing", "to": ["+34 612 345 678"], "message": ["markdown": "Hola, free text"],
        ])
        #expect(answer.status == 422)
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.json["status"] as? Int == 422)
        #expect(answer.json["type"] as? String == "urn:herald:problem:input")
        #expect((answer.json["detail"] as? String)?.contains("approved template") == true)
        #expect(answer.json["field"] as? String != nil)
        #expect(try await server.request("GET", "/api/v1/tabs/active", as: "ana").list.isEmpty)
        let outbox = try Herald.run(["outbox", "list", "--outbox", server.data.appendingPathComponent("outbox.sqlite").path], in: server.directory)
        #expect(outbox.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(outbox.stdout)")
        #expect(try await server.maildirMessages(count: 0).isEmpty)
    }

    @Test func ofTwoClientsTakingAtOnceOneGetsItAndTheOtherA409() async throws {
        let server = try ServerProcess()
        for round in 0..<8 {
            let id = try await server.startEmail(subject: "Race \(round)")
            let moved = try await server.request("POST", "/api/v1/interactions/\(id)/transfer", as: "ana", json: ["campaign": "sales", "note": "for sales"])
            #expect(moved.status == 200)
            #expect(moved.json["state"] as? String == "pending")
            async let first = server.request("POST", "/api/v1/interactions/\(id)/take", as: "bruno")
            async let second = server.request("POST", "/api/v1/interactions/\(id)/take", as: "eva")
            let answers = try await [first, second]
            #expect(answers.map(\.status).sorted() == [200, 409], "round \(round): \(answers.map(\.text))")
            let loser = try #require(answers.first { $0.status == 409 })
            #expect(loser.contentType == "application/problem+json")
            #expect((loser.json["detail"] as? String)?.contains("already taken by") == true)
        }
    }

    @Test func transfersToAnAgentAndToACampaign() async throws {
        let server = try ServerProcess()
        let id = try await server.startEmail()
        let toBruno = try await server.request("POST", "/api/v1/interactions/\(id)/transfer", as: "ana", json: ["agent": "bruno", "note": "yours"])
        #expect(toBruno.status == 200)
        #expect(toBruno.json["assignee"] as? String == "bruno")
        #expect(try await server.request("GET", "/api/v1/tabs/active", as: "bruno").list.map { $0["id"] as? String } == [id])
        #expect(try await server.request("GET", "/api/v1/tabs/active", as: "ana").list.isEmpty)

        let toSales = try await server.request("POST", "/api/v1/interactions/\(id)/transfer", as: "bruno", json: ["campaign": "sales"])
        #expect(toSales.status == 200)
        #expect(toSales.json["state"] as? String == "pending")
        #expect(try await server.request("GET", "/api/v1/tabs/pending?campaign=sales", as: "eva").list.map { $0["id"] as? String } == [id])
        let history = try await server.request("GET", "/api/v1/interactions/\(id)", as: "eva").json["history"] as? [[String: Any]]
        #expect(history?.compactMap { $0["kind"] as? String } == ["created", "messageSent", "transferred", "transferred"])

        let both = try await server.request("POST", "/api/v1/interactions/\(id)/transfer", as: "eva", json: ["agent": "eva", "campaign": "sales"])
        #expect(both.status == 422)
        #expect(both.json["field"] as? String == "campaign")
    }

    @Test func closingIsRefusedUntilFinishedCategorizedAndTheFormSubmitted() async throws {
        let server = try ServerProcess()
        let id = try await server.startEmail()
        let path = "/api/v1/interactions/\(id)"
        var close = try await server.request("POST", "\(path)/close", as: "ana")
        #expect(close.status == 409)
        #expect(close.contentType == "application/problem+json")
        #expect((close.json["detail"] as? String)?.contains("finish it, categorize it and submit the form \"Satisfaction survey\" first") == true,
                "\(close.text)")
        #expect(try await server.request("POST", "\(path)/finish", as: "ana").status == 200)
        close = try await server.request("POST", "\(path)/close", as: "ana")
        #expect(close.status == 409)
        #expect((close.json["detail"] as? String)?.contains("categorize it and submit the form") == true, "\(close.text)")

        let wrong = try await server.request("POST", "\(path)/category", as: "ana", json: ["category": "Won"])
        #expect(wrong.status == 422)
        #expect(wrong.json["field"] as? String == "category")
        #expect(try await server.request("POST", "\(path)/category", as: "ana", json: ["category": "Resolved"]).status == 200)
        close = try await server.request("POST", "\(path)/close", as: "ana")
        #expect(close.status == 409)
        #expect((close.json["detail"] as? String)?.contains("submit the form \"Satisfaction survey\" first") == true, "\(close.text)")

        let badForm = try await server.request("POST", "\(path)/forms", as: "ana", json: ["form": "survey", "values": ["satisfaction": "good", "age": "forty"]])
        #expect(badForm.status == 422)
        #expect(badForm.json["field"] as? String == "values.age")
        #expect(try await server.request("POST", "\(path)/forms", as: "ana", json: ["form": "survey", "values": ["satisfaction": "good"]]).status == 200)
        close = try await server.request("POST", "\(path)/close", as: "ana")
        #expect(close.status == 200)
        #expect(close.json["state"] as? String == "closed")
    }

    @Test func problemsForTokensRoutesBodiesAndRevocation() async throws {
        let server = try ServerProcess()
        let none = try await server.request("GET", "/api/v1/me", as: nil)
        #expect(none.status == 401)
        #expect(none.contentType == "application/problem+json")
        #expect(none.json["type"] as? String == "urn:herald:problem:unauthenticated")
        #expect(try await server.request("GET", "/api/v1/me", as: "herald_tokfake_abcdefghjkmnpqrstvwxyz0123456789ab").status == 401)
        let me = try await server.request("GET", "/api/v1/me", as: "carla")
        #expect(me.status == 200)
        #expect(me.json["role"] as? String == "supervisor")
        #expect((me.json["campaigns"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["billing"])

        let missing = try await server.request("GET", "/api/v1/nothing-here", as: "ana")
        #expect(missing.status == 404)
        #expect(missing.contentType == "application/problem+json")
        #expect(try await server.request("GET", "/elsewhere", as: nil).status == 404)

        let notJSON = try await server.request("POST", "/api/v1/interactions", as: "ana", rawBody: Data("{not json".utf8))
        #expect(notJSON.status == 400)
        let noCampaign = try await server.request("POST", "/api/v1/interactions", as: "ana", json: ["channel": "email", "to": ["a@example.com"]])
        #expect(noCampaign.status == 422)
        #expect(noCampaign.json["field"] as? String == "campaign")
        let badChannel = try await server.request("POST", "/api/v1/interactions", as: "ana", json: ["channel": "fax", "campaign": "billing", "to": ["1"]])
        #expect(badChannel.status == 422)
        #expect(badChannel.json["field"] as? String == "channel")
        let huge = try await server.request("POST", "/api/v1/interactions", as: "ana", json: ["channel": "email", "campaign": "billing", "to": ["a@example.com"],
                                                                                            "message": ["markdown": String(repeating: "x", count: 2 << 20)]])
        #expect(huge.status == 413)
        #expect(huge.contentType == "application/problem+json")
        #expect(try await server.request("GET", "/api/v1/tabs/pending", as: "ana").json["field"] as? String == "campaign")

        let token = try #require(server.tokens["eva"])
        let revoked = try Herald.run(["inbox", "token", "revoke", token, "--data", server.data.path], in: server.directory)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try await server.request("GET", "/api/v1/me", as: "eva").status == 401)
    }

    /// Every route × {no token, an agent of another campaign, the member who has the
    /// interaction, a supervisor member, an administrator who is not a member}, each on a new
    /// active email interaction of Ana's in billing.
    @Test func theAuthorizationMatrix() async throws {
        // No rate limit: Ana's token starts an interaction for every cell.
        let server = try ServerProcess(arguments: ["--rate-limit", "0", "--templates", Herald.repository.appendingPathComponent("Templates").path])
        let actors: [String?] = [nil, "eva", "ana", "carla", "dani"]
        let start: [String: Any] = ["channel": "email", "campaign": "billing", "to": ["c@example.com"], "subject": "Hi", "message": ["markdown": "Hello"]]
        // method, path (ID filled in), body, expected status per actor.
        let matrix: [(String, String, Any?, [Int])] = [
            ("GET", "/api/v1/me", nil, [401, 200, 200, 200, 200]),
            ("GET", "/api/v1/start-options", nil, [401, 200, 200, 200, 200]),
            ("POST", "/api/v1/interactions", start, [401, 404, 201, 201, 404]),
            ("GET", "/api/v1/interactions/ID", nil, [401, 404, 200, 200, 404]),
            ("GET", "/api/v1/interactions/ID/transfer-targets", nil, [401, 404, 200, 200, 404]),
            ("GET", "/api/v1/interactions/ID/customer", nil, [401, 404, 200, 200, 404]),
            ("GET", "/api/v1/address-suggestions?to=lucia@example.com", nil, [401, 200, 200, 200, 200]),
            ("GET", "/api/v1/address-suggestions", nil, [401, 400, 400, 400, 400]),
            ("GET", "/api/v1/tabs/active", nil, [401, 200, 200, 200, 200]),
            ("GET", "/api/v1/tabs/active?agent=ana", nil, [401, 403, 200, 200, 404]),
            ("GET", "/api/v1/tabs/pending?campaign=billing", nil, [401, 404, 200, 200, 404]),
            ("POST", "/api/v1/interactions/ID/take", nil, [401, 404, 409, 409, 404]),
            ("POST", "/api/v1/interactions/ID/messages", ["markdown": "More"], [401, 404, 201, 403, 404]),
            ("POST", "/api/v1/interactions/ID/transfer", ["campaign": "sales"], [401, 404, 200, 200, 404]),
            ("POST", "/api/v1/interactions/ID/finish", nil, [401, 404, 200, 403, 404]),
            ("POST", "/api/v1/interactions/ID/category", ["category": "Resolved"], [401, 404, 200, 403, 404]),
            ("POST", "/api/v1/interactions/ID/forms", ["form": "survey", "values": ["satisfaction": "good"]], [401, 404, 200, 403, 404]),
            ("POST", "/api/v1/interactions/ID/close", nil, [401, 404, 409, 403, 404]),
            // The campaign's templates: its members (and an administrator, who sees every campaign);
            // filled for an interaction, only by who may see it.
            ("GET", "/api/v1/templates?campaign=billing&channel=email", nil, [401, 404, 200, 200, 200]),
            ("POST", "/api/v1/templates/welcome/fill", ["campaign": "billing", "channel": "email", "interaction": "ID"], [401, 404, 200, 200, 404]),
        ]
        var seen: [String] = []
        var expected: [String] = []
        for (method, template, body, statuses) in matrix {
            for (actor, status) in zip(actors, statuses) {
                let id = try await server.startEmail()
                let json = (body as? [String: Any]).map { $0.mapValues { ($0 as? String) == "ID" ? id : $0 } } ?? body
                let answer = try await server.request(method, template.replacingOccurrences(of: "ID", with: id), as: actor, json: json)
                let cell = "\(method) \(template) as \(actor ?? "nobody")"
                seen.append("\(cell): \(answer.status)")
                expected.append("\(cell): \(status)")
                if answer.status >= 400 { #expect(answer.contentType == "application/problem+json", "\(cell)") }
            }
        }
        #expect(seen == expected)
    }

    /// The directory's routes × the same actors (no interaction needed). Membership changes
    /// come last: they change what the rows before would see.
    @Test func theDirectoryAuthorizationMatrix() async throws {
        let server = try ServerProcess(arguments: ["--rate-limit", "0"])
        let actors: [String?] = [nil, "eva", "ana", "carla", "dani"]
        let upload = Data("A note to attach.\n".utf8)
        let matrix: [(String, String, Any?, [Int])] = [
            ("GET", "/api/v1/agents", nil, [401, 200, 200, 200, 200]),
            ("POST", "/api/v1/agents", ["id": "new-ACTOR", "name": "New", "email": "new-ACTOR@example.com"], [401, 403, 403, 403, 201]),
            ("PUT", "/api/v1/agents/bruno", ["name": "Bruno Díaz", "email": "bruno@example.com", "role": "agent"], [401, 403, 403, 403, 200]),
            ("PUT", "/api/v1/agents/bruno/password", ["password": "bruno's long password"], [401, 403, 403, 403, 204]),
            ("GET", "/api/v1/campaigns", nil, [401, 200, 200, 200, 200]),
            ("GET", "/api/v1/campaigns/billing", nil, [401, 404, 200, 200, 200]),
            ("PUT", "/api/v1/campaigns/legal", ["id": "legal", "name": "Legal", "members": ["dani"]], [401, 403, 403, 403, 201]),
            ("GET", "/api/v1/tokens", nil, [401, 200, 200, 200, 200]),
            ("GET", "/api/v1/tokens?agent=ana", nil, [401, 403, 200, 403, 200]),
            ("POST", "/api/v1/tokens", ["label": "a script"], [401, 201, 201, 201, 201]),
            ("POST", "/api/v1/tokens", ["agent": "ana", "label": "for Ana"], [401, 403, 201, 403, 201]),
            ("POST", "/api/v1/uploads?name=note.txt", upload, [401, 201, 201, 201, 201]),
            ("POST", "/api/v1/preview", ["channel": "sms", "markdown": "Your order **shipped**"], [401, 200, 200, 200, 200]),
            ("POST", "/api/v1/addresses", ["text": "Ana <ana@example.com>"], [401, 200, 200, 200, 200]),
            ("GET", "/api/v1/session", nil, [401, 400, 400, 400, 400]),
            ("DELETE", "/api/v1/session", nil, [401, 400, 400, 400, 400]),
            ("PUT", "/api/v1/campaigns/billing/members/eva", nil, [401, 403, 403, 403, 200]),
            ("DELETE", "/api/v1/campaigns/billing/members/eva", nil, [401, 403, 403, 403, 200]),
        ]
        var seen: [String] = []
        var expected: [String] = []
        for (method, path, body, statuses) in matrix {
            for (actor, status) in zip(actors, statuses) {
                let answer: ServerProcess.Answer
                if let bytes = body as? Data {
                    answer = try await server.request(method, path, as: actor, rawBody: bytes, contentType: "application/octet-stream")
                } else {
                    let json = (body as? [String: Any]).map { $0.mapValues { ($0 as? String)?.replacingOccurrences(of: "ACTOR", with: actor ?? "x") ?? $0 } }
                    answer = try await server.request(method, path, as: actor, json: json)
                }
                let cell = "\(method) \(path) as \(actor ?? "nobody")"
                seen.append("\(cell): \(answer.status)")
                expected.append("\(cell): \(status)")
                if answer.status >= 400 { #expect(answer.contentType == "application/problem+json", "\(cell)") }
            }
        }
        #expect(seen == expected)
    }
}

/// Server-sent events: the trail in order, only what the agent may see, resumed after a
/// reconnect from Last-Event-ID with nothing lost.
@Suite(.serialized) struct EventStreamTests {
    /// `id`, `event` and the interaction of each event in an event-stream text.
    static func parse(_ text: String) -> [(id: Int, kind: String, interaction: String)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int?, kind: String?, interaction: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { kind = String(line.dropFirst(7)) }
                if line.hasPrefix("data: "), let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any] {
                    interaction = object["interaction"] as? String
                }
            }
            guard let id, let kind, let interaction else { return nil }
            return (id, kind, interaction)
        }
    }

    @Test func eventsComeInOrderOnlyTheVisibleOnesAndResumeAfterLastEventID() async throws {
        let server = try ServerProcess()
        let first = try await server.startEmail(subject: "One")
        let sales = try await server.startEmail(as: "eva", campaign: "sales", subject: "Not billing's")
        let all = try await server.request("GET", "/api/v1/events?wait=false", as: "ana")
        #expect(all.status == 200)
        #expect(all.contentType == "text/event-stream")
        let seen = Self.parse(all.text)
        #expect(seen.map(\.kind) == ["created", "messageSent"])
        #expect(seen.allSatisfy { $0.interaction == first })
        #expect(!all.text.contains(sales))

        // Ana "reconnects" after the first event; meanwhile more happens.
        #expect(try await server.request("POST", "/api/v1/interactions/\(first)/finish", as: "ana").status == 200)
        #expect(try await server.request("POST", "/api/v1/interactions/\(first)/category", as: "ana", json: ["category": "Refund"]).status == 200)
        let again = try await server.request("GET", "/api/v1/events?wait=false", as: "ana", headers: ["Last-Event-ID": "\(seen[0].id)"])
        let resumed = Self.parse(again.text)
        #expect(resumed.map(\.kind) == ["messageSent", "finished", "categorized"])
        #expect(resumed.map(\.id) == resumed.map(\.id).sorted())
        #expect(resumed.first?.id == seen[1].id)

        let bad = try await server.request("GET", "/api/v1/events?after=minus", as: "ana")
        #expect(bad.status == 400)
        #expect(try await server.request("GET", "/api/v1/events", as: nil).status == 401)
    }

    /// A live stream (curl, as a browser's EventSource would hold it) gets an event made after
    /// it connected.
    @Test func aLiveStreamGetsWhatHappensAfterItConnected() async throws {
        let server = try ServerProcess()
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sN", "-H", "Authorization: Bearer \(server.tokens["ana"]!)", "http://127.0.0.1:\(server.port)/api/v1/events"]
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        defer {
            // SIGKILL: the child may start with SIGTERM blocked (it inherits the test thread's mask).
            kill(curl.processIdentifier, SIGKILL)
            curl.waitUntilExit()
        }
        // The stream opens with its retry line: connected.
        let connected = output.fileHandleForReading.read(until: "retry:")
        let id = try await server.startEmail(subject: "Live")
        let received = output.fileHandleForReading.read(until: "event: messageSent", after: connected)
        #expect(Self.parse(received).map(\.kind) == ["created", "messageSent"])
        #expect(Self.parse(received).allSatisfy { $0.interaction == id })
    }
}
