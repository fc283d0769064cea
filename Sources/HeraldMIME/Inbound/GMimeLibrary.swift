import CGMime
import Foundation

/// GMime's process-wide setup. `g_mime_init` must run once before any other call, and never
/// twice at the same time: a `static let` initializer runs exactly once, guarded by the
/// runtime (swift_once), whichever thread gets there first.
enum GMimeLibrary {
    ///
    /// g_mime_init also sets up GPGME (GMime's crypto), and GPGME sets SIGPIPE to "ignore" when
    /// it finds it at the default. That disposition is the process's and every child's: `herald`
    /// would stop dying quietly when its output pipe closes, and the programs it starts would
    /// print "Broken pipe". Herald uses none of GMime's crypto, so the disposition is put back.
    static let initialized: Bool = {
        preservingSIGPIPE { g_mime_init() }
        return true
    }()

    /// Runs `body`, then puts SIGPIPE's disposition back as it was before.
    static func preservingSIGPIPE(_ body: () -> Void) {
        var previous = sigaction()
        sigaction(SIGPIPE, nil, &previous)
        body()
        sigaction(SIGPIPE, &previous, nil)
    }

    /// Call before touching GMime.
    static func ensureInitialized() {
        _ = initialized
    }
}
