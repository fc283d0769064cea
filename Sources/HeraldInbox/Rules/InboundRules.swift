import Foundation
import HeraldChannels

/// What a customer's message does to an interaction, as pure rules beside `InteractionRules`
/// (which are the agents' commands): the message, where it threads and the time make the next
/// interaction and its events. `Inbox.receive` finds the thread and stores the result.
///
/// | it threads to | makes |
/// |---|---|
/// | an open interaction (pending or active) | the message added; the state and the agent unchanged |
/// | a finished or closed one, or none | a new pending interaction in the campaign, with the message |
///
/// An automatic reply (`Inbound.autoReply`) joins an open interaction, marked, and never makes a
/// new one (`Inbox.receive` stops it before).
public enum InboundRules {
    /// The message added to an open interaction: `lastInboundAt` moves forward (never back: an
    /// old message delivered late does not reopen WhatsApp's window).
    public static func add(_ message: Interaction.Message, to interaction: Interaction, at now: Date) throws -> Transition {
        guard interaction.isOpen else {
            throw InboxError(.conflict, "interaction \(interaction.id) is \(interaction.state.rawValue): a customer's message starts a new one")
        }
        guard !interaction.messages.contains(where: { $0.id == message.id }) else {
            throw InboxError(.conflict, "interaction \(interaction.id) has a message \(message.id) already", field: "message.id")
        }
        var after = interaction
        after.version += 1
        after.updatedAt = now
        after.messages.append(message)
        after.lastInboundAt = max(after.lastInboundAt ?? .distantPast, written(message))
        let event = received(message, in: after)
        after.history.append(event)
        return Transition(before: interaction, after: after, events: [event])
    }

    /// A new conversation: pending in the campaign, nobody's, the message its first; the
    /// customer begins it (the `created` event's actor).
    public static func open(_ id: String, with message: Interaction.Message, campaign: Campaign, channel: ChannelID, customer: String,
                            contact: Interaction.Contact, at now: Date) throws -> Transition {
        guard campaign.channels.isEnabled(channel) else {
            throw InboxError(.input, "campaign \(campaign.name) does not answer on \(channel)", field: "campaign")
        }
        var interaction = Interaction(id: id, campaign: campaign.id, channel: channel, customer: customer, state: .pending, assignee: nil,
                                      contact: contact, lastInboundAt: written(message), messages: [message], createdAt: now, updatedAt: now)
        var created = Interaction.Event(interaction: id, kind: .created, actor: customer, at: now, channel: channel)
        created.to = Interaction.Placement(campaign: campaign.id)
        let events = [created, received(message, in: interaction)]
        interaction.history = events
        return Transition(before: nil, after: interaction, events: events)
    }

    /// When the customer wrote: the time their side gives, never later than it arrived.
    package static func written(_ message: Interaction.Message) -> Date {
        min(message.inbound?.sentAt ?? message.at, message.at)
    }

    private static func received(_ message: Interaction.Message, in interaction: Interaction) -> Interaction.Event {
        var event = Interaction.Event(interaction: interaction.id, kind: .messageReceived, actor: interaction.customer, at: message.at)
        event.message = message.id
        return event
    }
}
