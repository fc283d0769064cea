/// "Did you mean …?" for a name that is not one of those there are: a mistyped command, campaign
/// category, form or field. Errors that list the names there are add the closest ones first, so
/// a typo is answered with its fix rather than a list to read through.
///
/// (In HeraldMIME, beside `HeraldError`, so every module that throws can use it.)
public enum NameSuggestions {
    /// The names closest to `word`, if within two edits (a letter missing, extra, changed or two
    /// swapped); one edit for very short words, where two would match almost anything. Case is
    /// ignored in `word` only: the names are compared as written.
    public static func closest(to word: String, among names: [String]) -> [String] {
        let limit = word.count <= 3 ? 1 : 2
        let scored = names.map { ($0, distance(word.lowercased(), $0)) }.filter { $0.1 <= limit }
        guard let best = scored.map(\.1).min() else { return [] }
        return scored.filter { $0.1 == best }.map(\.0)
    }

    /// "did you mean 'a' or 'b'?" for the closest names, each written by `quoted`; nil when none
    /// is close.
    public static func didYouMean(_ word: String, among names: [String],
                                  quoted: (String) -> String = { "'\($0)'" }) -> String? {
        let close = closest(to: word, among: names)
        return close.isEmpty ? nil : "did you mean \(close.map(quoted).joined(separator: " or "))?"
    }

    /// `list` ("its forms: a, b") after what `didYouMean` offers, in parentheses then; `list`
    /// alone when nothing is close. Messages end with it.
    public static func offer(_ word: String, among names: [String], list: String,
                             quoted: (String) -> String = { "'\($0)'" }) -> String {
        didYouMean(word, among: names, quoted: quoted).map { "\($0) (\(list))" } ?? list
    }

    /// Optimal string alignment distance: Levenshtein plus the swap of two neighbours ("sned").
    public static func distance(_ a: String, _ b: String) -> Int {
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
