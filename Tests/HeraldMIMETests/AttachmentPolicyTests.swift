@testable import HeraldMIME
import Foundation
import HeraldTestSupport
import Testing

/// Real libmagic on real files made with Debian's tools (Tests/Fixtures/attachments/README.md).
@Suite struct AttachmentPolicyTests {
    static let fixtures = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/attachments")

    func path(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    @Test(arguments: [
        ("sample.jpg", "image/jpeg"), ("sample.jpeg", "image/jpeg"), ("sample.png", "image/png"), ("sample.gif", "image/gif"),
        ("sample.webp", "image/webp"), ("sample.svg", "image/svg+xml"), ("sample.webm", "video/webm"),
        ("sample.mp4", "video/mp4"), ("sample.mov", "video/quicktime"),
        ("sample.txt", "text/plain"), ("sample.pdf", "application/pdf"), ("sample.rar", "application/vnd.rar"),
        ("sample.zip", "application/zip"), ("sample.doc", "application/msword"),
        ("sample.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sample.xls", "application/vnd.ms-excel"),
        ("sample.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("sample.csv", "text/csv"),
        ("sample.mp3", "audio/mpeg"), ("sample.wav", "audio/wav"), ("sample.ogg", "audio/ogg"), ("voice-note.ogg", "audio/ogg"),
        ("sample.acc", "audio/aac"), ("sample.m4a", "audio/mp4"), ("sample.aac", "audio/aac"), ("sample.flac", "audio/flac"),
    ])
    func everyAllowedTypeIsAccepted(_ file: String, _ contentType: String) throws {
        let attachment = try AttachmentLoader().load(path: path(file))
        #expect(attachment.contentType == contentType)
        #expect(attachment.filename == file)
        #expect(attachment.size == (try FileManager.default.attributesOfItem(atPath: path(file))[.size] as? Int))
    }

    @Test(arguments: [
        ("invoice.pdf", "its name claims .pdf (application/pdf) but its content is application/vnd.microsoft.portable-executable"),
        ("photo.png", "its name claims .png (image/png) but its content is application/zip"),
        ("report.docx", "its name claims .docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document) but its content is application/zip"),
        ("script.txt", "its name claims .txt (text/plain) but its content is text/x-shellscript"),
        ("page.svg", "it is an SVG image that contains a script (<script>)"),
        ("empty.txt", "it is empty"),
    ])
    func mismatchesAreRefusedNamingClaimAndContent(_ file: String, _ reason: String) {
        #expect {
            try AttachmentLoader().load(path: path(file))
        } throws: { error in
            String(describing: error) == "attachment \"\(file)\" refused: \(reason)"
        }
    }

    /// Hostile SVGs read by libxml2, as a browser reads them (Tests/Fixtures/attachments/README.md).
    @Test(arguments: [
        ("onload.svg", "it is an SVG image with an event handler (onload on <svg>)"),
        ("namespaced-script.svg", "it is an SVG image that contains a script (<h:script>)"),
        ("entity-script.svg", "its DOCTYPE declares the entity payload, which can hide a script"),
        ("javascript-link.svg", "it is an SVG image with a javascript: URL (href on <a>)"),
        ("foreign-object.svg", "it is an SVG image that contains a foreignObject (HTML inside the image can run a script)"),
        ("malformed.svg", "it is an SVG image libxml2 cannot read as XML (line 4: Opening and ending tag mismatch: rect line 3 and svg)"),
    ])
    func svgsThatCouldRunAScriptAreRefused(_ file: String, _ reason: String) {
        #expect {
            try AttachmentLoader().load(path: path(file))
        } throws: { error in
            String(describing: error) == "attachment \"\(file)\" refused: \(reason)"
        }
    }

    static let svgOpen = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
    static let svgRoot = #"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8">"#

