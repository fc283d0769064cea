import Foundation
import HeraldChannels

extension Interaction {
    /// One entry of the audit trail: what happened to an interaction, who did it and when.
    /// Events are only ever added, in the transaction of the change they describe.
    public struct Event: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case created, taken, messageSent, messageReceived, transferred, finished, categorized, closed, formSubmitted
        }

        /// The position in the whole inbox's trail, given by the store (nil before it is
        /// stored): later events have larger numbers, so a reader can ask for what came after
        /// the last one it saw.
        public var sequence: Int64?
        public var interaction: String
        public var kind: Kind
        /// The agent's ID; the customer's for what the customer did (`messageReceived`, and
        /// the `created` of a conversation the customer began).
        public var actor: String
        public var at: Date
        /// `created`: the channel.
        public var channel: ChannelID?
        /// `messageSent`, `messageReceived`: the message's ID.
        public var message: String?
        /// `categorized`: the category.
        public var category: String?
        /// `formSubmitted`: the form's ID.
        public var form: String?
        /// `transferred`: where it was; `created`, `taken`, `transferred`: where it is now.
        public var from: Placement?
        public var to: Placement?
        /// `transferred`: the agent's note for whoever gets it.
        public var note: String?

        public init(sequence: Int64? = nil, interaction: String, kind: Kind, actor: String, at: Date, channel: ChannelID? = nil, message: String? = nil,
                    category: String? = nil, form: String? = nil, from: Placement? = nil, to: Placement? = nil, note: String? = nil) {
            self.sequence = sequence
            self.interaction = interaction
            self.kind = kind
            self.actor = actor
            self.at = at
            self.channel = channel
            self.message = message
            self.category = category
            self.form = form
            self.from = from
            self.to = to
            self.note = note
        }
    }

    /// Where an interaction is: its campaign and, when someone has it, the agent.
    public struct Placement: Codable, Sendable, Equatable {
        public var campaign: String
        public var agent: String?

        public init(campaign: String, agent: String? = nil) {
            self.campaign = campaign
            self.agent = agent
        }
    }

    var placement: Placement { Placement(campaign: campaign, agent: assignee) }
}
