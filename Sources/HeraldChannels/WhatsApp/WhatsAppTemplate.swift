import Foundation

/// An approved WhatsApp message template (HSM), as the business registered it: the only kind of
/// message that may open a conversation or be sent outside the customer-service window.
public struct WhatsAppTemplate: Codable, Equatable, Sendable {
    public enum Category: String, Codable, Sendable {
        case marketing = "MARKETING", utility = "UTILITY", authentication = "AUTHENTICATION"
    }

    /// `{{1}}`, `{{2}}`... (the default) or `{{first_name}}`.
    public enum ParameterFormat: String, Codable, Sendable {
        case positional, named
    }

    public struct Header: Codable, Equatable, Sendable {
        public enum Format: String, Codable, Sendable {
            case text = "TEXT", image = "IMAGE", video = "VIDEO", document = "DOCUMENT"
        }

        public var format: Format
        /// For TEXT headers: at most 60 characters and one parameter.
        public var text: String?

        public init(format: Format, text: String? = nil) {
            self.format = format
            self.text = text
        }
    }

    public struct Button: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable {
            case quickReply = "QUICK_REPLY", url = "URL", phoneNumber = "PHONE_NUMBER"
        }

        public var type: Kind
        public var text: String
        /// For URL buttons; may end with one `{{1}}` filled at send time.
        public var url: String?

        public init(type: Kind, text: String, url: String? = nil) {
            self.type = type
            self.text = text
            self.url = url
        }
    }

    public var name: String
    public var language: String
    public var category: Category
    public var parameterFormat: ParameterFormat
    public var header: Header?
    public var body: String
    public var footer: String?
    public var buttons: [Button]

    public init(name: String, language: String, category: Category, parameterFormat: ParameterFormat = .positional,
                header: Header? = nil, body: String, footer: String? = nil, buttons: [Button] = []) {
        self.name = name
        self.language = language
        self.category = category
        self.parameterFormat = parameterFormat
        self.header = header
        self.body = body
        self.footer = footer
        self.buttons = buttons
    }

    private enum CodingKeys: String, CodingKey {
        case name, language, category, parameterFormat = "parameter_format", header, body, footer, buttons
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), language: try container.decode(String.self, forKey: .language),
                  category: try container.decode(Category.self, forKey: .category),
                  parameterFormat: try container.decodeIfPresent(ParameterFormat.self, forKey: .parameterFormat) ?? .positional,
                  header: try container.decodeIfPresent(Header.self, forKey: .header), body: try container.decode(String.self, forKey: .body),
                  footer: try container.decodeIfPresent(String.self, forKey: .footer),
                  buttons: try container.decodeIfPresent([Button].self, forKey: .buttons) ?? [])
    }

    /// The placeholders of a text, in order of first appearance (`1`, `2` or `first_name`).
    public static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { break }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty && !names.contains(name) { names.append(name) }
            rest = after[close.upperBound...]
        }
        return names
    }

    public var bodyPlaceholders: [String] { Self.placeholders(in: body) }
}

