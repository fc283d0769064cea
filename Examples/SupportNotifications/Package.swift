// swift-tools-version:6.0
// A support backend that sends its own notifications with Herald, as a library: see main.swift.
import PackageDescription

let package = Package(
    name: "SupportNotifications",
    platforms: [.macOS(.v13)],
    dependencies: [
        // Herald from this repository; elsewhere: .package(url: "https://github.com/OWNER/herald", from: "0.1.0").
        .package(name: "Herald", path: "../.."),
    ],
    targets: [
        .executableTarget(name: "SupportNotifications", dependencies: [.product(name: "Herald", package: "Herald")]),
    ],
    swiftLanguageModes: [.v6]
)
