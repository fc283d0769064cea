// swift-tools-version:6.0
// Herald: a Swift mail engine with a rich composer. See README.md and docs/architecture.md.
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Herald", targets: ["Herald"]),
        .library(name: "HeraldTesting", targets: ["HeraldTesting"]),
        .executable(name: "herald", targets: ["HeraldCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // `swift package generate-documentation --target Herald` (Sources/Herald/Herald.docc).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // SHA-256 of API tokens (and, next, the slow KDF of passwords); DKIM signatures.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // The outbox in PostgreSQL, for many workers on many machines (HeraldPostgres).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        // Delivery metrics (HeraldDelivery speaks swift-metrics' API only) and their Prometheus
        // exposition (HeraldServer: /metrics on herald serve, herald worker --metrics).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // postgres-nio logs through swift-log; the outbox gives it a logger that says nothing.
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // System-library shims: a module map and a shim header each, nothing else.
        .systemLibrary(
            name: "CCmarkGFM", path: "Sources/CCmarkGFM", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CMagic", path: "Sources/CMagic", pkgConfig: "libmagic",
            providers: [.apt(["libmagic-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // GMime 3: the inbound email parser (HeraldMIME's Inbound/), the MIME parser notmuch uses.
        // (SwiftPM drops two of gmime-3.0.pc's cflags, -D_LARGEFILE64_SOURCE and -pthread, with a
        // "prohibited flag(s)" warning: neither matters to the shim on glibc.)
        .systemLibrary(
            name: "CGMime", path: "Sources/CGMime", pkgConfig: "gmime-3.0",
            providers: [.apt(["libgmime-3.0-dev"])]),
        // libopusenc: a recorded voice note (WAV) becomes Ogg Opus, what WhatsApp plays as one.
        .systemLibrary(
            name: "COpusEnc", path: "Sources/COpusEnc", pkgConfig: "libopusenc",
            providers: [.apt(["libopusenc-dev"])]),

        // cmark-gfm inline syntax extensions (==highlight==, ++underline++). C, because cmark
        // calls them back through plain C function pointers.
        .target(name: "CHeraldMarkdown", dependencies: ["CCmarkGFM"], path: "Sources/CHeraldMarkdown"),

        .target(name: "HeraldDocument", dependencies: ["CCmarkGFM", "CHeraldMarkdown", "CLibXML2"]),
        // libxml2 reads SVG attachments as a browser would, to find what could run script;
        // zlib reads an Office file's [Content_Types].xml, to find macros.
        // swift-crypto: DKIM signing (DKIM/) — SHA-256, Ed25519 and RSA PKCS#1 v1.5, none hand-written.
        // GMime parses inbound mail (Inbound/); libxml2 also finds the quoted history in its HTML.
        .target(name: "HeraldMIME", dependencies: ["CMagic", "CLibXML2", "CZlib", "CGMime", .product(name: "Crypto", package: "swift-crypto"),
                                                 .product(name: "_CryptoExtras", package: "swift-crypto")]),
        // libopusenc encodes voice notes (Audio/): a channel's media, beside WhatsAppMedia.
        .target(name: "HeraldChannels", dependencies: ["HeraldDocument", "HeraldMIME", "COpusEnc"]),
        .target(name: "HeraldTemplates", dependencies: [
            "HeraldDocument", "HeraldChannels",
            .product(name: "Mustache", package: "swift-mustache"), .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "HeraldDelivery", dependencies: ["HeraldMIME", "HeraldChannels", "CCurl", .product(name: "GRDB", package: "GRDB.swift"),
                                                     .product(name: "Metrics", package: "swift-metrics")]),
        // The outbox and the inbox in PostgreSQL (`--outbox`, `--database postgres://…`): its own
        // module, so a library user who stores in SQLite never builds postgres-nio and its TLS stack.
        .target(name: "HeraldPostgres", dependencies: ["HeraldDelivery", "HeraldInbox", "HeraldMIME", "HeraldChannels", .product(name: "PostgresNIO", package: "postgres-nio"),
                                                     .product(name: "Logging", package: "swift-log")]),
        .target(name: "Herald", dependencies: ["HeraldDocument", "HeraldMIME", "HeraldChannels", "HeraldTemplates", "HeraldDelivery"]),
        // The contact-center inbox: agents, campaigns, customers, interactions and their rules,
        // stored in SQLite beside the outbox; it composes and sends through Herald's Composer.
        // Yams: seed files (`herald inbox load`).
        .target(name: "HeraldInbox", dependencies: ["Herald", "HeraldDelivery", .product(name: "GRDB", package: "GRDB.swift"),
                                                   .product(name: "Crypto", package: "swift-crypto"),
                                                   .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "Yams", package: "Yams")]),
        // `herald serve`: the inbox's JSON API over HTTP (Hummingbird 2), bearer tokens, problem+json.
        // The web inbox's page, scripts and styles are resources (Web/); ProseMirror comes from
        // Debian's packages at run time.
        .target(name: "HeraldServer", dependencies: ["HeraldInbox", "Herald", .product(name: "Hummingbird", package: "hummingbird"),
                                                   .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "Metrics", package: "swift-metrics"),
                                                    .product(name: "Crypto", package: "swift-crypto")],
                resources: [.copy("openapi.json"), .copy("Web")]),
        // Samples, golden files, diffs and the preview page: for template authors and CI.
        .target(name: "HeraldTooling", dependencies: ["Herald"]),
        // Library users' test support: an in-memory transport, as swift-nio ships NIOEmbedded.
        .target(name: "HeraldTesting", dependencies: ["Herald"]),
        .executableTarget(
            name: "HeraldCLI",
            dependencies: ["Herald", "HeraldTooling", "HeraldInbox", "HeraldServer", "HeraldPostgres",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Benchmarks: executables, never run by the test suite.
        .target(name: "BenchmarkSupport", dependencies: ["CCmarkGFM"], path: "Benchmarks/BenchmarkSupport"),
        .executableTarget(
            name: "RenderBenchmark",
            dependencies: ["Herald", "HeraldTooling", "BenchmarkSupport", "CCmarkGFM", "CHeraldMarkdown"],
            path: "Benchmarks/RenderBenchmark"),
        .executableTarget(
            name: "TemplateBenchmark",
            dependencies: ["Herald", "BenchmarkSupport", .product(name: "Mustache", package: "swift-mustache")],
            path: "Benchmarks/TemplateBenchmark"),
        .executableTarget(name: "ChannelsBenchmark", dependencies: ["Herald", "HeraldTooling"], path: "Benchmarks/ChannelsBenchmark"),
        .executableTarget(name: "DeliveryBenchmark", dependencies: ["Herald"], path: "Benchmarks/DeliveryBenchmark",
                          exclude: ["smtplib_baseline.py"]),
        .executableTarget(name: "HTMLReaderBenchmark", dependencies: ["Herald", "HeraldTooling", "BenchmarkSupport", "CLibXML2"], path: "Benchmarks/HTMLReaderBenchmark"),
        .executableTarget(name: "MIMEBenchmark", dependencies: ["Herald", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto")], path: "Benchmarks/MIMEBenchmark",
                          exclude: ["python_baseline.py"]),
        .executableTarget(name: "InboundBenchmark", dependencies: ["HeraldMIME"], path: "Benchmarks/InboundBenchmark",
                          exclude: ["python_baseline.py"]),
        // Seeds an inbox for Benchmarks/server-load.sh (through the HeraldInbox library, not HTTP).
        // The outbox in PostgreSQL: enqueue rates and 1, 2, 4 worker processes (a private cluster
        // through the tests' PostgresServer).
        .executableTarget(name: "PostgresBenchmark", dependencies: ["Herald", "HeraldPostgres", "HeraldTestSupport"], path: "Benchmarks/PostgresBenchmark"),
        .executableTarget(name: "InboxSeed", dependencies: ["HeraldInbox", "Herald"], path: "Benchmarks/InboxSeed"),

        // Fuzz targets (docs/fuzzing.md, Fuzz/run): built with `--sanitize fuzzer` and
        // `-DFUZZING` each is a libFuzzer executable; in a plain build each replays the files it
        // is given, so `swift build` compiles them like everything else.
        .target(name: "FuzzSupport", dependencies: ["HeraldDocument", "HeraldChannels"], path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzMarkdownReader", dependencies: ["FuzzSupport", "HeraldDocument"], path: "Fuzz/MarkdownReader"),
        .executableTarget(name: "FuzzHTMLReader", dependencies: ["FuzzSupport", "HeraldDocument"], path: "Fuzz/HTMLReader"),
        .executableTarget(name: "FuzzAddressParser", dependencies: ["FuzzSupport", "HeraldMIME"], path: "Fuzz/AddressParser"),
        .executableTarget(name: "FuzzHeaderWriter", dependencies: ["FuzzSupport", "HeraldMIME"], path: "Fuzz/HeaderWriter"),
        .executableTarget(name: "FuzzSMSEncoder", dependencies: ["FuzzSupport", "HeraldChannels"], path: "Fuzz/SMSEncoder"),
        .executableTarget(name: "FuzzTemplateFiller", dependencies: ["FuzzSupport", "HeraldDocument", "HeraldTemplates"], path: "Fuzz/TemplateFiller"),
        .executableTarget(name: "FuzzMIMEWriter", dependencies: ["FuzzSupport", "HeraldDocument", "HeraldMIME"], path: "Fuzz/MIMEWriter"),
        .executableTarget(name: "FuzzInboundParser", dependencies: ["FuzzSupport", "HeraldMIME"], path: "Fuzz/InboundParser"),

        // Helpers shared by the test targets (runs Python's email package and check-message).
        // (Its Scripts/ are the test servers and checkers the tests start: Python and JavaScript.)
        .target(name: "HeraldTestSupport", path: "Tests/HeraldTestSupport", exclude: ["Scripts"]),

        .testTarget(name: "CLibrariesTests", dependencies: ["CCmarkGFM", "CLibXML2", "CMagic", "CCurl", "COpusEnc", "CGMime",
                                                          // GMime's once-only setup, shared with the parser's (testable).
                                                          "HeraldMIME"]),
        .testTarget(name: "HeraldDocumentTests", dependencies: ["HeraldDocument"]),
        .testTarget(name: "HeraldMIMETests", dependencies: ["HeraldMIME", "HeraldTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "HeraldDeliveryTests", dependencies: ["HeraldDelivery", "HeraldPostgres", "HeraldTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "HeraldChannelsTests", dependencies: ["HeraldChannels", "HeraldDocument", "HeraldMIME", "HeraldTestSupport", "CLibXML2"]),
        .testTarget(name: "HeraldTemplatesTests", dependencies: ["HeraldTemplates", "HeraldChannels", "HeraldDocument"]),
        .testTarget(name: "GoldenTests", dependencies: ["Herald", "HeraldTooling", "HeraldTestSupport"]),
        .testTarget(name: "HeraldTests", dependencies: ["Herald", "HeraldTesting", "HeraldTestSupport"]),
        .testTarget(name: "HeraldInboxTests", dependencies: ["HeraldInbox", "HeraldPostgres", "Herald", "HeraldTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "HeraldServerTests", dependencies: ["HeraldCLI", "HeraldServer", "HeraldInbox", "HeraldPostgres", "Herald", "HeraldTesting", "HeraldTestSupport"]),
        .testTarget(name: "HeraldCLITests", dependencies: ["HeraldCLI", "Herald", "HeraldTooling", "HeraldTestSupport", "HeraldPostgres"]),
    ],
    swiftLanguageModes: [.v6]
)
