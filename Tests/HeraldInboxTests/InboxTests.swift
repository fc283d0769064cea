import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// The inbox as agents use it, on real SQLite files: the inbox beside a real outbox, messages
/// composed by the real Composer (clock fixed, deterministic Message-IDs), what was enqueued
/// read back as a worker would be handed it.
@Suite struct InboxTests {
    static let reply = "Hola **Ana**, your refund is on its way.\n"

    // MARK: Starting

    @Test func anEmailStartEnqueuesTheComposedMessageFromTheCampaignsAddress() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(
            channel: .email, campaign: "billing", to: ["Lucía <lucia@example.com>"], cc: ["ops@example.com"], subject: "Your invoice",
            customerName: "Lucía", message: try .text("Hola **Lucía**, your invoice is ready.")), by: "ana")
        #expect(started.id == "int-1" && started.state == .active && started.assignee == "ana" && started.openForm == "survey")
        #expect(started.history.map(\.kind) == [.created, .messageSent] && started.history.allSatisfy { $0.sequence != nil })
        let message = try #require(started.messages.first)
        #expect(message.outboxKey == "inbox:int-1:msg-3" && message.subject == "Your invoice" && message.author == "ana")
        let claims = try await fixture.claimAll()
        let claim = try #require(claims.first)
        #expect(claims.count == 1 && message.outboxEntries == [claim.id])
        #expect(claim.outbound.channel == .email && claim.outbound.sender == "billing@example.com")
        #expect(claim.outbound.recipients == ["lucia@example.com", "ops@example.com"])
        let text = String(decoding: claim.outbound.bytes, as: UTF8.self)
        #expect(text.contains("From: Billing <billing@example.com>\r\n") && text.contains("Subject: Your invoice\r\n"))
        #expect(text.contains("Cc: <ops@example.com>\r\n") && text.contains("Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n"))
        #expect(try await fixture.outbox.entries().first?.idempotencyKey == "inbox:int-1:msg-3")
        // The summary is what the customer reads (the email's text alternative).
        #expect(message.summary.contains("Lucía") && message.summary.contains("your invoice is ready."))
        // A customer was made from the first address, with the name given.
        #expect(try await fixture.store.customer(contact: "lucia@example.com") == Customer(id: "cus-2", name: "Lucía", emailAddresses: ["lucia@example.com"]))
    }

    @Test func anSMSStartSendsTheTextToTheNumberInE164() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .sms, campaign: "billing", to: ["612 345 678"], message: try .text(Self.reply)),
                                                    by: "ana")
        #expect(started.contact.to == ["+34612345678"])
        let claim = try #require(try await fixture.claimAll().first)
        #expect(claim.outbound.channel == .sms && claim.outbound.recipients == ["+34612345678"])
        #expect(claim.outbound.bytes == Array("Hola Ana, your refund is on its way.".utf8))
        #expect(started.messages.first?.summary == "Hola Ana, your refund is on its way.")
    }

    @Test func aWhatsAppStartSendsTheApprovedTemplate() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .whatsapp, campaign: "billing", to: ["+34 612 345 678"],
                                                                     message: .template("order_update", parameters: ["Lucía", "A-1042"])), by: "ana")
        #expect(started.messages.first?.template == "order_update")
        #expect(started.messages.first?.summary == "Hola Lucía, your order A-1042 has shipped.")
        let claim = try #require(try await fixture.claimAll().first)
        #expect(claim.outbound.channel == .whatsapp && claim.outbound.recipients == ["+34612345678"])
        #expect(String(decoding: claim.outbound.bytes, as: UTF8.self) == """
            {
              "messaging_product" : "whatsapp",
              "recipient_type" : "individual",
              "template" : {
                "components" : [
                  {
                    "parameters" : [
                      {
                        "text" : "Lucía",
                        "type" : "text"
                      },
                      {
                        "text" : "A-1042",
                        "type" : "text"
                      }
                    ],
                    "type" : "body"
                  }
                ],
                "language" : {
                  "code" : "es"
                },
                "name" : "order_update"
              },
              "to" : "+34612345678",
              "type" : "template"
            }

            """)
    }

    @Test func aPhoneStartRecordsTheNumberDialledAndSendsNothing() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .phone, campaign: "billing", to: ["612 345 678"]), by: "ana")
        #expect(started.call == Interaction.PhoneCall(number: "+34612345678", dialled: "0612345678"))
        #expect(started.messages.isEmpty && started.state == .active && started.history.map(\.kind) == [.created])
        #expect(try await fixture.outbox.entries().isEmpty)
        // Abroad, the dial rule keeps the international form.
        let abroad = try await fixture.inbox.start(StartInteraction(channel: .phone, campaign: "billing", to: ["+44 20 7946 0000"]), by: "ana")
        #expect(abroad.call?.dialled == "0+442079460000")
        // And the phone carries no message.
        let message = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(channel: .phone, campaign: "billing", to: ["612345678"], message: try .text("hi")), by: "ana")
        }
        #expect(message?.category == .usage)
    }

    @Test func anEmailOfACampaignWithItsOwnRouteIsStoredForThatRoute() async throws {
        let fixture = try await InboxFixture()
        _ = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "sales", to: ["lucia@example.com"], subject: "Your quote",
                                                           message: try .text("Here it is.")), by: "bruno")
        #expect(try await fixture.claimAll().isEmpty)
        let claim = try #require(try await fixture.claimAll(route: "maildir:/srv/sales-mail").first)
        #expect(claim.outbound.sender == "sales@example.com" && claim.outbound.route == "maildir:/srv/sales-mail")
    }

    @Test func aFreeFormWhatsAppStartIsRefusedWithNothingStoredInEitherStore() async throws {
        let fixture = try await InboxFixture()
        let error = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(id: "web-1", channel: .whatsapp, campaign: "billing", to: ["+34612345678"],
                                                               message: try .text(Self.reply)), by: "ana")
        }
        #expect(error?.category == .input)
        #expect(error?.description == "a WhatsApp interaction must open with an approved template (HSM): a free-form first message would never reach the customer; "
            + "choose one of campaign Billing's templates (order_update)")
        #expect((error as? InboxError)?.field == "message.template")
        #expect(try await fixture.store.interaction("web-1") == nil)
        #expect(try await fixture.store.events(after: 0, limit: 10).isEmpty)
        #expect(try await fixture.store.customer(contact: "+34612345678") == nil)
        #expect(try await fixture.outbox.entries().isEmpty)
        // An unapproved template, or template values that do not fit, are refused the same way.
        let unapproved = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(channel: .whatsapp, campaign: "billing", to: ["+34612345678"],
                                                               message: .template("promo")), by: "ana")
        }
        #expect(unapproved?.description == "promo is not an approved template of campaign Billing; its templates: order_update")
        let values = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(channel: .whatsapp, campaign: "billing", to: ["+34612345678"],
                                                               message: .template("order_update", parameters: ["Lucía"])), by: "ana")
        }
        #expect(values?.category == .input && values?.description.contains("takes 2 body parameter(s)") == true)
        #expect(try await fixture.store.events(after: 0, limit: 10).isEmpty)
        #expect(try await fixture.outbox.entries().isEmpty)
    }

    @Test func startingIsOnlyInACampaignTheAgentIsAMemberOfOnAChannelItAnswersOn() async throws {
        let fixture = try await InboxFixture()
        let outside = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(channel: .sms, campaign: "support", to: ["+34612345678"], message: try .text("hi")), by: "ana")
        }
        let missing = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(channel: .sms, campaign: "nowhere", to: ["+34612345678"], message: try .text("hi")), by: "ana")
        }
        #expect(outside?.category == .notFound && outside?.description == "no campaign support" && missing?.description == "no campaign nowhere")
        let channel = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(channel: .sms, campaign: "sales", to: ["+34612345678"], message: try .text("hi")), by: "bruno")
        }
        #expect(channel?.category == .input && channel?.description == "campaign Sales does not answer on sms; its channels: email, whatsapp and phone")
        let options = try await fixture.inbox.startOptions(for: "bruno")
        #expect(options.map(\.channel) == [.email, .sms, .whatsapp, .phone])
        #expect(options.map { $0.campaigns.map(\.id) } == [["billing", "sales"], ["billing"], ["billing", "sales"], ["billing", "sales"]])
        let stranger = await refusal { _ = try await fixture.inbox.startOptions(for: "zoe") }
        #expect(stranger?.category == .unauthorized && stranger?.description == "no agent zoe")
    }

    // MARK: Retries

    @Test func aStartRepeatedAfterTheProcessDiedBeforeEnqueueingEnqueuesItsMessageOnce() async throws {
        let fixture = try await InboxFixture()
        let dying = Inbox(store: fixture.store, outbox: DiesOnEnqueue(), composer: fixture.inbox.composer, clock: { Team.now }, ids: .sequential())
        // Email: composed again, the message has a new Message-ID; its fingerprint is the same.
        let start = StartInteraction(id: "web-1", channel: .email, campaign: "billing", to: ["lucia@example.com"], subject: "Your refund",
                                     message: try .text(Self.reply, id: "first"))
        #expect(await refusal { _ = try await dying.start(start, by: "ana") }?.category == .io)
        // The interaction and its message were stored; nothing was enqueued.
        let stored = try #require(try await fixture.store.interaction("web-1"))
        #expect(stored.messages.map(\.id) == ["first"] && stored.messages[0].outboxEntries.isEmpty && stored.messages[0].outboxKey == "inbox:web-1:first")
        #expect(try await fixture.outbox.entries().isEmpty)
        // The client repeats the same start: enqueued now, and only once however often.
        let again = try await fixture.inbox.start(start, by: "ana")
        let twice = try await fixture.inbox.start(start, by: "ana")
        let entries = try await fixture.outbox.entries()
        #expect(entries.count == 1 && entries[0].idempotencyKey == "inbox:web-1:first")
        #expect(again.messages[0].outboxEntries == [entries[0].id] && twice.messages[0].outboxEntries == [entries[0].id])
        #expect(try await fixture.store.interaction("web-1")?.history.map(\.kind) == [.created, .messageSent])
        // The same ID for other content is refused.
        var other = start
        other.message = try .text("Something else", id: "first")
        #expect(await refusal { _ = try await fixture.inbox.start(other, by: "ana") }?.category == .conflict)
        // And another agent cannot reuse it.
        #expect(await refusal { _ = try await fixture.inbox.start(start, by: "bruno") }?.category == .conflict)
    }

    @Test func aMessageSentAgainWithItsIDIsStoredAndEnqueuedOnce() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .sms, campaign: "billing", to: ["+34612345678"], message: try .text("Hola")), by: "ana")
        let message = try OutgoingMessage.text("Your refund is on its way.", id: "m-2")
        _ = try await fixture.inbox.send(message, in: started.id, by: "ana")
        let again = try await fixture.inbox.send(message, in: started.id, by: "ana")
        #expect(again.messages.map(\.id) == ["msg-3", "m-2"])
        #expect(try await fixture.outbox.entries().map(\.idempotencyKey) == ["inbox:int-1:msg-3", "inbox:int-1:m-2"])
    }

    // MARK: Messages

    @Test func messagesAreCheckedBeforeAnythingIsStoredOrSent() async throws {
        let fixture = try await InboxFixture()
        let sms = try await fixture.inbox.start(StartInteraction(channel: .sms, campaign: "billing", to: ["+34612345678"], message: try .text("Hola")), by: "ana")
        let attachment = await refusal { _ = try await fixture.inbox.send(try .text("See the PDF", attachments: ["/tmp/invoice.pdf"]), in: sms.id, by: "ana") }
        #expect(attachment?.category == .input && attachment?.description.hasPrefix("an SMS carries no attachments") == true)
        let email = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "billing", to: ["lucia@example.com"], subject: "Hi",
                                                                   message: try .text("Hola")), by: "ana")
        var voice = try OutgoingMessage.text("Listen")
        voice.voiceNote = true
        let note = await refusal { _ = try await fixture.inbox.send(voice, in: email.id, by: "ana") }
        #expect(note?.description == "email has no voice notes; they are for WhatsApp")
        // A free-form WhatsApp message outside the 24-hour window: the Composer refuses it.
        let whatsapp = try await fixture.inbox.start(StartInteraction(channel: .whatsapp, campaign: "billing", to: ["+34612345678"],
                                                                      message: .template("order_update", parameters: ["Lucía", "A-1"])), by: "ana")
        let window = await refusal { _ = try await fixture.inbox.send(try .text("Any news?"), in: whatsapp.id, by: "ana") }
        #expect(window?.description == "a free-form WhatsApp message cannot start a conversation; send an approved template")
        // Someone else's interaction.
        let other = await refusal { _ = try await fixture.inbox.send(try .text("Hi"), in: sms.id, by: "bruno") }
        #expect(other?.category == .unauthorized && other?.description == "interaction \(sms.id) is assigned to Ana Ruiz; only they can write in it")
        // After finishing, nothing more is sent.
        _ = try await fixture.inbox.finish(sms.id, by: "ana")
        let finished = await refusal { _ = try await fixture.inbox.send(try .text("One more thing"), in: sms.id, by: "ana") }
        #expect(finished?.category == .conflict && finished?.description == "interaction \(sms.id) is finished: no more messages can be sent in it")
        // Three starts, three messages: the refusals stored and enqueued nothing.
        #expect(try await fixture.outbox.entries().count == 3)
        for id in [sms.id, email.id, whatsapp.id] { #expect(try await fixture.store.interaction(id)?.messages.count == 1) }
    }

    @Test func eachMessageShowsItsDeliveryPerRecipientFromTheOutbox() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "billing", to: ["lucia@example.com", "pablo@example.com"],
                                                                     subject: "Hi", message: try .text("Hola")), by: "ana")
        let id = try #require(started.messages.first?.outboxEntries.first)
        let before = try await fixture.inbox.interaction(started.id, for: "ana")
        #expect(before.messages[0].delivery.map(\.status) == [.pending, .pending] && before.messages[0].delivery.first?.entryState == "queued")
        _ = try await fixture.claimAll()
        try await fixture.outbox.record(DeliveryReport(recipients: [
            RecipientResult(address: "lucia@example.com", status: .accepted, code: 250, reply: "2.0.0 Ok"),
            RecipientResult(address: "pablo@example.com", status: .rejected, code: 550, reply: "5.1.1 No such user"),
        ], failure: nil, transcript: []), for: id, now: Team.now.timeIntervalSince1970 + 2, random: 0.5)
        let after = try await fixture.inbox.interaction(started.id, for: "ana")
        #expect(after.messages[0].delivery == [
            Interaction.Delivery(outboxEntry: id, entryState: "sent", recipient: "lucia@example.com", status: .accepted, detail: "2.0.0 Ok"),
            Interaction.Delivery(outboxEntry: id, entryState: "sent", recipient: "pablo@example.com", status: .rejected, detail: "5.1.1 No such user"),
        ])
    }

    // MARK: Finishing and closing

    @Test func closingIsRefusedUntilFinishedCategorizedAndTheMandatoryFormSubmitted() async throws {
        let fixture = try await InboxFixture()
        let inbox = fixture.inbox
        let id = try await inbox.start(StartInteraction(channel: .phone, campaign: "billing", to: ["612345678"]), by: "ana").id
        func closing() async -> String? {
            let error = await refusal { _ = try await inbox.close(id, by: "ana") }
            return error?.description
        }
        #expect(await closing() == "interaction \(id) cannot be closed yet: finish it, categorize it and submit the form \"Satisfaction survey\" first")
        _ = try await inbox.finish(id, by: "ana")
        #expect(await closing() == "interaction \(id) cannot be closed yet: categorize it and submit the form \"Satisfaction survey\" first")
        let category = await refusal { _ = try await inbox.categorize(id, as: "Won", by: "ana") }
        #expect(category?.category == .input && category?.description == "\"Won\" is not a category of campaign Billing; its categories: \"Resolved\", \"Refund\"")
        // A typo is answered with the category meant.
        let typo = await refusal { _ = try await inbox.categorize(id, as: "Refnud", by: "ana") }
        #expect(typo?.description == "\"Refnud\" is not a category of campaign Billing; did you mean \"Refund\"? (its categories: \"Resolved\", \"Refund\")")
        _ = try await inbox.categorize(id, as: "Refund", by: "ana")
        #expect(await closing() == "interaction \(id) cannot be closed yet: submit the form \"Satisfaction survey\" first")
        let form = await refusal { _ = try await inbox.submitForm("survey", values: ["satisfaction": "meh"], in: id, by: "ana") }
        #expect(form?.category == .input && (form as? InboxError)?.field == "values.satisfaction")
        let submitted = try await inbox.submitForm("survey", values: ["satisfaction": "good", "visit": "2026-11-30"], in: id, by: "ana")
        #expect(submitted.openForm == nil && submitted.forms.map(\.values) == [["satisfaction": "good", "visit": "2026-11-30"]])
        // Only the assignee closes it.
        #expect(await refusal { _ = try await inbox.close(id, by: "bruno") }?.category == .unauthorized)
        let closed = try await inbox.close(id, by: "ana")
        #expect(closed.state == .closed)
        #expect(closed.history.map(\.kind) == [.created, .finished, .categorized, .formSubmitted, .closed])
        #expect(closed.history.allSatisfy { $0.actor == "ana" && $0.at == Team.now })
        #expect(await refusal { _ = try await inbox.categorize(id, as: "Resolved", by: "ana") }?.description == "interaction \(id) is closed; nothing changes in it any more")
        // Without a mandatory form, finishing and categorizing are enough — and said one at a time.
        let sale = try await inbox.start(StartInteraction(channel: .phone, campaign: "sales", to: ["612345678"]), by: "bruno").id
        _ = try await inbox.finish(sale, by: "bruno")
        #expect(await refusal { _ = try await inbox.close(sale, by: "bruno") }?.description == "interaction \(sale) cannot be closed yet: categorize it first")
        _ = try await inbox.categorize(sale, as: "Won", by: "bruno")
        #expect(try await inbox.close(sale, by: "bruno").state == .closed)
    }

    // MARK: Transfers and visibility

    @Test func aTransferToAnAgentMakesItActiveForThemWithTheNoteInTheHistory() async throws {
        let fixture = try await InboxFixture()
        let inbox = fixture.inbox
        let id = try await inbox.start(StartInteraction(channel: .sms, campaign: "billing", to: ["612345678"], message: try .text("Hola")), by: "ana").id
        _ = try await inbox.submitForm("survey", values: ["satisfaction": "good"], in: id, by: "ana")
        let outsider = await refusal { _ = try await inbox.transfer(id, to: .agent("eva"), by: "ana") }
        #expect(outsider?.category == .input && outsider?.description == "no agent eva among the members of campaign Billing; transfer to one of them, or to another campaign")
        let typo = await refusal { _ = try await inbox.transfer(id, to: .agent("burno"), by: "ana") }
        #expect(typo?.description == "no agent burno among the members of campaign Billing; did you mean 'bruno'? transfer to one of them, or to another campaign")
        let moved = try await inbox.transfer(id, to: .agent("bruno"), note: "  wants a refund  ", by: "ana")
        #expect(moved.state == .active && moved.assignee == "bruno" && moved.campaign == "billing" && moved.openForm == nil)
        let event = try #require(moved.history.last)
        #expect(event.kind == .transferred && event.actor == "ana" && event.note == "wants a refund")
        #expect(event.from == Interaction.Placement(campaign: "billing", agent: "ana") && event.to == Interaction.Placement(campaign: "billing", agent: "bruno"))
        #expect(try await inbox.activeTab(of: "bruno").map(\.id) == [id])
        #expect(try await inbox.activeTab(of: "ana").isEmpty)
        // Ana no longer writes in it; Bruno does.
        #expect(await refusal { _ = try await inbox.send(try .text("Hi"), in: id, by: "ana") }?.category == .unauthorized)
        #expect(try await inbox.send(try .text("Bruno here"), in: id, by: "bruno").messages.count == 2)
        // A supervisor of the campaign may transfer anyone's.
        #expect(try await inbox.transfer(id, to: .agent("ana"), by: "carla").assignee == "ana")
    }

    @Test func aTransferToACampaignMakesItPendingThereForItsMembersToTake() async throws {
        let fixture = try await InboxFixture()
        let inbox = fixture.inbox
        let id = try await inbox.start(StartInteraction(channel: .whatsapp, campaign: "billing", to: ["612345678"],
                                                        message: .template("order_update", parameters: ["Lucía", "A-1"])), by: "ana").id
        _ = try await inbox.categorize(id, as: "Refund", by: "ana")
        let noWhatsApp = await refusal { _ = try await inbox.transfer(id, to: .campaign("support"), by: "ana") }
        #expect(noWhatsApp?.description == "campaign Support does not answer on whatsapp; its channels: sms")
        let moved = try await inbox.transfer(id, to: .campaign("sales"), note: "billing question", by: "ana")
        #expect(moved.state == .pending && moved.assignee == nil && moved.campaign == "sales" && moved.category == nil)
        #expect(moved.history.last?.to == Interaction.Placement(campaign: "sales") && moved.history.last?.note == "billing question")
        #expect(try await inbox.pendingTab(of: "sales", for: "eva").map(\.id) == [id])
        // Ana is not a member of sales: for her it no longer exists, exactly like one that never did.
        let gone = await refusal { _ = try await inbox.interaction(id, for: "ana") }
        let never = await refusal { _ = try await inbox.interaction("int-999", for: "ana") }
        #expect(gone?.category == .notFound && gone?.description == "no interaction \(id)")
        #expect(never?.category == .notFound && never?.description == "no interaction int-999")
        #expect(await refusal { _ = try await inbox.pendingTab(of: "sales", for: "ana") }?.description == "no campaign sales")
        // Pending: a member takes it before writing in it.
        #expect(await refusal { _ = try await inbox.finish(id, by: "eva") }?.description == "interaction \(id) is pending: take it first")
        let taken = try await inbox.take(id, by: "eva")
        #expect(taken.state == .active && taken.assignee == "eva" && taken.history.map(\.kind) == [.created, .messageSent, .categorized, .transferred, .taken])
        #expect(try await inbox.pendingTab(of: "sales", for: "eva").isEmpty)
        let again = await refusal { _ = try await inbox.take(id, by: "bruno") }
        #expect(again?.category == .conflict && again?.description == "interaction \(id) is already taken by Eva Mora")
    }

    @Test func aSupervisorSeesTheirAgentsWorkButActsOnlyInTheirOwnCampaigns() async throws {
        let fixture = try await InboxFixture()
        let inbox = fixture.inbox
        // Bruno works in billing and sales; Carla supervises billing only; Ana is an agent of billing.
        let id = try await inbox.start(StartInteraction(channel: .phone, campaign: "sales", to: ["612345678"]), by: "bruno").id
        #expect(try await inbox.interaction(id, for: "carla").assignee == "bruno")
        #expect(try await inbox.activeTab(of: "bruno", viewer: "carla").map(\.id) == [id])
        #expect(await refusal { _ = try await inbox.interaction(id, for: "ana") }?.category == .notFound)
        #expect(await refusal { _ = try await inbox.activeTab(of: "bruno", viewer: "ana") }?.category == .unauthorized)
        #expect(await refusal { _ = try await inbox.activeTab(of: "eva", viewer: "carla") }?.description == "no agent eva among the members of your campaigns")
        let transfer = await refusal { _ = try await inbox.transfer(id, to: .agent("eva"), by: "carla") }
        #expect(transfer?.category == .unauthorized && transfer?.description == "only members of campaign Sales transfer its interactions")
    }

    // MARK: Administration

    @Test func onlyAnAdministratorManagesAgentsAndCampaigns() async throws {
        let fixture = try await InboxFixture()
        let zoe = Agent(id: "zoe", name: "Zoe Vidal", email: "zoe@example.com")
        let refused = await refusal { try await fixture.inbox.save(zoe, by: "carla") }
        #expect(refused?.category == .unauthorized && refused?.description == "only an administrator can manage agents; Carla Gil is a supervisor")
        try await fixture.inbox.save(zoe, by: "dani")
        var support = Team.support
        support.members.append("zoe")
        #expect(await refusal { try await fixture.inbox.save(support, by: "ana") }?.category == .unauthorized)
        try await fixture.inbox.save(support, by: "dani")
        #expect(try await fixture.store.campaigns(ofMember: "zoe").map(\.id) == ["support"])
    }
}

/// An outbox that fails every enqueue, as if the process died right after the inbox's commit.
private struct DiesOnEnqueue: OutboxStore {
    var policy: Outbox.Policy { Outbox.Policy() }
    var location: String { "the outbox that dies" }
    func enqueue(_ outbounds: [Outbound], now: Double) async throws -> Outbox.Stored { throw HeraldError(.io, "the process died") }
    func claim(owner: String, now: Double, limit: Int, ids: ClosedRange<Int64>?, route: String?) async throws -> [Outbox.Claim] { [] }
    func record(_ report: DeliveryReport, for id: Int64, now: Double, random: Double) async throws {}
    func release(_ ids: [Int64], now: Double) async throws {}
    func retry(_ id: Int64, now: Double) async throws {}
    func backlog(now: Double, route: String?) async throws -> Outbox.Backlog { Outbox.Backlog(due: 0, waiting: 0, nextAttemptAt: nil, held: 0, sending: 0) }
    func purge() async throws -> Int { 0 }
    func entries() async throws -> [Outbox.Entry] { [] }
    func entry(_ id: Int64) async throws -> Outbox.Entry? { nil }
}
