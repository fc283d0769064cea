import Foundation
import HeraldDelivery
import Testing

/// A data folder as the place of the outbox and the Maildir (`herald serve --data`).
struct DeliveryConfigurationFolderTests {
    @Test func theFolderHoldsTheOutboxAndTheMaildirUnlessSomethingNamesThem() throws {
        var settings = DeliveryConfiguration.Settings()
        settings.folder = "data"
        let fromFolder = try DeliveryConfiguration(settings, environment: [:])
        #expect(fromFolder.outboxPath == "data/outbox.sqlite" && fromFolder.maildirPath == "data/maildir")

        let fromEnvironment = try DeliveryConfiguration(settings, environment: ["HERALD_OUTBOX": "/srv/outbox.sqlite", "HERALD_MAILDIR": "/srv/mail"])
        #expect(fromEnvironment.outboxPath == "/srv/outbox.sqlite" && fromEnvironment.maildirPath == "/srv/mail")

        settings.outboxPath = DeliveryConfiguration.Setting("given.sqlite", name: "--outbox")
        let given = try DeliveryConfiguration(settings, environment: ["HERALD_OUTBOX": "/srv/outbox.sqlite"])
        #expect(given.outboxPath == "given.sqlite" && given.maildirPath == "data/maildir")

        let none = try DeliveryConfiguration(DeliveryConfiguration.Settings(), environment: [:])
        #expect(none.outboxPath == DeliveryConfiguration.defaultOutboxPath && none.maildirPath == DeliveryConfiguration.defaultMaildirPath)
    }

    @Test func theOutboxIsMadeInTheFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = DeliveryConfiguration.Settings()
        settings.folder = folder.path
        let configuration = try DeliveryConfiguration(settings, environment: [:])
        _ = try await configuration.openOutbox()
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("outbox.sqlite").path))
        #expect(configuration.route == "maildir:" + folder.appendingPathComponent("maildir").standardizedFileURL.path)
    }
}