/// Values for one send of a template, checked against it before anything is enqueued.
public struct WhatsAppTemplateMessage: Equatable, Sendable {
    public var template: WhatsAppTemplate
    public var to: WhatsAppRecipient
    /// Positional values in order, or named values.
    public var bodyValues: [String]
    public var namedValues: [(name: String, value: String)]
    /// A TEXT header's value, or the link of an IMAGE/VIDEO/DOCUMENT header.
    public var headerValue: String?
    /// The `{{1}}` suffix of each URL button, in button order.
    public var buttonValues: [String]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.template == rhs.template && lhs.to == rhs.to && lhs.bodyValues == rhs.bodyValues
            && lhs.namedValues.elementsEqual(rhs.namedValues) { $0.name == $1.name && $0.value == $1.value }
            && lhs.headerValue == rhs.headerValue && lhs.buttonValues == rhs.buttonValues
    }

    public init(template: WhatsAppTemplate, to: PhoneNumber, bodyValues: [String] = [], namedValues: [(name: String, value: String)] = [],
                headerValue: String? = nil, buttonValues: [String] = []) {
        self.init(template: template, recipient: .phone(to), bodyValues: bodyValues, namedValues: namedValues,
                  headerValue: headerValue, buttonValues: buttonValues)
    }

    public init(template: WhatsAppTemplate, recipient: WhatsAppRecipient, bodyValues: [String] = [],
                namedValues: [(name: String, value: String)] = [], headerValue: String? = nil, buttonValues: [String] = []) {
        self.template = template
        self.to = recipient
        self.bodyValues = bodyValues
        self.namedValues = namedValues
        self.headerValue = headerValue
        self.buttonValues = buttonValues
    }

    /// Everything Meta would refuse (error 132000 and friends), found before sending.
    public func validate() throws {
        let placeholders = template.bodyPlaceholders
        switch template.parameterFormat {
        case .positional:
            guard bodyValues.count == placeholders.count else {
                throw WhatsAppError(reason: "template \(template.name) takes \(placeholders.count) body parameter(s) ({{1}}…{{\(placeholders.count)}}), \(bodyValues.count) given")
            }
        case .named:
            let given = namedValues.map(\.name)
            let missing = placeholders.filter { !given.contains($0) }
            let unknown = given.filter { !placeholders.contains($0) }
            guard missing.isEmpty && unknown.isEmpty else {
                throw WhatsAppError(reason: "template \(template.name) takes the parameters \(placeholders.joined(separator: ", "))"
                    + (missing.isEmpty ? "" : "; missing: \(missing.joined(separator: ", "))") + (unknown.isEmpty ? "" : "; unknown: \(unknown.joined(separator: ", "))"))
            }
        }
        for (name, value) in allValues {
            if value.isEmpty { throw WhatsAppError(reason: "parameter \(name) is empty") }
            if value.contains("\n") || value.contains("\r") || value.contains("\t") {
                throw WhatsAppError(reason: "parameter \(name) contains a line break or a tab, which WhatsApp refuses in template parameters")
            }
            if value.contains("     ") {
                throw WhatsAppError(reason: "parameter \(name) has more than four consecutive spaces, which WhatsApp refuses")
            }
        }
        let filled = renderedBody
        guard filled.count <= 1024 else {
            let joiners = filled.unicodeScalars.filter { $0 == "\u{2060}" }.count
            throw WhatsAppError(reason: "the filled body of template \(template.name) is \(filled.count) characters; at most 1024"
                + (joiners == 0 ? "" : " (\(joiners) of them invisible word joiners, one after each *, _, ~ or ` of the values, which keep WhatsApp from reading them as formatting)"))
        }
        if let header = template.header {
            switch header.format {
            case .text:
                let needs = WhatsAppTemplate.placeholders(in: header.text ?? "").count
                if needs > 0 && headerValue == nil { throw WhatsAppError(reason: "template \(template.name) needs a header parameter") }
                if let value = headerValue, value.count > 60 { throw WhatsAppError(reason: "the header parameter is \(value.count) characters; at most 60") }
            case .image, .video, .document:
                guard let link = headerValue, link.lowercased().hasPrefix("https://") else {
                    throw WhatsAppError(reason: "template \(template.name) has a \(header.format.rawValue) header: give its https:// link")
                }
            }
        }
        let urlButtons = template.buttons.filter { $0.type == .url && ($0.url ?? "").contains("{{") }
        guard buttonValues.count == urlButtons.count else {
            throw WhatsAppError(reason: "template \(template.name) has \(urlButtons.count) URL button(s) with a variable, \(buttonValues.count) value(s) given")
        }
    }

    private var allValues: [(String, String)] {
        bodyValues.enumerated().map { ("{{\($0.offset + 1)}}", $0.element) } + namedValues.map { ("{{\($0.name)}}", $0.value) }
            + (headerValue.map { [("header", $0)] } ?? []) + buttonValues.map { ("button", $0) }
    }

    /// The body as the customer will read it.
    public var renderedBody: String {
        var text = template.body
        switch template.parameterFormat {
        case .positional:
            for (index, value) in bodyValues.enumerated() { text = text.replacingOccurrences(of: "{{\(index + 1)}}", with: value) }
        case .named:
            for (name, value) in namedValues { text = text.replacingOccurrences(of: "{{\(name)}}", with: value) }
        }
        return text
    }

    /// The Cloud API request body (`"type": "template"`), keys sorted, ending with a newline.
    public var json: String {
        var components: [[String: Any]] = []
        if let header = template.header, let value = headerValue {
            let parameter: [String: Any]
            switch header.format {
            case .text: parameter = ["type": "text", "text": value]
            case .image: parameter = ["type": "image", "image": ["link": value]]
            case .video: parameter = ["type": "video", "video": ["link": value]]
            case .document: parameter = ["type": "document", "document": ["link": value]]
            }
            components.append(["type": "header", "parameters": [parameter]])
        }
        let bodyParameters: [[String: Any]] = template.parameterFormat == .positional
            ? bodyValues.map { ["type": "text", "text": $0] }
            : namedValues.map { ["type": "text", "parameter_name": $0.name, "text": $0.value] }
        if !bodyParameters.isEmpty { components.append(["type": "body", "parameters": bodyParameters]) }
        var valueIndex = 0
        for (index, button) in template.buttons.enumerated() where button.type == .url && (button.url ?? "").contains("{{") && valueIndex < buttonValues.count {
            components.append(["type": "button", "sub_type": "url", "index": "\(index)", "parameters": [["type": "text", "text": buttonValues[valueIndex]]]])
            valueIndex += 1
        }
        let object: [String: Any] = [
            "messaging_product": "whatsapp", "recipient_type": "individual", to.field.key: to.field.value, "type": "template",
            "template": ["name": template.name, "language": ["code": template.language], "components": components],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// The customer-service window: free-form messages only within 24 hours of the customer's last
/// inbound message; a conversation start (no inbound message) or anything later needs a template.
public struct CustomerServiceWindow: Equatable, Sendable {
    public static let length: Double = 24 * 3600
    /// Unix time of the customer's last inbound message, if any.
    public var lastInbound: Double?

    public init(lastInbound: Double?) {
        self.lastInbound = lastInbound
    }

    /// Whether a free-form message may be sent at `now`.
    public func isOpen(at now: Double) -> Bool {
        (try? checkFreeForm(at: now)) != nil
    }

    /// `2026-11-29 10:00 UTC`: when the window closed, as an agent reads it.
    static func utc(_ time: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: time))
    }

    /// Refuses a free-form message outside the window, saying why and what to send instead.
    public func checkFreeForm(at now: Double) throws {
        guard let lastInbound else {
            throw WhatsAppError(reason: "a free-form WhatsApp message cannot start a conversation; send an approved template")
        }
        // A time in milliseconds (JavaScript's Date.now()) or in the future would open the
        // window for ever: refused, not trusted. Five minutes of clock skew are allowed.
        guard lastInbound.isFinite, lastInbound <= now + 300 else {
            let milliseconds = lastInbound > 1e11 ? " (it looks like milliseconds; give seconds)" : ""
            throw WhatsAppError(reason: "the customer's last message time \(lastInbound) is in the future\(milliseconds); give Unix seconds of a past message")
        }
        guard now < lastInbound + Self.length else {
            let hours = Int((now - lastInbound) / 3600)
            let closed = Self.utc(lastInbound + Self.length)
            throw WhatsAppError(reason: "the customer's last message was \(hours) hours ago, outside the 24-hour window (it closed at \(closed)): only an approved template may be sent")
        }
    }
}

public struct WhatsAppError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
