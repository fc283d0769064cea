import Foundation
@testable import HeraldDelivery
import Testing

/// AtomicFile's own cases that a CLI test cannot reach: an error of the content mid-write.
@Suite struct AtomicFileTests {
    struct Refused: Error {}

    @Test func anErrorOfTheContentHalfwayLeavesTheOldFileAndNoTemporaryOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("reply.eml").path
        try AtomicFile.write(Array("the old message".utf8), to: path)
        #expect(throws: Refused.self) {
            try AtomicFile.write(to: path) { sink in
                try sink.write([UInt8](repeating: 65, count: 200_000))  // flushed to the temporary file already
                throw Refused()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "the old message")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["reply.eml"])
    }

    @Test(arguments: [("a", ".", "a"), ("-", ".", "-"), ("x/y.html", "x", "y.html"), ("/top", "/", "top"), ("out/", "out", ""), ("a/b/c", "a/b", "c")])
    func pathsSplitAtTheirLastSlash(path: String, folder: String, name: String) {
        #expect(AtomicFile.split(path) == (folder, name))
    }
}
