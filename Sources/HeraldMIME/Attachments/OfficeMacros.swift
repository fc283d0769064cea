/// Whether an Office Open XML file carries macros. A `.docm`/`.xlsm` renamed `.docx`/`.xlsx`
/// passes libmagic (it is the same kind of ZIP) but is not on the list: Office runs its macros
/// once the recipient enables them. It shows as a part named `vbaProject.bin` (where Office
/// keeps the macros) or, in `[Content_Types].xml`, a `macroEnabled` document type or the
/// `vbaProject` type (which a macro part has whatever its name).
enum OfficeMacros {
    enum Finding: Equatable {
        /// Macros, and where they show.
        case macros(String)
        /// The archive does not read as an Office file.
        case unreadable(String)
    }

    /// `[Content_Types].xml` is a few KB; past this it is not an Office file to trust.
    static let contentTypesLimit = 1024 * 1024

    /// What makes `archive` macro-enabled or unreadable as Office; nil when it is neither.
    static func finding(in archive: ZipArchive) -> Finding? {
        if let macros = archive.entries.first(where: { $0.name.split(separator: "/").last?.lowercased() == "vbaproject.bin" }) {
            return .macros("it holds \(macros.name)")
        }
        guard let types = archive.entry(named: "[Content_Types].xml") else { return nil }
        guard let xml = archive.contents(of: types, limit: contentTypesLimit) else {
            return .unreadable("its [Content_Types].xml cannot be read")
        }
        let text = String(decoding: xml, as: UTF8.self).lowercased()
        if text.contains("macroenabled") { return .macros("its [Content_Types].xml declares a macroEnabled document") }
        if text.contains("vnd.ms-office.vbaproject") { return .macros("its [Content_Types].xml declares a VBA project") }
        return nil
    }
}
