import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// Customers' messages into the inbox (`Inbox.receive`): threading, one message per provider
/// ID, new conversations pending in the campaign that was written to, automatic replies, the
/// reply that keeps everyone, receipts that only move forward, WhatsApp's window.
struct InboundTests {
    /// An email from Lucía to billing@, copying two colleagues and the billing alias.
    static func email(_ id: String = "m1@mail.example.net", subject: String = "RE: Re: Invoice A-1", replyingTo: [String] = [],
                      from: String = "lucia@example.net", autoReply: String? = nil, sentAt: Date? = nil) -> IncomingMessage {
        IncomingMessage(channel: .email, receivedBy: ["billing@example.com", "pablo@example.net"], subject: subject, replyingTo: replyingTo,
                        content: .init(externalID: id, from: from, fromName: "Lucía Pérez", to: ["Billing@Example.com", "pablo@example.net"],
                                       cc: ["billing+vip@example.com", "LUCIA@example.net", "marta@example.net"], references: replyingTo + [id],
                                       text: "Hello, the invoice is wrong.", quoted: "> older text", autoReply: autoReply, sentAt: sentAt))
    }

    @Test func aNewEmailConversationIsPendingInTheCampaignItWasWrittenTo() async throws {
        let fixture = try await InboxFixture()
        let first = try await fixture.inbox.receive(Self.email())
        #expect(first.outcome == .opened && first.campaign == "billing" && first.interaction == "int-2")
        let stored = try #require(try await fixture.store.interaction("int-2"))
        #expect(stored.state == .pending && stored.assignee == nil && stored.channel == .email)
        // The thread's subject without the customer's program's prefixes.
        #expect(stored.contact == Interaction.Contact(to: ["lucia@example.net"], subject: "Invoice A-1"))
        #expect(stored.history.map(\.kind) == [.created, .messageReceived] && stored.history.allSatisfy { $0.actor == stored.customer })
        let message = try #require(stored.messages.first)
        #expect(message.direction == .inbound && message.inbound?.text == "Hello, the invoice is wrong." && message.inbound?.receivedBy == "billing@example.com")
        #expect(stored.lastInboundAt == Team.now)
        // The customer, named from the From header.
        #expect(try await fixture.store.customer(contact: "lucia@example.net")?.name == "Lucía Pérez")
        // Delivered twice (the MTA retried, the IMAP poll ran again): stored once.
        let again = try await fixture.inbox.receive(Self.email())
        #expect(again.outcome == .duplicate && again.interaction == "int-2" && again.message == message.id)
        #expect(try await fixture.store.interaction("int-2")?.messages.count == 1)
        // Listed in the campaign's Pending tab.
        #expect(try await fixture.inbox.pendingTab(of: "billing", for: "ana").map(\.id) == ["int-2"])
    }

