import Foundation
import Herald
import Testing

/// A request file with options on top, as `--request` and the flags of `herald render` and
/// `herald send` make one.
struct MessageRequestMergeTests {
    @Test func optionsReplaceSingleValuesAndExtendLists() {
        var file = MessageRequest(from: "shop@example.com", to: ["ana@example.com"], subject: "Your order", language: "es", headers: ["X-Order: 42"])
        file.channel = .sms
        let merged = file.extended(by: MessageRequest(to: ["bo@example.com"], cc: ["carla@example.com"], subject: "Your order shipped"))
        #expect(merged.from == "shop@example.com" && merged.subject == "Your order shipped" && merged.language == "es")
        #expect(merged.to == ["ana@example.com", "bo@example.com"] && merged.cc == ["carla@example.com"] && merged.headers == ["X-Order: 42"])
        #expect(merged.channel == .sms)
    }

    @Test func relativeAttachmentsAreTakenFromTheFilesFolder() {
        let request = MessageRequest(attachments: ["invoice.pdf", "/tmp/logo.png"])
        let resolved = request.resolvingPaths(against: URL(fileURLWithPath: "/work/samples/order"))
        #expect(resolved.attachments == ["/work/samples/order/invoice.pdf", "/tmp/logo.png"])
    }
}
