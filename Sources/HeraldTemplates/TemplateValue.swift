import Foundation
import Yams

/// One value of a template's data: what `--data` JSON and the front matter's `example` hold.
///
/// Kept as its own type (not `Any`) so JSON `true` stays a boolean and `1` a number — Foundation's
/// `JSONSerialization` gives both as `NSNumber` — and so a number prints as it was written.
public enum TemplateValue: Equatable, Sendable {
    case string(String)
    /// A number as written in its source (`2`, `19.99`), so it renders exactly that way.
    case number(String)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])
    case null

    /// The kind a variable declares (`type:` in the front matter).
    public enum Kind: String, Sendable, CaseIterable {
        case string, number, boolean, object, list
    }

    public var kind: Kind? {
        switch self {
        case .string: return .string
        case .number: return .number
        case .bool: return .boolean
        case .list: return .list
        case .object: return .object
        case .null: return nil
        }
    }

    /// The value at a dotted path (`order.id`), if there is one.
    public func value(at path: [String]) -> TemplateValue? {
        var current = self
        for key in path {
            guard case .object(let fields) = current, let next = fields[key] else { return nil }
            current = next
        }
        return current
    }

    /// A scalar's text; nil for lists, objects and null.
    public var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .list, .object, .null: return nil
        }
    }
}

extension TemplateValue: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            self = .number(String(integer))
        } else if let number = try? container.decode(Double.self) {
            self = .number(Self.text(of: number))
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([TemplateValue].self) {
            self = .list(list)
        } else {
            self = .object(try container.decode([String: TemplateValue].self))
        }
    }

    /// `19.99` rather than `19.990000000000002`, and `3` rather than `3.0`.
    static func text(of number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    /// Reads a `--data` file: a JSON object whose keys are the template's variables.
    public static func data(fromJSON bytes: Data, source: String) throws -> [String: TemplateValue] {
        let value: TemplateValue
        do {
            value = try JSONDecoder().decode(TemplateValue.self, from: bytes)
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
            throw TemplateError(file: source, line: nil, message: "is not valid JSON (\(detail)); expected an object like {\"customer_name\": \"Ana\"}")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            // What Foundation's reader could not take as any JSON value: a number out of range
            // (1e400), invalid UTF-8 or a lone surrogate in a string.
            let place = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw TemplateError(file: source, line: nil, message: "holds a value that cannot be read\(place.isEmpty ? "" : " at \(place)") (a number out of range, or text that is not valid UTF-8?); expected strings, numbers, true/false, null, lists and objects")
        } catch {
            throw TemplateError(file: source, line: nil, message: "is not valid JSON (\(error)); expected an object like {\"customer_name\": \"Ana\"}")
        }
        guard case .object(let fields) = value else {
            throw TemplateError(file: source, line: nil, message: "holds a JSON \(value.kind?.rawValue ?? "null"), not an object; expected {\"variable\": value, ...}")
        }
        return fields
    }
}

extension TemplateValue {
    /// A YAML node as a value: plain scalars resolve to booleans, numbers and null as YAML 1.1
    /// says; quoted ones are always strings.
    init(yaml node: Node) {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any {
                if node.null != nil { self = .null; return }
                if let flag = node.bool { self = .bool(flag); return }
                if let integer = node.int { self = .number(String(integer)); return }
                if let number = node.float, number.isFinite { self = .number(Self.text(of: number)); return }
            }
            self = .string(scalar.string)
        case .sequence(let sequence):
            self = .list(sequence.map(TemplateValue.init(yaml:)))
        case .mapping(let mapping):
            var fields: [String: TemplateValue] = [:]
            for (key, value) in mapping { fields[key.string ?? ""] = TemplateValue(yaml: value) }
            self = .object(fields)
        case .alias:
            self = .null
        }
    }
}

/// Written back as the JSON it was read from (the inbox's API shows variables' examples).
extension TemplateValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .number(let text):
            // Written as the number it was read as; a text that is no JSON number stays text.
            if let integer = Int(text) { try container.encode(integer) } else if let number = Double(text), number.isFinite { try container.encode(number) } else { try container.encode(text) }
        case .bool(let flag): try container.encode(flag)
        case .list(let items): try container.encode(items)
        case .object(let fields): try container.encode(fields)
        case .null: try container.encodeNil()
        }
    }
}
