import Foundation
import Herald

/// The templates the web inbox offers (`herald serve --templates DIR`): the template files
/// directly in DIR, shared by every campaign, and those in `DIR/<campaign-id>/`, which are that
/// campaign's own (one of the same name replaces the shared one for it). Read once when the
/// server starts, with the library's loader, so a template that does not load (a lint error, a
/// missing layout) is left out and reported in `failures` instead of failing a request later.
public struct TemplateLibrary: Sendable {
    /// The shared templates by name.
    public private(set) var shared: [String: MessageTemplate] = [:]
    /// Each campaign's own templates by name.
    public private(set) var campaigns: [String: [String: MessageTemplate]] = [:]
    /// The files left out and why, for the server's log.
    public private(set) var failures: [String] = []

    public static let empty = TemplateLibrary()

    private init() {}

    public init(directory: URL) {
        shared = load(folder: directory)
        let entries = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isDirectoryKey])) ?? []
        for entry in entries.sorted(by: { $0.lastPathComponent < $1.lastPathComponent })
        where (try? entry.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
            let own = load(folder: entry)
            if !own.isEmpty { campaigns[entry.lastPathComponent] = own }
        }
    }

    /// The templates of `campaign` for `channel`, by name.
    public func templates(of campaign: String, for channel: ChannelID) -> [MessageTemplate] {
        shared.merging(campaigns[campaign] ?? [:]) { _, own in own }.values
            .filter { $0.manifest.channels.contains(channel) }
            .sorted { $0.name < $1.name }
    }

    /// The template `name` of `campaign`, whatever its channels.
    public func template(_ name: String, of campaign: String) -> MessageTemplate? {
        campaigns[campaign]?[name] ?? shared[name]
    }

    private mutating func load(folder: URL) -> [String: MessageTemplate] {
        let files = ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var loaded: [String: MessageTemplate] = [:]
        for file in files where MessageTemplate.isTemplate(fileAt: file) && !Self.isLocaleVariant(file) {
            do {
                let template = try MessageTemplate.load(file)
                if let earlier = loaded[template.name] {
                    failures.append("\(file.path): template \(template.name) is left out: \(earlier.file.lastPathComponent) in the same folder has that name")
                    continue
                }
                loaded[template.name] = template
            } catch {
                // The library's error names the file and line already.
                failures.append("\(error) (left out of the inbox's templates)")
            }
        }
        return loaded
    }

    /// `welcome.es.md` beside `welcome.md`: a locale variant, offered through its default
    /// (the picker has no language choice yet), not as a second `welcome`.
    static func isLocaleVariant(_ file: URL) -> Bool {
        let stem = file.deletingPathExtension().lastPathComponent
        guard let dot = stem.lastIndex(of: "."), dot != stem.startIndex else { return false }
        let base = file.deletingLastPathComponent().appendingPathComponent("\(stem[..<dot]).md")
        return FileManager.default.fileExists(atPath: base.path)
    }
}
