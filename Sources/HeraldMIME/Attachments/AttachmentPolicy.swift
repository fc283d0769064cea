/// Which files a channel accepts, decided from their bytes (libmagic), never from their name
/// alone: the extension says what the sender claims, the detected type must be one that
/// extension allows. The email policy is the inbox's list.
public struct AttachmentPolicy: Sendable {
    /// What one extension stands for.
    public struct Kind: Sendable {
        public var category: String
        /// The Content-Type written for it.
        public var contentType: String
        /// The libmagic types (MAGIC_MIME_TYPE) accepted for it.
        public var detectedTypes: Set<String>
        /// For Office Open XML: a plain ZIP is accepted when it holds this part (a document
        /// written by a tool that libmagic does not recognize as Office).
        public var zipPart: String? = nil
        /// For Office Open XML: the extension of its macro-enabled twin (`docm`), which is
        /// refused under this one's name.
        public var macroEnabledExtension: String? = nil
    }

    public var kinds: [String: Kind]
    public var maximumSize: Int

    public init(kinds: [String: Kind], maximumSize: Int = 25 * 1024 * 1024) {
        self.kinds = kinds
        self.maximumSize = maximumSize
    }

    /// The extensions, sorted, for messages that list what would be accepted.
    public var acceptedExtensions: [String] { kinds.keys.sorted() }

    /// The inbox's list for email: images, videos, documents and audio.
    public static let email = AttachmentPolicy(kinds: [
        "jpg": Kind(category: "image", contentType: "image/jpeg", detectedTypes: ["image/jpeg"]),
        "jpeg": Kind(category: "image", contentType: "image/jpeg", detectedTypes: ["image/jpeg"]),
        "png": Kind(category: "image", contentType: "image/png", detectedTypes: ["image/png"]),
        "gif": Kind(category: "image", contentType: "image/gif", detectedTypes: ["image/gif"]),
        "webp": Kind(category: "image", contentType: "image/webp", detectedTypes: ["image/webp"]),
        "svg": Kind(category: "image", contentType: "image/svg+xml", detectedTypes: ["image/svg+xml"]),
        "webm": Kind(category: "video", contentType: "video/webm", detectedTypes: ["video/webm", "audio/webm"]),
        "mp4": Kind(category: "video", contentType: "video/mp4", detectedTypes: ["video/mp4"]),
        "mov": Kind(category: "video", contentType: "video/quicktime", detectedTypes: ["video/quicktime"]),
        "txt": Kind(category: "document", contentType: "text/plain", detectedTypes: ["text/plain"]),
        "pdf": Kind(category: "document", contentType: "application/pdf", detectedTypes: ["application/pdf"]),
        "rar": Kind(category: "document", contentType: "application/vnd.rar", detectedTypes: ["application/x-rar", "application/vnd.rar"]),
        "zip": Kind(category: "document", contentType: "application/zip", detectedTypes: ["application/zip"]),
        "doc": Kind(category: "document", contentType: "application/msword", detectedTypes: ["application/msword"]),
        "docx": Kind(category: "document", contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     detectedTypes: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"], zipPart: "word/document.xml",
                     macroEnabledExtension: "docm"),
        "xls": Kind(category: "document", contentType: "application/vnd.ms-excel", detectedTypes: ["application/vnd.ms-excel"]),
        "xlsx": Kind(category: "document", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     detectedTypes: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"], zipPart: "xl/workbook.xml",
                     macroEnabledExtension: "xlsm"),
        // A small CSV has no signature: libmagic calls it text/plain (or text/csv when it can tell).
        "csv": Kind(category: "document", contentType: "text/csv", detectedTypes: ["text/csv", "text/plain"]),
        "mp3": Kind(category: "audio", contentType: "audio/mpeg", detectedTypes: ["audio/mpeg"]),
        "wav": Kind(category: "audio", contentType: "audio/wav", detectedTypes: ["audio/x-wav", "audio/wav", "audio/vnd.wave"]),
        "ogg": Kind(category: "audio", contentType: "audio/ogg", detectedTypes: ["audio/ogg", "application/ogg"]),
        "m4a": Kind(category: "audio", contentType: "audio/mp4", detectedTypes: ["audio/x-m4a", "audio/mp4", "video/mp4"]),
        "aac": Kind(category: "audio", contentType: "audio/aac", detectedTypes: ["audio/x-hx-aac-adts", "audio/aac"]),
        // ".acc" is on the inbox's list; it is taken to mean AAC (a common typo of the extension).
        "acc": Kind(category: "audio", contentType: "audio/aac", detectedTypes: ["audio/x-hx-aac-adts", "audio/aac"]),
        "flac": Kind(category: "audio", contentType: "audio/flac", detectedTypes: ["audio/flac", "audio/x-flac"]),
    ])

