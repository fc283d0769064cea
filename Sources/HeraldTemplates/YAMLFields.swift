import Yams

/// Where a value came from: the file and its line, for errors and lint findings.
public struct SourceLocation: Equatable, Sendable {
    public var file: String
    public var line: Int?

    public init(file: String, line: Int?) {
        self.file = file
        self.line = line
    }

    func error(_ message: String) -> TemplateError {
        TemplateError(file: file, line: line, message: message)
    }
}

/// A value and where it was written.
public struct Located<Value: Equatable & Sendable>: Equatable, Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A YAML mapping read key by key, each error naming the file and the line of the key or value
/// at fault. Keys nobody asked for are reported by `rejectUnknownKeys` (a typo such as `subjet:`
/// must not silently drop the subject).
struct YAMLFields {
    let node: Node.Mapping
    let file: String
    /// Added to YAML's own 1-based lines to give file lines (front matter starts at line 2).
    let lineOffset: Int
    let what: String

    init(_ node: Node, file: String, lineOffset: Int, what: String) throws {
        guard case .mapping(let mapping) = node else {
            throw TemplateError(file: file, line: node.mark.map { $0.line + lineOffset },
                                message: "\(what) must be a mapping of keys to values (key: value)")
        }
        self.node = mapping
        self.file = file
        self.lineOffset = lineOffset
        self.what = what
    }

    /// Parses YAML text into a node; syntax errors carry the file line.
    static func compose(_ yaml: String, file: String, lineOffset: Int) throws -> Node? {
        do {
            let node = try Yams.compose(yaml: yaml)
            if let node { try checkSize(node, file: file, lineOffset: lineOffset) }
            return node
        } catch let error as TemplateError {
            throw error
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw TemplateError(file: file, line: mark.line + lineOffset, message: "the YAML is not valid: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                throw TemplateError(file: file, line: context.mark.line + lineOffset,
                                    message: "the key \(duplicates.joined(separator: ", ")) is written twice; keep one")
            default:
                throw TemplateError(file: file, line: nil, message: "the YAML is not valid: \(error)")
            }
        } catch {
            throw TemplateError(file: file, line: nil, message: "the YAML is not valid: \(error)")
        }
    }

    /// Front matter is settings and examples: a few hundred values. Aliases can make a dozen
    /// lines expand to millions (each alias a copy of its anchor), and deep nesting would
    /// overflow the recursive readers after this, so both are bounded here, before anything
    /// walks the tree recursively. The walk itself is iterative and stops at the budget.
    static let maximumValues = 20_000
    static let maximumDepth = 64

    static func checkSize(_ root: Node, file: String, lineOffset: Int) throws {
        var stack: [(node: Node, depth: Int)] = [(root, 1)]
        var count = 0
        while let (node, depth) = stack.popLast() {
            count += 1
            if count > maximumValues {
                throw TemplateError(file: file, line: nil, message: "the YAML holds more than \(maximumValues) values (aliases expand to copies); keep examples small")
            }
            if depth > maximumDepth {
                throw TemplateError(file: file, line: node.mark.map { $0.line + lineOffset }, message: "the YAML nests more than \(maximumDepth) levels deep")
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping { stack.append((key, depth + 1)); stack.append((value, depth + 1)) }
            case .sequence(let sequence):
                for item in sequence { stack.append((item, depth + 1)) }
            case .scalar, .alias:
                break
            }
        }
    }

    func location(of node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark.map { $0.line + lineOffset })
    }

    var keys: [String] { node.keys.compactMap(\.string) }

    func keyLocation(_ key: String) -> SourceLocation? {
        node.keys.first(where: { $0.string == key }).map(location(of:))
    }

    subscript(key: String) -> Node? { node[Node(key)] }

    func rejectUnknownKeys(allowed: [String]) throws {
        for key in node.keys {
            let name = key.string ?? "?"
            if !allowed.contains(name) {
                throw location(of: key).error("\(what) has no key '\(name)'; the keys are \(allowed.joined(separator: ", "))")
            }
        }
    }

    func string(_ key: String, required: Bool = false) throws -> Located<String>? {
        guard let value = self[key] else {
            if required { throw SourceLocation(file: file, line: node.mark.map { $0.line + lineOffset }).error("\(what) needs '\(key)'") }
            return nil
        }
        guard case .scalar(let scalar) = value, value.null == nil || scalar.style != .plain else {
            throw location(of: value).error("'\(key)' must be text (quote it if it starts with { or [)")
        }
        return Located(scalar.string, at: location(of: value))
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = self[key] else { return nil }
        guard let flag = value.bool else { throw location(of: value).error("'\(key)' must be true or false") }
        return flag
    }

    func int(_ key: String) throws -> Int? {
        guard let value = self[key] else { return nil }
        guard let number = value.int else { throw location(of: value).error("'\(key)' must be a whole number") }
        return number
    }

    func strings(_ key: String) throws -> [Located<String>] {
        guard let value = self[key] else { return [] }
        guard case .sequence(let sequence) = value else {
            throw location(of: value).error("'\(key)' must be a list, like [a, b]")
        }
        return try sequence.map { item in
            guard case .scalar(let scalar) = item else { throw location(of: item).error("each entry of '\(key)' must be text") }
            return Located(scalar.string, at: location(of: item))
        }
    }

    func fields(_ key: String, what: String) throws -> YAMLFields? {
        guard let value = self[key] else { return nil }
        return try YAMLFields(value, file: file, lineOffset: lineOffset, what: what)
    }
}
