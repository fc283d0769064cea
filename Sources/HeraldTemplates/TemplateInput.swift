import HeraldChannels

/// One value a person can type to fill a template for a channel: a text, number or boolean
/// variable (`customer_name`), or one field of an object variable (`order.id`), as the
/// channel's texts use it. Lists are not inputs: they cannot be typed as one text.
public struct TemplateInput: Equatable, Sendable {
    /// The dotted path (`order.id`), as the tags write it.
    public var path: String
    /// The variable the path starts with.
    public var variable: VariableDeclaration

    public var keys: [String] { path.split(separator: ".").map(String.init) }

    /// Required when its variable is: a required object needs every field its texts show.
    public var required: Bool { variable.required }

    /// The example's value at the path, for a hint.
    public var example: TemplateValue? {
        variable.example.flatMap { example in keys.count == 1 ? example : example.value(at: Array(keys.dropFirst())) }
    }
}

extension MessageTemplate {
    /// The texts a channel shows of the template in a composer: the body and the subject for
    /// email, the SMS part (else the body) for SMS, the body otherwise. The layout's frame and
    /// the preheader are not shown by a composer.
    func composerTexts(for channel: ChannelID) -> [String] {
        switch channel {
        case .email: return [body] + (manifest.subject.map { [$0.value] } ?? [])
        case .sms: return [manifest.sms?.value ?? body]
        default: return [body]
        }
    }

    /// The variables `channel`'s composer texts use, in order of first use.
    public func variables(shownOn channel: ChannelID) -> [VariableDeclaration] {
        let used = usedPaths(shownOn: channel).compactMap(\.first)
        return variables.filter { used.contains($0.name) }.sorted { lhs, rhs in
            (used.firstIndex(of: lhs.name) ?? 0) < (used.firstIndex(of: rhs.name) ?? 0)
        }
    }

    /// What a person can type to fill the template for `channel`, in order of first use.
    public func inputs(shownOn channel: ChannelID) -> [TemplateInput] {
        let declared = Dictionary(variables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var inputs: [TemplateInput] = []
        for path in usedPaths(shownOn: channel) {
            guard let root = path.first, let variable = declared[root] else { continue }
            let input: TemplateInput
            switch variable.kind {
            case .list: continue
            case .object:
                // `{{#order}}` alone tests the object; only its fields are typed.
                guard path.count > 1 else { continue }
                input = TemplateInput(path: path.joined(separator: "."), variable: variable)
            case .string, .number, .boolean:
                input = TemplateInput(path: root, variable: variable)
            }
            if !inputs.contains(where: { $0.path == input.path }) { inputs.append(input) }
        }
        return inputs
    }

    /// The variable paths the composer texts of `channel` use, in order, duplicates kept out.
    /// Inside a section of an object (`{{#order}}{{id}}{{/order}}`) a name that is not a
    /// declared variable is the object's field; inside a list's loop it is an item's field,
    /// not an input.
    func usedPaths(shownOn channel: ChannelID) -> [[String]] {
        let declared = Dictionary(variables.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first })
        var paths: [[String]] = []
        for text in composerTexts(for: channel) {
            guard let tags = try? MustacheTag.scan(text, file: file.displayPath, firstLine: 1) else { continue }
            // The object each open section stands for, nil for a list's loop or anything else.
            var sections: [[String]?] = []
            for tag in tags {
                var path = tag.path
                if tag.kind == .comment { continue }
                if tag.kind == .close {
                    if !sections.isEmpty { sections.removeLast() }
                    continue
                }
                if let root = path.first, declared[root] == nil {
                    // A field of the innermost enclosing object section, if the sections are objects.
                    if let object = sections.last, let object { path = object + path } else { path = [] }
                }
                if !path.isEmpty, !paths.contains(path) { paths.append(path) }
                if tag.kind == .section || tag.kind == .invertedSection {
                    let isObject = path.first.map { declared[$0] == .object } ?? false
                    sections.append(isObject && tag.transform == nil ? path : nil)
                }
            }
        }
        return paths
    }
}
