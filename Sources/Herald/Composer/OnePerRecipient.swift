/// One customer, one copy.
enum OnePerRecipient {
    /// `items` with their key (the normalised recipient: an address with its domain lower-cased
    /// and IDNA-mapped, an E.164 number) and how each was given; returns the first of each key,
    /// in order, and a warning for every key given more than once — "ana@example.com is given
    /// 2 times (To, Cc); it gets one copy".
    static func keep<Value>(_ items: [(value: Value, key: String, given: String)]) -> (values: [Value], warnings: [String]) {
        var first: [Value] = []
        var order: [String] = []
        var given: [String: [String]] = [:]
        for item in items {
            if given[item.key] == nil {
                first.append(item.value)
                order.append(item.key)
            }
            given[item.key, default: []].append(item.given)
        }
        let warnings = order.compactMap { key -> String? in
            guard let spellings = given[key], spellings.count > 1 else { return nil }
            return "\(key) is given \(spellings.count) times (\(spellings.joined(separator: ", "))); it gets one copy"
        }
        return (first, warnings)
    }
}