    /// The lowercased extension of a file name ("" if none).
    public static func fileExtension(of filename: String) -> String {
        let name = filename.split(separator: "/").last.map(String.init) ?? filename
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// What a checked file is sent as.
    public struct Verdict: Equatable, Sendable {
        public var contentType: String
        /// For text, its character set as libmagic (or the small-text rule) found it.
        public var charset: String?
    }

    /// Decides on a file: returns its Content-Type (and a text's charset), or throws saying why
    /// it is refused. `contents` gives the file's bytes, read only when a check needs them.
    public func check(filename: String, finding: ContentSniffer.Finding, size: Int,
                      contents: () throws -> [UInt8]) throws -> Verdict {
        let ext = Self.fileExtension(of: filename)
        var detectedType = finding.mediaType
        var encoding = finding.encoding
        guard let kind = kinds[ext] else {
            let claimed = ext.isEmpty ? "it has no extension" : "\".\(ext)\" is not an accepted type"
            throw AttachmentError(file: filename, reason: "\(claimed) (its content is \(detectedType)); accepted: \(acceptedExtensions.map { "." + $0 }.joined(separator: " "))")
        }
        if size > maximumSize {
            throw AttachmentError(file: filename, reason: "it is \(Self.size(size)), over the limit of \(Self.size(maximumSize))")
        }
        if size == 0 || detectedType == "application/x-empty" || detectedType == "inode/x-empty" {
            throw AttachmentError(file: filename, reason: "it is empty")
        }
        let isText = kind.contentType.hasPrefix("text/")
        if isText && detectedType == "application/octet-stream", let textEncoding = SmallText.encoding(of: try contents()) {
            // libmagic cannot name a few bytes ("\n" is application/octet-stream); Herald reads them.
            detectedType = "text/plain"
            encoding = textEncoding
        }
        var matches = kind.detectedTypes.contains(detectedType)
        if let part = kind.zipPart, matches || detectedType == "application/zip" {
            // Office Open XML is judged by the parts its ZIP directory lists, not by bytes.
            guard let archive = ZipArchive(bytes: try contents()) else {
                throw AttachmentError(file: filename, reason: "its name claims .\(ext) (\(kind.contentType)) but its ZIP directory cannot be read")
            }
            if !matches { matches = archive.entry(named: part) != nil }
            switch matches ? OfficeMacros.finding(in: archive) : nil {
            case .macros(let evidence):
                let twin = kind.macroEnabledExtension.map { " (a .\($0), not a .\(ext))" } ?? ""
                throw AttachmentError(file: filename, reason: "it is a macro-enabled Office file\(twin): \(evidence); macro-enabled files are not accepted")
            case .unreadable(let why):
                throw AttachmentError(file: filename, reason: "its name claims .\(ext) (\(kind.contentType)) but \(why)")
            case nil:
                break
            }
        }
        guard matches else {
            throw AttachmentError(file: filename, reason: "its name claims .\(ext) (\(kind.contentType)) but its content is \(detectedType)")
        }
        // An SVG opened in a browser runs its scripts: refuse it rather than carry it.
        if ext == "svg", let problem = SVGScriptCheck.problem(in: try contents()) {
            throw AttachmentError(file: filename, reason: problem)
        }
        return Verdict(contentType: kind.contentType, charset: isText ? Self.charset(fromMagic: encoding) : nil)
    }

    /// The charset to write for libmagic's encoding name: the ones that name a real character
    /// set. "binary", "unknown-8bit" and "ebcdic" say only that libmagic could not tell, so no
    /// charset is claimed for them.
    static func charset(fromMagic encoding: String?) -> String? {
        guard let encoding = encoding?.lowercased() else { return nil }
        let named: Set<String> = ["us-ascii", "utf-8", "iso-8859-1", "utf-16le", "utf-16be", "utf-32le", "utf-32be"]
        return named.contains(encoding) ? encoding : nil
    }

    /// "25.0 MB" for a megabyte or more, the exact byte count below (a limit set in bytes).
    static func size(_ bytes: Int) -> String {
        guard bytes >= 1_048_576 else { return "\(bytes) bytes" }
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
