import ArgumentParser

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
        let close = suggestions(for: argument, among: known)
        let commands = "the commands of \(path) are \(known.joined(separator: ", "))"
        let suggestion = close.isEmpty ? commands : "did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))? (\(commands))"
        throw fail("unknown command '\(argument)'; \(suggestion)", status: ExitStatus.usage)
    }

    /// The names closest to `word`, if within two edits (a letter missing, extra, changed or two
    /// swapped); one edit for very short words, where two would match almost anything.
    static func suggestions(for word: String, among names: [String]) -> [String] {
        let limit = word.count <= 3 ? 1 : 2
        let scored = names.map { ($0, distance(word.lowercased(), $0)) }.filter { $0.1 <= limit }
        guard let best = scored.map(\.1).min() else { return [] }
        return scored.filter { $0.1 == best }.map(\.0)
    }

    /// Optimal string alignment distance: Levenshtein plus the swap of two neighbours ("sned").
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
