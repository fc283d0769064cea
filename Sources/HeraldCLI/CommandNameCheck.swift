import ArgumentParser
import Herald

/// Checks the command words before swift-argument-parser sees them: `herald rendr x.md` would
/// otherwise be "2 unexpected arguments", without saying that `rendr` was meant as a command
/// or which one.
enum CommandNameCheck {
    /// Walks `arguments` down the command tree while the command has subcommands; the first
    /// word that names none of them is refused, with the closest names offered.
    static func check(_ arguments: [String], root: any ParsableCommand.Type) throws {
        try check(arguments[...], command: root, path: root._commandName, isRoot: true)
    }

    private static func check(_ arguments: ArraySlice<String>, command: any ParsableCommand.Type, path: String, isRoot: Bool) throws {
        let subcommands = command.configuration.subcommands
        guard let argument = arguments.first, !subcommands.isEmpty else { return }
        // Options (--help, --version) are the parser's business; "help NAME" is its built-in.
        if argument.hasPrefix("-") || (isRoot && argument == "help") { return }
        var known: [String] = []
        for subcommand in subcommands {
            let name = subcommand._commandName
            if name == argument || subcommand.configuration.aliases.contains(argument) {
                try check(arguments.dropFirst(), command: subcommand, path: "\(path) \(name)", isRoot: false)
                return
            }
            known.append(name)
        }
        let commands = "the commands of \(path) are \(known.joined(separator: ", "))"
        let offer = NameSuggestions.offer(argument, among: known, list: commands)
        throw fail("unknown command '\(argument)'; \(offer)", status: ExitStatus.usage)
    }
}
