import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The web inbox: its page at `/`, its own scripts and styles at `/assets/…` (resources of this
/// module, `Web/`), and ProseMirror's ES modules at `/vendor/PACKAGE/…`, read from Debian's
/// packages under /usr/share/nodejs (`HERALD_NODE_MODULES` names another folder) — no CDN, no
/// npm, it works offline.
///
/// The page may run only scripts from this server: `Content-Security-Policy: script-src 'self'`
/// plus the SHA-256 of its one inline script, the import map that names the modules. Nothing is
/// inlined from the network, nothing framed.
struct WebRoutes: Sendable {
    /// Debian's ES module packages the page imports, and the file each is (below the folder).
    static let modules: [(name: String, file: String)] = [
        ("prosemirror-model", "prosemirror-model/dist/index.es.js"),
        ("prosemirror-state", "prosemirror-state/dist/index.es.js"),
        ("prosemirror-view", "prosemirror-view/dist/index.es.js"),
        ("prosemirror-transform", "prosemirror-transform/dist/index.es.js"),
        ("prosemirror-schema-list", "prosemirror-schema-list/dist/index.es.js"),
        ("w3c-keyname", "w3c-keyname/index.es.js"),
        // prosemirror-model's own dependency, shipped inside its package.
        ("orderedmap", "prosemirror-model/node_modules/orderedmap/index.es.js"),
    ]
    /// What else of those packages is served: ProseMirror's own editor CSS.
    static let otherVendorFiles = ["prosemirror-view/style/prosemirror.css"]

    let nodeModules: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        nodeModules = environment["HERALD_NODE_MODULES"] ?? "/usr/share/nodejs"
    }

    static let importMap: String = {
        let entries = modules.map { "\"\($0.name)\": \"/vendor/\($0.file)\"" }.joined(separator: ", ")
        return "{\"imports\": {\(entries)}}"
    }()

    /// `media-src 'self' blob:`: a recorded voice note is listened to before it is sent, from a
    /// blob: URL of the page's own recording (no other origin, no data: URLs). The recorder's
    /// AudioWorklet module is a script from /assets, which `script-src 'self'` already allows.
    static let contentSecurityPolicy: String = {
        let hash = Data(SHA256.hash(data: Array(importMap.utf8))).base64EncodedString()
        return "default-src 'self'; script-src 'self' 'sha256-\(hash)'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
            + "media-src 'self' blob:; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }()

    func register(on router: Router<ServerContext>) {
        router.get("/") { _, _ in
            guard let page = Self.resource("index.html") else { throw Problem(.io, "the web inbox's page is missing from this build") }
            let html = String(decoding: page, as: UTF8.self).replacingOccurrences(of: "{{IMPORT_MAP}}", with: Self.importMap)
            return Self.file(Array(html.utf8), type: "text/html; charset=utf-8", cache: "no-cache")
        }
        router.get("/assets/{name}") { _, context in
            let name = try context.parameters.require("name")
            guard Self.isPlainName(name), let bytes = Self.resource(name) else { throw Problem.noRoute("GET", "/assets/\(name)") }
            return Self.file(bytes, type: Self.contentType(of: name), cache: "no-cache")
        }
        router.get("/vendor/**") { request, _ in
            let path = String(request.uri.path.dropFirst("/vendor/".count))
            guard Self.modules.contains(where: { $0.file == path }) || Self.otherVendorFiles.contains(path) else {
                throw Problem.noRoute("GET", request.uri.path)
            }
            let url = URL(fileURLWithPath: nodeModules).appendingPathComponent(path)
            guard let data = try? Data(contentsOf: url) else {
                throw Problem(.io, "\(url.path) is missing: install Debian's ProseMirror packages (node-prosemirror-model, -state, -view, -transform, "
                                + "-schema-list and node-w3c-keyname; .ci/packages.txt lists them) or set HERALD_NODE_MODULES")
            }
            return Self.file([UInt8](data), type: Self.contentType(of: path), cache: "max-age=3600")
        }
    }

    static func file(_ bytes: [UInt8], type: String, cache: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: cache, .contentSecurityPolicy: contentSecurityPolicy,
                                        .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func resource(_ name: String) -> [UInt8]? {
        guard let folder = Bundle.module.url(forResource: "Web", withExtension: nil),
              let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return nil }
        return [UInt8](data)
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension {
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "html": return "text/html; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