    @Test(arguments: [
        (svgRoot + #"<SCRIPT>alert(1)</SCRIPT></svg>"#, "contains a script (<SCRIPT>)"),
        (svgRoot + #"<x:script>alert(1)</x:script></svg>"#, "contains a script (<x:script>)"),
        (svgRoot + #"<rect width="8" height="8"><set attributeName="href" to="javascript:alert(1)"/></rect></svg>"#, "javascript: URL (to on <set>)"),
        (svgRoot + #"<a><animate attributeName="href" values="https://example.com/;&#32;JAVA&#10;SCRIPT:alert(1)"/></a></svg>"#, "javascript: URL (values on <animate>)"),
        (svgRoot + #"<animate onbegin="alert(1)" attributeName="x"/></svg>"#, "event handler (onbegin on <animate>)"),
        (svgRoot + #"<rect xlink:onclick="alert(1)"/></svg>"#, "event handler (onclick on <rect>)"),
        (svgRoot + #"<a href="vbscript:msgbox(1)"><rect/></a></svg>"#, "vbscript: URL (href on <a>)"),
        (#"<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>"# + svgRoot + "</svg>", "declares default attributes"),
        (#"<?xml-stylesheet type="text/xsl" href="evil.xsl"?>"# + svgRoot + "</svg>", "xml-stylesheet instruction"),
    ])
    func svgTricksAreRefused(_ svg: String, _ reason: String) {
        #expect {
            try AttachmentLoader().load(bytes: Array((Self.svgOpen + svg).utf8), filename: "image.svg")
        } throws: { error in
            String(describing: error).contains(reason)
        }
    }

    @Test func ordinarySVGsAreAccepted() throws {
        // A public DTD (never fetched), an embedded PNG, links, and "javascript:" as mere text.
        let svg = Self.svgOpen + #"<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">"#
            + Self.svgRoot + #"<title>Why javascript: links are refused</title><a href="https://example.com/"><rect width="8" height="8"/></a>"#
            + #"<image width="1" height="1" xlink:href="data:image/png;base64,iVBORw0KGgo="/><text x="1" y="6">Herald &amp; co</text></svg>"#
        let attachment = try AttachmentLoader().load(bytes: Array(svg.utf8), filename: "diagram.svg")
        #expect(attachment.contentType == "image/svg+xml")
    }

    @Test func typesOutsideTheListAreRefused() throws {
        let pdf = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("sample.pdf"))))
        #expect {
            try AttachmentLoader().load(bytes: pdf, filename: "tool.exe")
        } throws: { error in
            let message = String(describing: error)
            return message.contains("\".exe\" is not an accepted type (its content is application/pdf); accepted: .aac .acc .csv .doc .docx")
        }
        #expect(throws: AttachmentError.self) { try AttachmentLoader().load(bytes: pdf, filename: "README") }
    }

    @Test func theSizeLimitIsConfigurable() throws {
        var policy = AttachmentPolicy.email
        #expect(policy.maximumSize == 25 * 1024 * 1024)
        policy.maximumSize = 4096
        #expect {
            try AttachmentLoader(policy: policy).load(path: path("sample.pdf"))
        } throws: { error in
            String(describing: error) == "attachment \"sample.pdf\" refused: it is 10609 bytes, over the limit of 4096 bytes"
        }
        #expect(AttachmentPolicy.size(26_214_400) == "25.0 MB")
        #expect(try AttachmentLoader(policy: policy).load(path: path("sample.png")).size < 4096)
    }

    @Test func anOfficeDocumentThatLibmagicSeesAsZipIsAcceptedByItsParts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = directory.appendingPathComponent("letter.docx")
        // A deflated archive whose first entry is not an Office part: libmagic cannot tell.
        let script = "import zipfile,sys\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n    z.writestr('readme.txt', 'hello')\n    z.writestr('word/document.xml', '<w:document/>')\n"
        let result = try ExternalEmailTools.run("/usr/bin/env", ["python3", "-c", script, document.path])
        #expect(result.status == 0)
        #expect(try ContentSniffer.shared.mediaType(ofFile: document.path) == "application/zip")
        let attachment = try AttachmentLoader().load(path: document.path)
        #expect(attachment.contentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    }

    /// The charset a reader gets for an attachment: the message is written and Python reads it.
    func writtenCharset(of attachment: Attachment) throws -> String? {
        let message = EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: "a@example.com"),
                                                           to: try AddressParser.parseList("b@example.com")),
                                   text: "Attached.\n", attachments: [attachment])
        let identity = MessageIdentity(date: .deterministic, messageID: MessageID(unchecked: "t@example.com"), boundarySeed: "0123456789abcdef")
        let bytes = try MIMEWriter().bytes(of: message, identity: identity)
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        return try ExternalEmailTools.inspect(bytes).leaves.last?.charset
    }

