import Foundation
import HeraldMIME

/// A form agents fill during an interaction (a survey, a claim's details). One form of a
/// campaign may be mandatory: it opens by itself when an interaction starts, and the interaction
/// cannot be closed until it is submitted.
public struct Form: Codable, Sendable, Equatable {
    public struct Field: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// Any text.
            case text
            /// A decimal number: `42`, `-3.5`.
            case number
            /// A calendar date in ISO 8601's `YYYY-MM-DD`.
            case date
            /// One of `options`, exactly as written there.
            case choice
        }

        /// The key its value is submitted under ("age").
        public var id: String
        public var label: String
        public var kind: Kind
        public var required: Bool
        /// The choices of a `choice` field.
        public var options: [String]

        public init(id: String, label: String, kind: Kind = .text, required: Bool = false, options: [String] = []) {
            self.id = id
            self.label = label
            self.kind = kind
            self.required = required
            self.options = options
        }
    }

    public var id: String
    public var name: String
    public var mandatory: Bool
    public var fields: [Field]

    public init(id: String, name: String, mandatory: Bool = false, fields: [Field] = []) {
        self.id = id
        self.name = name
        self.mandatory = mandatory
        self.fields = fields
    }

    /// The form's own consistency: field IDs once each, a choice with options, options only on
    /// a choice.
    public func validate() throws {
        try Identifier.check(id, what: "form ID", field: "forms")
        if let repeated = Campaign.firstRepeated(fields.map(\.id)) {
            throw InboxError(.input, "form \(id) has two fields with the ID \(repeated)", field: "forms.\(id).fields")
        }
        for field in fields {
            try Identifier.check(field.id, what: "field ID of form \(id)", field: "forms.\(id).fields")
            if field.kind == .choice && field.options.isEmpty {
                throw InboxError(.input, "field \(field.id) of form \(id) is a choice without options; list them", field: "forms.\(id).fields.\(field.id)")
            }
            if field.kind != .choice && !field.options.isEmpty {
                throw InboxError(.input, "field \(field.id) of form \(id) is \(field.kind.rawValue) but lists options; only a choice has options",
                                 field: "forms.\(id).fields.\(field.id)")
            }
        }
    }

    /// `values` checked against the fields: an unknown field, a required one missing or empty,
    /// a number that is not one, a date that is not a real `YYYY-MM-DD` day, a choice not among
    /// the options — each refused naming the field and what it accepts. Returns the values kept
    /// (empty optional fields dropped, text trimmed of surrounding blanks).
    public func check(_ values: [String: String]) throws -> [String: String] {
        let known = Set(fields.map(\.id))
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            let ids = fields.map(\.id)
            let offer = NameSuggestions.offer(unknown, among: ids, list: "its fields: \(ids.joined(separator: ", "))")
            throw InboxError(.input, "form \(name) has no field \(unknown); \(offer)", field: "values.\(unknown)")
        }
        var kept: [String: String] = [:]
        for field in fields {
            let value = values[field.id]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !value.isEmpty else {
                if field.required {
                    throw InboxError(.input, "\(field.label) is required in form \(name)", field: "values.\(field.id)")
                }
                continue
            }
            switch field.kind {
            case .text:
                break
            case .number:
                // Double("nan"), Double("inf") and "0x1p3" parse; none is a number a person types.
                let plain = value.allSatisfy { $0.isASCII && ($0.isNumber || "+-.".contains($0)) }
                guard plain, let number = Double(value), number.isFinite else {
                    throw InboxError(.input, "\(field.label) must be a number, like 42 or 3.5; got \"\(value)\"", field: "values.\(field.id)")
                }
            case .date:
                guard Self.isCalendarDate(value) else {
                    throw InboxError(.input, "\(field.label) must be a date written YYYY-MM-DD (ISO 8601), like 2026-11-30; got \"\(value)\"",
                                     field: "values.\(field.id)")
                }
            case .choice:
                guard field.options.contains(value) else {
                    throw InboxError(.input, "\(field.label) must be one of \(field.options.map { "\"\($0)\"" }.joined(separator: ", ")); got \"\(value)\"",
                                     field: "values.\(field.id)")
                }
            }
            kept[field.id] = value
        }
        return kept
    }

    /// `YYYY-MM-DD` naming a day that exists (2026-02-30 does not).
    static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}

/// A form as an agent submitted it in one interaction: the values as checked, who and when.
public struct FormSubmission: Codable, Sendable, Equatable {
    public var form: String
    public var values: [String: String]
    /// The agent's ID.
    public var submittedBy: String
    public var submittedAt: Date

    public init(form: String, values: [String: String], submittedBy: String, submittedAt: Date) {
        self.form = form
        self.values = values
        self.submittedBy = submittedBy
        self.submittedAt = submittedAt
    }
}
