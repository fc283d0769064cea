import ArgumentParser
import Foundation
import Herald

struct DKIMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim", abstract: "Make a DKIM key and its DNS record, or check a message's DKIM signatures offline.",
        subcommands: [Keygen.self, Verify.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new private key (mode 0600, never over an existing file) and print the TXT record to publish.")

        @Option(help: "The signing domain (the From address's domain).") var domain: String
        @Option(help: "The selector: the record is SELECTOR._domainkey.DOMAIN.") var selector: String
        @Option(help: "ed25519 (default) or rsa (2048 bits).") var algorithm: String = "ed25519"
        @Option(help: "The key file (default SELECTOR.DOMAIN.pem).") var output: String?

        func run() throws {
            let (key, path) = try DKIMKey.generateFile(keyType: algorithm, keyTypeName: "--algorithm", domain: domain, selector: selector, path: output)
            say("wrote the private key to \(path) (mode 0600); publish this TXT record:")
            print(key.recordLine)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check each DKIM-Signature of a message against a key record; exit 1 unless all pass.")

        @Argument(help: "The message (.eml).") var file: String
        @Option(help: "The TXT record, like 'v=DKIM1; k=ed25519; p=…'.") var record: String

        func run() throws {
            let results = try DKIMVerifier().verify(file: file, record: record)
            for result in results { print(result) }
            if let failure = DKIMVerification.failure(of: results, file: file) { throw fail(failure, status: ExitStatus.failure) }
        }
    }
}
