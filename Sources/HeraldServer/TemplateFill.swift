import Foundation
import Herald
import HeraldInbox

/// A template filled for an agent's composer: the values the agent typed first, then what the
/// interaction's customer record holds, and what is still missing.
///
/// A required value nobody gave is filled with an empty value (not the template's example):
/// the gap is visible in the composer and listed in `missing`, where an example ("Ana",
/// "A-1001") would read like real data and could reach a customer unnoticed. Only where an
/// empty value is refused (a link whose whole URL is the variable) is the example used, and the
/// value is still reported missing. Variables the channel's composer does not show (the
/// layout's, another channel's part) are filled from the examples: they never reach the page.
struct TemplateFill {
    enum Source: String, Encodable {
        case customer, given
    }

    let template: MessageTemplate
    let channel: ChannelID

    struct Result {
        var filled: FilledTemplate
        var missing: [String]
        var sources: [String: Source]
    }

    /// The customer's values by variable name: `customer_name` and `name` are their name,
    /// `email` and `phone` their first address and number, any other their field of that name.
    static func customerValues(_ customer: Customer) -> [String: String] {
        var values = customer.fields
        if !customer.name.isEmpty {
            values["customer_name"] = customer.name
            values["name"] = customer.name
        }
        if let email = customer.emailAddresses.first { values["email"] = email }
        if let phone = customer.phoneNumbers.first { values["phone"] = phone }
        return values.filter { !$0.value.isEmpty }
    }

    func fill(values: [String: String], customer: Customer?) throws -> Result {
        let inputs = template.inputs(shownOn: channel)
        for key in values.keys.sorted() where !inputs.contains(where: { $0.path == key }) {
            let known = inputs.map(\.path)
            throw Problem(.input, "template \(template.name) has no value \(key) to fill on \(channel.rawValue)"
                + (known.isEmpty ? " (it takes none)" : "; it takes \(known.joined(separator: ", "))"), field: "values.\(key)")
        }
        let fromCustomer = customer.map(Self.customerValues) ?? [:]

        var data = template.exampleData
        var missing: [String] = []
        var sources: [String: Source] = [:]
        var shownMissing: [TemplateInput] = []
        // What the composer shows starts from nothing, so no example reaches it unasked. An
        // object keeps its example's fields the composer does not show (`invoice.pdf`, an
        // attachment's name): every shown field is set below.
        for variable in template.variables(shownOn: channel) {
            switch variable.kind {
            case .object: data[variable.name] = variable.example ?? .object([:])
            case .list: data[variable.name] = .list([])
            case .string, .number, .boolean: data[variable.name] = nil
            }
        }
        for variable in template.variables(shownOn: channel) where variable.kind == .list && variable.required {
            missing.append(variable.name)
        }
        for input in inputs {
            let text: String
            if let given = values[input.path], !given.isEmpty {
                text = given
                sources[input.path] = .given
            } else if let known = fromCustomer[input.path] {
                text = known
                sources[input.path] = .customer
            } else {
                if input.required {
                    missing.append(input.path)
                    shownMissing.append(input)
                    set(&data, input, Self.empty(input))
                } else {
                    set(&data, input, .null)
                }
                continue
            }
            set(&data, input, try Self.value(text, for: input))
        }
        let refusal: TemplateError
        do {
            return Result(filled: try template.fill(data), missing: missing, sources: sources)
        } catch let error as TemplateError {
            refusal = error
        }
        // A value given (or the customer's) that the template refuses, such as a link address
        // that is not https: named by the one whose example makes the fill pass.
        for input in inputs where sources[input.path] != nil {
            var trial = data
            set(&trial, input, input.example ?? Self.empty(input))
            if (try? template.fill(trial)) != nil {
                throw Problem(.input, refusal.description, field: "values.\(input.path)")
            }
        }
        // An empty value was refused (a link whose whole URL is the variable): the example for
        // the first missing value that makes it fill, else for all of them; the others stay
        // empty, and every one is still reported missing.
        for input in shownMissing {
            var trial = data
            set(&trial, input, input.example ?? Self.empty(input))
            if let filled = try? template.fill(trial) { return Result(filled: filled, missing: missing, sources: sources) }
        }
        for input in shownMissing { set(&data, input, input.example ?? Self.empty(input)) }
        if let filled = try? template.fill(data) { return Result(filled: filled, missing: missing, sources: sources) }
        throw Problem(.input, refusal.description, field: "values")
    }

    private func set(_ data: inout [String: TemplateValue], _ input: TemplateInput, _ value: TemplateValue) {
        let keys = input.keys
        guard keys.count > 1 else {
            data[input.path] = value == .null ? nil : value
            return
        }
        data[keys[0]] = Self.setting(value, at: keys.dropFirst(), in: data[keys[0]] ?? .object([:]))
    }

    private static func setting(_ value: TemplateValue, at keys: ArraySlice<String>, in container: TemplateValue) -> TemplateValue {
        guard let key = keys.first else { return value }
        var fields: [String: TemplateValue] = [:]
        if case .object(let existing) = container { fields = existing }
        fields[key] = setting(value, at: keys.dropFirst(), in: fields[key] ?? .object([:]))
        return .object(fields)
    }

    private static func empty(_ input: TemplateInput) -> TemplateValue {
        guard input.keys.count == 1 else { return .string("") }
        switch input.variable.kind {
        case .boolean: return .bool(false)
        case .number: return .number("")
        case .string, .object, .list: return .string("")
        }
    }

    /// The typed text as the variable's type: a number must read as one, a boolean is true or false.
    static func value(_ text: String, for input: TemplateInput) throws -> TemplateValue {
        guard input.keys.count == 1 else { return .string(text) }
        switch input.variable.kind {
        case .number:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let number = Double(trimmed), number.isFinite, !trimmed.contains(where: { $0.isLetter }) else {
                throw Problem(.input, "\(input.path) is a number; '\(text)' is not one (write digits, like 2 or 19.99)", field: "values.\(input.path)")
            }
            return .number(trimmed)
        case .boolean:
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes": return .bool(true)
            case "false", "no": return .bool(false)
            default: throw Problem(.input, "\(input.path) is true or false, not '\(text)'", field: "values.\(input.path)")
            }
        case .string, .object, .list:
            return .string(text)
        }
    }
}
