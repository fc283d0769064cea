import CGMime

/// GMime's process-wide setup. `g_mime_init` must run once before any other call, and never
/// twice at the same time: a `static let` initializer runs exactly once, guarded by the
/// runtime (swift_once), whichever thread gets there first.
enum GMimeLibrary {
    static let initialized: Bool = {
        g_mime_init()
        return true
    }()

    /// Call before touching GMime.
    static func ensureInitialized() {
        _ = initialized
    }
}
