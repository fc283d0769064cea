import Foundation
@testable import HeraldServer
import Testing

/// A server's configuration from a data folder (`herald serve --data DIR`): its folders, the
/// templates folder and the rate limit.
struct DataFolderConfigurationTests {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("herald-serve-\(UUID().uuidString)").path

    func configuration(templates: String? = nil, requestsPerSecond: Int = 20) throws -> InboxServer.Configuration {
        try InboxServer.Configuration(dataFolder: data, host: "127.0.0.1", port: 0, bodyLimit: 4096, uploadLimit: 1 << 20,
                                      requestsPerSecond: requestsPerSecond, templates: templates, templatesName: "--templates", publicURL: nil)
    }

    @Test func theDataFoldersSubfoldersAndItsTemplatesWhenThereAreSome() throws {
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let plain = try configuration()
        #expect(plain.uploads == data + "/uploads" && plain.inboundFiles == data + "/inbound-files" && plain.templates == nil)
        #expect(plain.uploadLimit == 1 << 20 && plain.bodyLimit == 4096)
        try FileManager.default.createDirectory(atPath: data + "/templates", withIntermediateDirectories: true)
        #expect(try configuration().templates == data + "/templates")
        #expect(try configuration(templates: data).templates == data)
    }

    @Test func aTemplatesPathThatIsNoFolderIsRefused() throws {
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let file = data + "/welcome.md"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect { try configuration(templates: file) } throws: { "\($0)" == "--templates \(file) is not a folder (it holds the composer's template files)" }
        #expect { try configuration(templates: data + "/none") } throws: { "\($0)".hasPrefix("--templates \(data)/none is not a folder") }
    }

    @Test func requestsPerSecondComeInBurstsOfFiveTimesAsManyAndZeroIsNoLimit() throws {
        let limited = try #require(try configuration(requestsPerSecond: 20).rateLimit)
        #expect(limited.perSecond == 20 && limited.burst == 100)
        #expect(try configuration(requestsPerSecond: 0).rateLimit == nil)
    }
}
