import Foundation

/// JSON files people write by hand (a request, a sample's settings, an approved WhatsApp
/// template): read with errors that name the file, say where the JSON is wrong and how, and what
/// would be accepted — Foundation's own "The data couldn't be read because it isn't in the
/// correct format" says none of it.
public enum JSONFile {
    /// Decodes the file at `url`, the `what` of messages ("request"); `expected` describes what
    /// it should hold. A file that cannot be read is `HeraldError.io`, JSON that does not fit is
    /// `HeraldError.badInput`.
    public static func read<Value: Decodable>(_ type: Value.Type, at url: URL, what: String, expected: String) throws -> Value {
        let data: Data
        do {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
                throw HeraldError.io("cannot read the \(what) '\(url.displayPath)': it is a folder, not a file")
            }
            data = try Data(contentsOf: url)
        } catch let error as HeraldError {
            throw error
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw HeraldError.io("cannot read the \(what) '\(url.displayPath)': \(missing ? "there is no such file" : error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw HeraldError.badInput("cannot use the \(what) '\(url.displayPath)': \(problem(error, in: data)); expected \(expected)")
        }
    }

    /// What is wrong with the JSON in `data`, and where: `the JSON is not valid at line 2,
    /// column 9: Invalid value` or `"to"[0]: expected a string, found number`.
    public static func problem(_ error: any Error, in data: Data) -> String {
        // A type's own check inside init(from:) says what it means in its description.
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return syntaxProblem(data) ?? "the JSON is not valid" }
            return "\(place(context.codingPath)): \(sentence(context.debugDescription))"
        case .typeMismatch(let type, let context):
            return "\(place(context.codingPath)): expected \(kind(type))\(found(context.debugDescription).map { ", found \($0)" } ?? "")"
        case .valueNotFound(let type, let context):
            return "\(place(context.codingPath)): expected \(kind(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath)): \"\(key.stringValue)\" is missing"
        @unknown default:
            return "\(error)"
        }
    }

    /// JSONDecoder on Linux says only "not valid JSON"; JSONSerialization tells where ("Invalid
    /// value around character 22."), which becomes a line and column.
    private static func syntaxProblem(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch let error as NSError {
            guard var detail = error.userInfo[NSDebugDescriptionErrorKey] as? String else { return nil }
            detail = sentence(detail)
            guard let range = detail.range(of: " around character "), let offset = Int(detail[range.upperBound...]) else {
                return "the JSON is not valid: \(detail)"
            }
            let before = data.prefix(max(0, offset))
            let line = before.filter { $0 == 0x0A }.count + 1
            let column = before.count - (before.lastIndex(of: 0x0A).map { $0 - before.startIndex + 1 } ?? 0) + 1
            return "the JSON is not valid at line \(line), column \(column): \(detail[..<range.lowerBound])"
        }
    }

    /// `["to", 0]` → `"to"[0]`; the empty path is the whole document.
    private static func place(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "the top level" }
        return path.map { key in key.intValue.map { "[\($0)]" } ?? "\"\(key.stringValue)\"" }.joined()
    }

    private static func kind(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") { return "an object" }
        if ["Int", "Double", "Float", "Int64", "UInt"].contains(name) { return "a number" }
        return name
    }

    /// "Expected to decode String but found number instead." → "number".
    private static func found(_ description: String) -> String? {
        guard let start = description.range(of: "but found "), let end = description.range(of: " instead", range: start.upperBound..<description.endIndex) else {
            return nil
        }
        return String(description[start.upperBound..<end.lowerBound])
    }

    /// Without its final period, so it can sit inside a longer message.
    private static func sentence(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}

extension WhatsAppTemplate {
    /// An approved template's definition from a JSON file (as `--whatsapp-template` names one);
    /// errors name the file and what in its JSON is wrong.
    public static func read(at url: URL) throws -> WhatsAppTemplate {
        try JSONFile.read(WhatsAppTemplate.self, at: url, what: "WhatsApp template",
                          expected: "an approved template: {\"name\", \"language\", \"category\", \"parameter_format\", \"header\", \"body\", \"footer\", \"buttons\"}")
    }
}
