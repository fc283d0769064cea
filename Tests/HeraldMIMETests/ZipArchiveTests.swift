@testable import HeraldMIME
import Foundation
import HeraldTestSupport
import Testing

/// Herald's ZIP directory reader on real archives and on broken ones: it lists what is there,
/// and a damaged archive is nil or an unreadable part, never a crash.
@Suite struct ZipArchiveTests {
    static let fixtures = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/attachments")

    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    @Test func listsAndReadsTheParts() throws {
        let archive = try #require(ZipArchive(bytes: try bytes("sample.docx")))
        #expect(archive.entries.map(\.name).contains("word/document.xml"))
        let types = try #require(archive.entry(named: "[Content_Types].xml"))
        let xml = try #require(archive.contents(of: types, limit: 1 << 20))
        #expect(String(decoding: xml, as: UTF8.self).contains("wordprocessingml.document.main+xml"))
        #expect(archive.contents(of: types, limit: 16) == nil, "a part larger than the limit is not read")
        // ZIP64 records (Info-ZIP -fz) lead to the same parts.
        let zip64 = try #require(ZipArchive(bytes: try bytes("zip64.docx")))
        #expect(Set(zip64.entries.map(\.name)).isSuperset(of: ["[Content_Types].xml", "word/document.xml"]))
        #expect(zip64.contents(of: try #require(zip64.entry(named: "[Content_Types].xml")), limit: 1 << 20) == xml)
    }

    @Test func notArchivesAreNil() throws {
        #expect(ZipArchive(bytes: []) == nil)
        #expect(ZipArchive(bytes: Array("PK\u{5}\u{6}".utf8)) == nil)
        #expect(ZipArchive(bytes: try bytes("sample.pdf")) == nil)
    }

    /// Bounds are checked on every read: a crash here would end the whole test run.
    @Test func damagedArchivesAreNilOrReadSafely() throws {
        var random = SplitMix64(seed: 0x5A49_5021)
        for name in ["sample.docx", "sample.xlsx", "zip64.docx", "macro.docx"] {
            let original = try bytes(name)
            for _ in 0..<300 {
                var damaged = original
                // Cut it short, or change bytes in the directory at its end, where offsets live.
                if Bool.random(using: &random) {
                    let cut = Int.random(in: 22...damaged.count, using: &random)
                    damaged.removeLast(cut)
                    // Without its end record (the last 22 bytes: none has a comment) it is no archive.
                    #expect(ZipArchive(bytes: damaged) == nil, "\(name) cut by \(cut)")
                } else {
                    for _ in 0..<Int.random(in: 1...8, using: &random) {
                        let index = Int.random(in: max(0, damaged.count - 400)..<damaged.count, using: &random)
                        damaged[index] = UInt8.random(in: 0...255, using: &random)
                    }
                }
                if let archive = ZipArchive(bytes: damaged) {
                    for entry in archive.entries { _ = archive.contents(of: entry, limit: 1 << 20) }
                }
            }
        }
    }
}
