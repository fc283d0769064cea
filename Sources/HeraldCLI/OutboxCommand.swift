import ArgumentParser
import Foundation
import Herald

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Look into the outbox and act on it.",
        subcommands: [List.self, Show.self, Retry.self, Purge.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per message: ID, state, attempts, sender, recipients.")
        @OptionGroup var delivery: DeliveryOptions

        func run() async throws {
            for entry in try await delivery.configuration().openOutbox(create: false).entries() { print(entry.listLine) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A message's state and each recipient's last reply.")
        @Argument(help: "The outbox ID.") var id: Int64
        @OptionGroup var delivery: DeliveryOptions

        func run() async throws {
            let configuration = try delivery.configuration()
            guard let entry = try await configuration.openOutbox(create: false).entry(id) else {
                throw fail("no message with outbox ID \(id) in \(configuration.outboxDescription) (see `herald outbox list`)", status: ExitStatus.badInput)
            }
            for line in entry.details() { print(line) }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a held, failed or waiting message again, now, with the same bytes and Message-ID.",
            discussion: "A message is held when the connection was lost after its body was sent: the server may have it. Retrying may deliver it twice; receivers that deduplicate by Message-ID will not show it twice. A queued message waiting for its retry time becomes due at once; a failed one gets a new round of attempts. Recipients that accepted it never get it again.")
        @Argument(help: "The outbox ID.") var id: Int64
        @OptionGroup var delivery: DeliveryOptions

        func run() async throws {
            try await delivery.configuration().openOutbox(create: false).retry(id, now: Date().timeIntervalSince1970)
            print("message \(id) queued; `herald worker` will send it")
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete sent and failed messages.")
        @OptionGroup var delivery: DeliveryOptions

        func run() async throws {
            print("purged \(try await delivery.configuration().openOutbox(create: false).purge()) message(s)")
        }
    }
}