    @Test func theReplyGoesToTheCustomerCopiesEveryoneElseAndContinuesTheThread() async throws {
        let fixture = try await InboxFixture()
        let received = try await fixture.inbox.receive(Self.email())
        let id = try #require(received.interaction)
        _ = try await fixture.inbox.take(id, by: "ana")
        let shown = try await fixture.inbox.replyDefaults(for: try await fixture.inbox.interaction(id, for: "ana"))
        // Pablo (To) and Marta (Cc) copied; never billing@ or its +vip alias, never Lucía again.
        #expect(shown == ReplyDefaults(to: ["lucia@example.net"], cc: ["pablo@example.net", "marta@example.net"], subject: "Re: Invoice A-1",
                                       inReplyTo: "m1@mail.example.net", references: ["m1@mail.example.net"]))
        let replied = try await fixture.inbox.send(try .text("We are on it."), in: id, by: "ana")
        let sent = try #require(replied.messages.last)
        let bytes = String(decoding: try #require(try await fixture.claimAll().first).outbound.bytes, as: UTF8.self)
        #expect(bytes.contains("To: <lucia@example.net>\r\n") && bytes.contains("Cc: <pablo@example.net>, <marta@example.net>\r\n"))
        #expect(bytes.contains("Subject: Re: Invoice A-1\r\n") && !bytes.contains("Re: Re:"))
        #expect(bytes.contains("In-Reply-To: <m1@mail.example.net>\r\n") && bytes.contains("References: <m1@mail.example.net>\r\n"))
        #expect(bytes.contains("Message-ID: <herald=\(id)=\(sent.id)@example.com>\r\n"))
        // The agent edits the copies: an explicit list is what is sent.
        var narrower = try OutgoingMessage.text("Only to you.")
        narrower.cc = []
        _ = try await fixture.inbox.send(narrower, in: id, by: "ana")
        let second = try #require(try await fixture.claimAll().first)
        #expect(second.outbound.recipients == ["lucia@example.net"])
    }

    @Test func theCustomersAnswerToTheAgentFindsItsInteractionByTheReplyToken() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "billing", to: ["lucia@example.net"], subject: "Your refund",
                                                                     message: try .text("Refunded.")), by: "ana")
        let token = ReplyToken.messageID(interaction: started.id, message: try #require(started.messages.first?.id), domain: "example.com")
        // From another address of hers, with her program's own subject: the token decides.
        let answer = try await fixture.inbox.receive(Self.email("m2@mail.example.net", subject: "Thanks!", replyingTo: ["<\(token)>"],
                                                                from: "lucia.perez@work.example.org"))
        #expect(answer.outcome == .added && answer.interaction == started.id && answer.reason.contains("which Herald sent"))
        let stored = try #require(try await fixture.store.interaction(started.id))
        #expect(stored.state == .active && stored.assignee == "ana" && stored.messages.map(\.direction) == [.outbound, .inbound])
        #expect(stored.history.last?.kind == .messageReceived)
        // A colleague answering all to her message threads to it too.
        let colleague = try await fixture.inbox.receive(Self.email("m3@mail.example.net", subject: "Re: Thanks!", replyingTo: ["m2@mail.example.net"],
                                                                   from: "pablo@example.net"))
        #expect(colleague.outcome == .added && colleague.interaction == started.id)
    }

    @Test func withoutAThreadTheCustomersOpenInteractionTakesIt_aClosedOneStartsANewConversation() async throws {
        let fixture = try await InboxFixture()
        let first = try await fixture.inbox.receive(Self.email("a@x"))
        let second = try await fixture.inbox.receive(Self.email("b@x", subject: "Another thing"))
        #expect(second.outcome == .added && second.interaction == first.interaction)
        let id = try #require(first.interaction)
        _ = try await fixture.inbox.take(id, by: "ana")
        _ = try await fixture.inbox.finish(id, by: "ana")
        // Finished: her next message, even one answering that thread, is a new conversation.
        let later = try await fixture.inbox.receive(Self.email("c@x", replyingTo: ["a@x"]))
        #expect(later.outcome == .opened && later.interaction != id && later.campaign == "billing")
        #expect(later.reason.contains("is finished: a new conversation in Billing"))
        // The new one keeps the thread's subject.
        #expect(try await fixture.store.interaction(try #require(later.interaction))?.contact.subject == "Invoice A-1")
    }

    @Test func automaticRepliesOpenNoConversation_andNobodysAddressIsRefused() async throws {
        let fixture = try await InboxFixture()
        let vacation = try await fixture.inbox.receive(Self.email("ooo@x", autoReply: "Auto-Submitted: auto-replied"))
        #expect(vacation.outcome == .ignored && vacation.interaction == nil && vacation.reason.hasPrefix("an automatic reply (Auto-Submitted: auto-replied)"))
        #expect(try await fixture.inbox.pendingTab(of: "billing", for: "ana").isEmpty)
        #expect(try await fixture.store.customer(contact: "lucia@example.net") == nil)
        // With an open conversation, it joins it, marked.
        let open = try await fixture.inbox.receive(Self.email("real@x"))
        let joined = try await fixture.inbox.receive(Self.email("ooo2@x", autoReply: "X-Autoreply: yes"))
        #expect(joined.outcome == .added && joined.interaction == open.interaction)
        #expect(try await fixture.store.interaction(try #require(open.interaction))?.messages.last?.inbound?.autoReply == "X-Autoreply: yes")
        // Written to an address no campaign answers at: refused, naming the addresses that are.
        var stray = Self.email("stray@x")
        stray.receivedBy = ["nobody@example.com"]
        let refused = await refusal { _ = try await fixture.inbox.receive(stray) }
        #expect(refused?.category == .notFound)
        #expect(refused?.description == "no campaign answers the email message stray@x sent to nobody@example.com; the campaigns answer at billing@example.com, sales@example.com")
        // No ID: a second delivery could not be recognized.
        var anonymous = Self.email("")
        anonymous.content.externalID = " "
        #expect(await refusal { _ = try await fixture.inbox.receive(anonymous) }?.category == .input)
    }

    @Test func receiptsOnlyMoveForward_andShowOnTheDelivery() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .sms, campaign: "billing", to: ["+34612345678"], message: try .text("Hola")),
                                                    by: "ana")
        let claim = try #require(try await fixture.claimAll().first)
        try await fixture.outbox.record(DeliveryReport(recipients: [
            RecipientResult(address: "+34612345678", status: .accepted, code: 201, reply: "accepted as SM123"),
        ], failure: nil, transcript: []), for: claim.id, now: Team.now.timeIntervalSince1970 + 2, random: 0.5)
        func receipt(_ status: DeliveryReceipt.Status, _ seconds: Double, _ detail: String? = nil) -> DeliveryReceipt {
            DeliveryReceipt(channel: .sms, externalID: "SM123", recipient: "+34612345678", status: status,
                            at: Team.now.addingTimeInterval(seconds), detail: detail)
        }
        #expect(try await fixture.inbox.record(receipt(.delivered, 10)))
        #expect(try await fixture.inbox.record(receipt(.read, 20)))
        // Late and out of order: a delivered after read, a sent, a failure after read.
        #expect(try await !fixture.inbox.record(receipt(.delivered, 15)))
        #expect(try await !fixture.inbox.record(receipt(.sent, 5)))
        #expect(try await !fixture.inbox.record(receipt(.failed, 25, "30008")))
        let shown = try await fixture.inbox.interaction(started.id, for: "ana")
        #expect(shown.messages[0].delivery.first?.receipt?.status == .read && shown.messages[0].delivery.first?.receipt?.at == Team.now.addingTimeInterval(20))
        // The rule itself: failure replaces only sent; nothing replaces a failure.
        let failed = DeliveryReceipt(channel: .sms, externalID: "x", recipient: "+1", status: .failed, at: Team.now)
        #expect(failed.supersedes(nil) && failed.supersedes(.sent) && !failed.supersedes(.delivered) && !failed.supersedes(.failed))
        #expect(!receipt(.read, 0).supersedes(.failed))
    }

    @Test func anEmailBounceMarksTheRecipientFailedUnderTheReplyToken() async throws {
        let fixture = try await InboxFixture()
        let started = try await fixture.inbox.start(StartInteraction(channel: .email, campaign: "billing", to: ["lucia@example.net"], subject: "Hi",
                                                                     message: try .text("Hola")), by: "ana")
        let messageID = ReplyToken.messageID(interaction: started.id, message: try #require(started.messages.first?.id), domain: "example.com")
        #expect(try await fixture.inbox.record(DeliveryReceipt(channel: .email, externalID: "<\(messageID)>", recipient: "Lucia@Example.net",
                                                               status: .failed, at: Team.now, detail: "5.1.1 user unknown")))
        let shown = try await fixture.inbox.interaction(started.id, for: "ana")
        #expect(shown.messages[0].delivery.first?.receipt?.status == .failed && shown.messages[0].delivery.first?.receipt?.detail == "5.1.1 user unknown")
    }

    @Test func whatsAppsWindowComesFromTheCustomersLastStoredMessage() async throws {
        let fixture = try await InboxFixture()
        func whatsapp(_ id: String, hoursAgo: Double) -> IncomingMessage {
            IncomingMessage(channel: .whatsapp, receivedBy: ["106540352242922"],
                            content: .init(externalID: id, from: "+34612345678", fromName: "Lucía", text: "Hola",
                                           sentAt: Team.now.addingTimeInterval(-hoursAgo * 3600), kind: "text"))
        }
        // Written 25 hours ago (delivered late): the window is closed, and says when it closed.
        let old = try await fixture.inbox.receive(whatsapp("wamid.old", hoursAgo: 25))
        let id = try #require(old.interaction)
        _ = try await fixture.inbox.take(id, by: "ana")
        let closed = await refusal { _ = try await fixture.inbox.send(try .text("Sorry for the wait"), in: id, by: "ana") }
        #expect(closed?.description.contains("25 hours ago, outside the 24-hour window (it closed at 2026-11-30 09:00 UTC)") == true)
        // She writes again: a free-form reply goes.
        _ = try await fixture.inbox.receive(whatsapp("wamid.new", hoursAgo: 1))
        let replied = try await fixture.inbox.send(try .text("Sorry for the wait"), in: id, by: "ana")
        #expect(replied.messages.last?.direction == .outbound)
        // The window is hers and the number's: another agent may start a free-form conversation.
        _ = try await fixture.inbox.finish(id, by: "ana")
        let fresh = try await fixture.inbox.start(StartInteraction(channel: .whatsapp, campaign: "billing", to: ["+34612345678"],
                                                                   message: try .text("One more question")), by: "bruno")
        #expect(fresh.messages.count == 1 && fresh.messages[0].template == nil)
        // The other business number has never heard from her: a template is still needed there.
        let sales = await refusal {
            _ = try await fixture.inbox.start(StartInteraction(channel: .whatsapp, campaign: "sales", to: ["+34612345678"], message: try .text("Hi")), by: "bruno")
        }
        #expect(sales?.description.hasPrefix("a WhatsApp interaction must open with an approved template") == true)
    }

    @Test func replySubjectsKeepOneRe() {
        #expect(ReplySubject.reply(to: "Invoice") == "Re: Invoice")
        #expect(ReplySubject.reply(to: "RE: Re: AW: Invoice") == "Re: Invoice")
        #expect(ReplySubject.reply(to: "Re[2]: SV: Factura") == "Re: Factura")
        #expect(ReplySubject.reply(to: "Fwd: Invoice") == "Re: Fwd: Invoice")
        #expect(ReplySubject.reply(to: "Reunion: Monday") == "Re: Reunion: Monday")
        #expect(ReplySubject.reply(to: "  ") == "")
        #expect(ReplyToken.parse("<herald=int_1=msg_2@example.com>")! == ("int_1", "msg_2"))
        #expect(ReplyToken.parse("herald=int_1@example.com") == nil && ReplyToken.parse("abc@example.com") == nil)
    }
}
