import ArgumentParser
import Herald

/// The DKIM keys email is signed with — shared by `send`, `worker`, `serve` (through
/// `DeliveryOptions`) and `render`, whose `--format eml` then writes what `send` would send.
struct DKIMOptions: ParsableArguments {
    @Option(name: .customLong("dkim-key"), help: "Sign mail from DOMAIN with this key: DOMAIN:SELECTOR:FILE (a PEM file), repeatable (env HERALD_DKIM_KEYS, comma-separated).") var keys: [String] = []
    @Option(name: .customLong("dkim-require"), help: "Refuse to send mail from DOMAIN unsigned: it must have a --dkim-key (repeatable; env HERALD_DKIM_REQUIRE, comma-separated).") var require: [String] = []
    @Option(name: .customLong("dkim-canonicalization"), help: "relaxed (default) or simple (env HERALD_DKIM_CANONICALIZATION).") var canonicalization: String?

    /// These flags on `settings`, each named for its errors.
    func apply(to settings: inout DeliveryConfiguration.Settings) {
        settings.dkimKeys = keys.isEmpty ? nil : .init(keys, name: "--dkim-key")
        settings.dkimCanonicalization = canonicalization.map { .init($0, name: "--dkim-canonicalization") }
        settings.dkimRequire = require.isEmpty ? nil : .init(require, name: "--dkim-require")
    }

    /// The keyring of these flags, then the environment.
    func keyring() throws -> DKIMKeyring {
        var settings = DeliveryConfiguration.Settings()
        apply(to: &settings)
        return try DeliveryConfiguration.dkim(settings)
    }
}
