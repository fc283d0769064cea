import Foundation
import HeraldInbox

extension InboxServer.Configuration {
    /// The configuration of a server on a data folder (`herald serve --data DIR`): uploads in
    /// DIR/uploads, customers' files in DIR/inbound-files, the composer's templates in `templates`
    /// or else DIR/templates when there is one, the webhooks' secrets from the environment or
    /// files (never an argument). `requestsPerSecond`: per API token or session, in bursts of up
    /// to 5 times as many; 0: no limit. `templatesName`: what the caller calls the templates
    /// folder, for the refusal of one that is not a folder.
    public init(dataFolder: String, host: String, port: Int, bodyLimit: Int, uploadLimit: Int, requestsPerSecond: Int,
                templates: String?, templatesName: String = "the templates folder", publicURL: String?) throws {
        self.init(host: host, port: port, bodyLimit: bodyLimit, uploads: URL(fileURLWithPath: dataFolder).appendingPathComponent("uploads").path,
                  uploadLimit: uploadLimit,
                  rateLimit: requestsPerSecond == 0 ? nil : RateLimiter.Rule(perSecond: Double(requestsPerSecond), burst: Double(requestsPerSecond * 5)),
                  templates: try Self.templatesFolder(templates, named: templatesName, dataFolder: dataFolder),
                  webhooks: try WebhookConfiguration(publicURL: publicURL, dataFolder: dataFolder))
        inboundFiles = InboundFiles(dataFolder: dataFolder).folder
    }

    /// `given`, which must be a folder; without one, the data folder's templates/ if it exists.
    static func templatesFolder(_ given: String?, named name: String, dataFolder: String) throws -> String? {
        var isDirectory: ObjCBool = false
        if let given {
            guard FileManager.default.fileExists(atPath: given, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw InboxError(.io, "\(name) \(given) is not a folder (it holds the composer's template files)")
            }
            return given
        }
        let inData = URL(fileURLWithPath: dataFolder).appendingPathComponent("templates").path
        return FileManager.default.fileExists(atPath: inData, isDirectory: &isDirectory) && isDirectory.boolValue ? inData : nil
    }
}