    @Test func textAttachmentsStateTheCharsetLibmagicFinds() throws {
        // sample.txt and sample.csv hold UTF-8 (canción, María): without a charset readers take ASCII.
        #expect(try writtenCharset(of: try AttachmentLoader().load(path: path("sample.txt"))) == "utf-8")
        #expect(try writtenCharset(of: try AttachmentLoader().load(path: path("sample.csv"))) == "utf-8")
        #expect(try writtenCharset(of: try AttachmentLoader().load(bytes: Array("Plain ASCII text.\n".utf8), filename: "a.txt")) == "us-ascii")
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB, 0x6C, 0xE9, 0x65, 0x0A]
        #expect(try writtenCharset(of: try AttachmentLoader().load(bytes: latin1, filename: "menu.txt")) == "iso-8859-1")
        // Files that are not text get no charset.
        #expect(try writtenCharset(of: try AttachmentLoader().load(path: path("sample.pdf"))) == nil)
    }

    @Test(arguments: [([0x0A], "us-ascii"), (Array("a".utf8), "us-ascii"), ([0x09], "us-ascii"), ([0x0D, 0x0A], "us-ascii"),
                      ([0xC3, 0xA9], "utf-8")] as [([UInt8], String)])
    func tinyTextFilesAreText(_ bytes: [UInt8], _ charset: String) throws {
        // libmagic calls one byte application/octet-stream: Herald decides what is text.
        let attachment = try AttachmentLoader().load(bytes: bytes, filename: "note.txt")
        #expect(attachment.contentType == "text/plain")
        #expect(try writtenCharset(of: attachment) == charset)
        #expect(try AttachmentLoader().load(bytes: bytes, filename: "one.csv").contentType == "text/csv")
    }

    @Test(arguments: [[0x00], [0x61, 0x01], [0xFF], [0x7F]] as [[UInt8]])
    func tinyFilesWithControlsOrInvalidUTF8AreNotText(_ bytes: [UInt8]) {
        #expect {
            try AttachmentLoader().load(bytes: bytes, filename: "note.txt")
        } throws: { error in
            String(describing: error) == "attachment \"note.txt\" refused: its name claims .txt (text/plain) but its content is application/octet-stream"
        }
    }

    @Test(arguments: [
        ("macro.docx", "it is a macro-enabled Office file (a .docm, not a .docx): it holds word/vbaProject.bin; macro-enabled files are not accepted"),
        ("macro.xlsx", "it is a macro-enabled Office file (a .xlsm, not a .xlsx): it holds xl/vbaProject.bin; macro-enabled files are not accepted"),
    ])
    func macroEnabledOfficeFilesAreRefused(_ file: String, _ reason: String) {
        #expect {
            try AttachmentLoader().load(path: path(file))
        } throws: { error in
            String(describing: error) == "attachment \"\(file)\" refused: \(reason)"
        }
    }

    /// Rewrites sample.docx with python3's zipfile: `edit` is Python run with `text` (the
    /// [Content_Types].xml) and `out` (the open ZipFile) in scope.
    func rewrittenDocx(_ name: String, in directory: URL, compression: String = "ZIP_DEFLATED", zip64: Bool = false, edit: String = "") throws -> String {
        let output = directory.appendingPathComponent(name).path
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.\(compression)) as out:
                for info in src.infolist():
                    data = src.read(info.filename)
                    if info.filename == "[Content_Types].xml":
                        text = data.decode()
            \(edit.split(separator: "\n").map { "            " + $0 }.joined(separator: "\n"))
                        data = text.encode()
                    with out.open(zipfile.ZipInfo(info.filename, date_time=info.date_time), "w", force_zip64=\(zip64 ? "True" : "False")) as part:
                        part.write(data)
            """
        let result = try ExternalEmailTools.run("/usr/bin/env", ["python3", "-c", script, path("sample.docx"), output])
        #expect(result.status == 0, "\(result.stderr)")
        return output
    }

    @Test func macrosAreFoundWhereverOfficeDeclaresThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-office-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let macroType = #"text = text.replace("wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml")"#
        let vbaPart = #"text = text.replace("</Types>", '<Override PartName="/word/code.dat" ContentType="application/vnd.ms-office.vbaProject"/></Types>')"#
        let cases: [(String, String, String, Bool, String)] = [
            // Only the content type says macroEnabled (no vbaProject.bin part).
            ("typed.docx", "ZIP_DEFLATED", macroType, false, "its [Content_Types].xml declares a macroEnabled document"),
            // The same, stored rather than deflated, and with ZIP64 local headers.
            ("stored.docx", "ZIP_STORED", macroType, false, "its [Content_Types].xml declares a macroEnabled document"),
            ("zip64.docx", "ZIP_DEFLATED", macroType, true, "its [Content_Types].xml declares a macroEnabled document"),
            // A VBA project part under another name, declared by its content type.
            ("renamed-part.docx", "ZIP_DEFLATED", vbaPart, false, "its [Content_Types].xml declares a VBA project"),
        ]
        for (name, compression, edit, zip64, reason) in cases {
            let file = try rewrittenDocx(name, in: directory, compression: compression, zip64: zip64, edit: edit)
            #expect {
                try AttachmentLoader().load(path: file)
            } throws: { error in
                String(describing: error) == "attachment \"\(name)\" refused: it is a macro-enabled Office file (a .docm, not a .docx): \(reason); macro-enabled files are not accepted"
            }
        }
        // With ZIP64 records (Info-ZIP's -fz; libmagic calls it a plain ZIP) it is a document too.
        #expect(try AttachmentLoader().load(path: path("zip64.docx")).contentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        // Rewritten without a change, stored or with ZIP64 local headers, it is still a document.
        for (name, compression, zip64) in [("plain.docx", "ZIP_STORED", false), ("plain64.docx", "ZIP_DEFLATED", true)] {
            let file = try rewrittenDocx(name, in: directory, compression: compression, zip64: zip64)
            #expect(try AttachmentLoader().load(path: file).contentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
    }

    @Test func officePartsAreReadFromTheZipDirectoryNotFromBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A stored text file that merely mentions the part is no Word document.
        let document = directory.appendingPathComponent("notes.docx")
        let script = "import zipfile,sys\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z:\n    z.writestr('readme.txt', 'see word/document.xml')\n"
        #expect(try ExternalEmailTools.run("/usr/bin/env", ["python3", "-c", script, document.path]).status == 0)
        #expect(try ContentSniffer.shared.mediaType(ofFile: document.path) == "application/zip")
        #expect {
            try AttachmentLoader().load(path: document.path)
        } throws: { error in
            String(describing: error).hasSuffix("refused: its name claims .docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document) but its content is application/zip")
        }
        // A real document cut short keeps libmagic's verdict but has no directory left.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("sample.docx"))))
        let cut = directory.appendingPathComponent("cut.docx")
        try Data(bytes.prefix(bytes.count - 300)).write(to: cut)
        #expect {
            try AttachmentLoader().load(path: cut.path)
        } throws: { error in
            String(describing: error).hasSuffix("refused: its name claims .docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document) but its ZIP directory cannot be read")
        }
    }

    @Test func missingFilesAndFoldersAreRefused() {
        #expect {
            try AttachmentLoader().load(path: "/nonexistent/x.pdf")
        } throws: { error in String(describing: error).hasSuffix("refused: no such file") }
        #expect {
            try AttachmentLoader().load(path: Self.fixtures.path)
        } throws: { error in String(describing: error).hasSuffix("refused: it is a folder, not a file") }
    }
}
