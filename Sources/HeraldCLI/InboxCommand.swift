import ArgumentParser
import Foundation
import Herald
import HeraldInbox

/// `herald inbox`: the inbox's administration from the machine it runs on (whoever can write
/// its file is its administrator): agents, campaigns, members, API tokens, and seed files.
struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Administer the inbox: agents, campaigns, members, API tokens, seed files.",
        subcommands: [Load.self, AgentCommand.self, CampaignCommand.self, MemberCommand.self, TokenCommand.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or replace the agents and campaigns of a seed file (loading it again changes nothing).")

        @Argument(help: "The seed file (YAML): agents, campaigns.") var file: String
        @OptionGroup var data: DataOptions

        func run() async throws {
            say(try await data.folder.load(InboxSeed.load(from: file)))
        }
    }

    struct AgentCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "agent", abstract: "Agents.", subcommands: [Add.self, List.self, Password.self])

        struct Password: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set an agent's sign-in password, read from a file or standard input (never an argument: it would stay in the shell's history); their sessions end.")
            @Argument(help: "The agent's ID.") var id: String
            @Option(name: .customLong("password-file"), help: "A file whose first line is the password (default: standard input).") var file: String?
            @OptionGroup var data: DataOptions

            func run() async throws {
                say(try await data.folder.setPassword(readingFirstLineOf: file, for: id))
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an agent, or replace the one with this ID.")
            @Argument(help: "The agent's ID (letters, digits, '-', '_', '.'), like ana.") var id: String
            @Option(help: "The name colleagues know them by.") var name: String
            @Option(help: "The email address they sign in with.") var email: String
            @Option(help: "agent, supervisor or administrator.") var role: String = "agent"
            @OptionGroup var data: DataOptions

            func run() async throws {
                say(try await data.folder.saveAgent(id: id, name: name, email: email, role: role, roleName: "--role"))
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the agents.")
            @OptionGroup var data: DataOptions

            func run() async throws {
                for agent in try await data.folder.open(create: false).agents() { say(agent.listLine) }
            }
        }
    }

    struct CampaignCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "campaign", abstract: "Campaigns.", subcommands: [Add.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a campaign, or change the one with this ID: what is given changes, the rest (other channels, categories, forms, members) is kept; new categories are added.")
            @Argument(help: "The campaign's ID, like billing.") var id: String
            @Option(help: "Its name, like Billing.") var name: String
            @Option(name: .customLong("email-from"), help: "Enable email, sent from this address.") var emailFrom: String?
            @Option(name: .customLong("sms-number"), help: "Enable SMS, sent from this number.") var smsNumber: String?
            @Option(name: .customLong("whatsapp-phone-number-id"), help: "Enable WhatsApp with this Cloud API phone number ID.") var whatsapp: String?
            @Flag(help: "Enable the phone.") var phone = false
            @Option(name: .customLong("category"), help: "A category (repeat for each).") var categories: [String] = []
            @Option(name: .customLong("country-code"), help: "The calling code for numbers written without one, like 34.") var countryCode: String?
            @OptionGroup var data: DataOptions

            func run() async throws {
                let edit = CampaignEdit(name: name, emailFrom: emailFrom, smsNumber: smsNumber, whatsappPhoneNumberID: whatsapp, phone: phone,
                                        categories: categories, countryCode: countryCode)
                say(try await data.folder.saveCampaign(id: id, edit))
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the campaigns.")
            @OptionGroup var data: DataOptions

            func run() async throws {
                for campaign in try await data.folder.open(create: false).campaigns() { say(campaign.listLine) }
            }
        }
    }

    struct MemberCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "member", abstract: "Campaign members.", subcommands: [Add.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Make an agent a member of a campaign (already one: nothing changes).")
            @Argument(help: "The campaign's ID.") var campaign: String
            @Argument(help: "The agent's ID.") var agent: String
            @OptionGroup var data: DataOptions

            func run() async throws {
                say(try await data.folder.addMember(agent, to: campaign))
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an agent from a campaign's members.")
            @Argument(help: "The campaign's ID.") var campaign: String
            @Argument(help: "The agent's ID.") var agent: String
            @OptionGroup var data: DataOptions

            func run() async throws {
                say(try await data.folder.removeMember(agent, from: campaign))
            }
        }
    }

    struct TokenCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens.", subcommands: [Create.self, Revoke.self, List.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make an API token for an agent and print it (once: only its hash is kept).")
            @Option(help: "The agent the token acts as.") var agent: String
            @Option(help: "What the token is for, for `herald inbox token list`.") var label: String?
            @OptionGroup var data: DataOptions

            func run() async throws {
                let issued = try await data.folder.issueToken(for: agent, label: label, at: Date())
                FileHandle.standardError.write(Data("\(issued.note)\n".utf8))
                say(issued.token)
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke an API token: it lets nobody in any more.")
            @Argument(help: "The token's ID (herald inbox token list), or the token itself.") var token: String
            @OptionGroup var data: DataOptions

            func run() async throws {
                say(try await data.folder.revokeToken(token, at: Date()))
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the API tokens (never their secrets).")
            @Option(help: "Only this agent's.") var agent: String?
            @OptionGroup var data: DataOptions

            func run() async throws {
                for token in try await data.folder.open(create: false).tokens(of: agent) { say(token.listLine) }
            }
        }
    }
}
