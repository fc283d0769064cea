import Foundation

/// How every tag and WhatsApp parameter of a template resolves against its declared variables
/// (the template's and its layout's), each tag in the scope of the sections around it: inside
/// `{{#items}}`, the fields of the list's example items are known too.
///
/// One computation for two callers, so they can never disagree: `herald lint` reports every
/// finding, and loading a template refuses the first undeclared one — Mustache would render a
/// misspelt `{{nmae}}` as nothing, and the customer would get "Hi ,".
struct VariableResolution {
    /// `undeclared-variable` errors, `example-missing-field` warnings, and `invalid-template`
    /// for a text whose tags cannot be scanned (loading has refused those already).
    var findings: [TemplateDiagnostic] = []
    /// The declared variables something reads.
    var used: Set<String> = []

    var undeclared: [TemplateDiagnostic] { findings.filter { $0.rule == Self.undeclaredRule } }

    static let undeclaredRule = "undeclared-variable"
}

extension MessageTemplate {
    func resolveVariables() -> VariableResolution {
        var resolution = VariableResolution()
        let declared = Dictionary(variables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let declaredNames = variables.map(\.name).sorted()

        var texts: [(tags: [MustacheTag], file: String)] = [(bodyTags, file.displayPath)]
        for field in textFields {
            do {
                texts.append((try MustacheTag.scan(field.value, file: field.location.file, firstLine: field.location.line ?? 1), field.location.file))
            } catch let error as TemplateError {
                resolution.findings.append(TemplateDiagnostic(error, rule: "invalid-template"))
            } catch {
                resolution.findings.append(TemplateDiagnostic(.error, file: field.location.file, line: field.location.line, rule: "invalid-template", message: "\(error)"))
            }
        }
        for (tags, textFile) in texts {
            // Each open section's known names: the fields of its example (an object, or a list's items).
            var scopes: [[String: TemplateValue?]] = []
            for tag in tags {
                switch tag.kind {
                case .comment: continue
                case .close:
                    _ = scopes.popLast()
                    continue
                case .value, .section, .invertedSection: break
                }
                let path = tag.path
                var resolved = path.isEmpty
                var example: TemplateValue??
                if let root = path.first {
                    for scope in scopes.reversed() where scope.keys.contains(root) {
                        resolved = true
                        example = scope[root]
                        break
                    }
                    if !resolved, let variable = declared[root] {
                        resolved = true
                        resolution.used.insert(root)
                        example = .some(variable.example)
                    }
                }
                if !resolved {
                    let root = path.first ?? tag.name
                    let fields = Set(scopes.flatMap(\.keys)).sorted()
                    let known = (declaredNames.isEmpty ? "no variable is declared" : "the variables are \(declaredNames.joined(separator: ", "))")
                        + (fields.isEmpty ? "" : " (and here the fields of the section's example: \(fields.joined(separator: ", ")))")
                    resolution.findings.append(TemplateDiagnostic(.error, file: textFile, line: tag.line, rule: VariableResolution.undeclaredRule,
                        message: "{{\(tag.written)}} uses \(root), which is not declared; \(known); declare it under variables: (type, required, example) or correct the name"))
                } else if path.count > 1, case .some(.some(let value)) = example, value.value(at: Array(path.dropFirst())) == nil {
                    resolution.findings.append(TemplateDiagnostic(.warning, file: textFile, line: tag.line, rule: "example-missing-field",
                        message: "{{\(tag.written)}}: the example of \(path[0]) has no \(path.dropFirst().joined(separator: ".")); add it so previews and goldens show it"))
                }
                if tag.kind != .value {
                    // Inside {{#items}}, the fields of an item are in scope.
                    var scope: [String: TemplateValue?] = [:]
                    if tag.transform == nil || tag.transform == "first" || tag.transform == "last" || tag.transform == "reversed",
                       case .some(.some(let value)) = example {
                        let target = path.count > 1 ? value.value(at: Array(path.dropFirst())) : value
                        var samples: [TemplateValue] = []
                        if case .list(let items)? = target { samples = items } else if let target { samples = [target] }
                        for sample in samples {
                            if case .object(let fields) = sample { for (key, field) in fields where scope[key] == nil { scope[key] = .some(field) } }
                        }
                    }
                    scopes.append(scope)
                }
            }
        }
        if let part = manifest.whatsapp {
            for path in part.variablePaths {
                let root = path.value.split(separator: ".").first.map(String.init) ?? path.value
                if let variable = declared[root] {
                    resolution.used.insert(root)
                    let rest = Array(path.value.split(separator: ".").dropFirst().map(String.init))
                    if !rest.isEmpty, let example = variable.example, example.value(at: rest) == nil {
                        resolution.findings.append(TemplateDiagnostic(.warning, file: path.location.file, line: path.location.line, rule: "example-missing-field",
                            message: "WhatsApp parameter \(path.value): the example of \(root) has no \(rest.joined(separator: "."))"))
                    }
                } else {
                    resolution.findings.append(TemplateDiagnostic(.error, file: path.location.file, line: path.location.line, rule: VariableResolution.undeclaredRule,
                        message: "the WhatsApp parameter \(path.value) uses \(root), which is not declared; "
                            + (declaredNames.isEmpty ? "no variable is declared" : "the variables are \(declaredNames.joined(separator: ", "))")
                            + "; declare it under variables: (type, required, example) or correct the name"))
                }
            }
        }
        return resolution
    }
}
