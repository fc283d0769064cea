import Foundation

/// A reply's subject: the thread's with one `Re:` — never `Re: RE: Re:` as mail programs pile
/// them up, whatever language's prefix the customer's program used.
public enum ReplySubject {
    /// Reply prefixes of the common mail programs: English, German (AW), Scandinavian (SV),
    /// Dutch (Antw), French (Réf), Spanish (RV is a forward there, so not here); `Re[2]:` too.
    private static let prefixes = ["re", "aw", "sv", "antw", "réf", "ref"]

    /// The subject without its leading reply prefixes.
    public static func base(_ subject: String) -> String {
        var rest = Substring(subject.trimmingCharacters(in: .whitespaces))
        while let stripped = strippingPrefix(rest) { rest = stripped }
        return String(rest)
    }

    /// `Re: ` and the base; an empty subject stays empty.
    public static func reply(to subject: String) -> String {
        let base = base(subject)
        return base.isEmpty ? "" : "Re: " + base
    }

    private static func strippingPrefix(_ text: Substring) -> Substring? {
        guard let colon = text.prefix(12).firstIndex(of: ":") else { return nil }
        var word = text[..<colon].lowercased()
        // Re[2]: / Re(2):
        if let bracket = word.firstIndex(where: { $0 == "[" || $0 == "(" }) {
            let counter = word[word.index(after: bracket)...].dropLast()
            guard word.hasSuffix("]") || word.hasSuffix(")"), counter.allSatisfy(\.isNumber) else { return nil }
            word = String(word[..<bracket])
        }
        guard prefixes.contains(word.trimmingCharacters(in: .whitespaces)) else { return nil }
        return text[text.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
    }
}
