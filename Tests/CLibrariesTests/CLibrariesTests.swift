import CCmarkGFM
import CCurl
import CGMime
import CLibXML2
import CMagic
import COpusEnc
import Foundation
@testable import HeraldMIME
import Testing

/// The system libraries link and do their job on this machine (their Debian packages are
/// installed by .ci/run and scripts/quickstart).
@Suite struct CLibrariesTests {
    @Test func cmarkGFMRendersMarkdown() throws {
        let input = "*x*"
        let html = try #require(cmark_markdown_to_html(input, input.utf8.count, 0))
        defer { free(html) }
        #expect(String(cString: html) == "<p><em>x</em></p>\n")
        #expect(String(cString: cmark_version_string()).hasPrefix("0.29"))
    }

    @Test func libxml2ParsesHTML() throws {
        let input = Array("<p>a&nbsp;b".utf8)
        let document = try #require(input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                htmlReadMemory($0.baseAddress, Int32($0.count), nil, "UTF-8", Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue))
            }
        })
        defer { xmlFreeDoc(document) }
        let root = try #require(xmlDocGetRootElement(document))
        #expect(String(cString: root.pointee.name) == "html")
    }

    @Test func libmagicDetectsTypesFromBytes() throws {
        let cookie = try #require(magic_open(MAGIC_MIME_TYPE))
        defer { magic_close(cookie) }
        #expect(magic_load(cookie, nil) == 0)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]
        let pdf = Array("%PDF-1.4\n%\u{E2}\u{E3}\n1 0 obj\n<<>>\nendobj\n".utf8)
        for (bytes, expected) in [(png, "image/png"), (pdf, "application/pdf")] {
            let type = bytes.withUnsafeBytes { magic_buffer(cookie, $0.baseAddress, $0.count) }
            #expect(type.map { String(cString: $0) } == expected)
        }
    }

    @Test func libcurlSpeaksSMTPOverTLS() throws {
        let info = try #require(herald_curl_version_info())
        var protocols: [String] = []
        var entry = info.pointee.protocols
        while let name = entry?.pointee {
            protocols.append(String(cString: name))
            entry = entry?.advanced(by: 1)
        }
        #expect(protocols.contains("smtp") && protocols.contains("smtps") && protocols.contains("https"))
        #expect(info.pointee.features & CURL_VERSION_SSL != 0)
    }

    /// libopusenc, and the shim's fixed-argument wrapper of its variadic ctl: a bitrate is set,
    /// a negative one refused with libopusenc's own code.
    @Test func libopusencTakesItsSettingsThroughTheShim() throws {
        #expect(String(cString: ope_get_version_string()).hasPrefix("libopusenc"))
        let comments = try #require(ope_comments_create())
        defer { ope_comments_destroy(comments) }
        var error: Int32 = 0
        let encoder = try #require(ope_encoder_create_pull(comments, 48_000, 1, 0, &error))
        defer { ope_encoder_destroy(encoder) }
        #expect(herald_ope_set_bitrate(encoder, 24_000) == OPE_OK)
        #expect(herald_ope_set_bitrate(encoder, -5) == OPE_BAD_ARG)
    }

    /// GMime 3 parses a message: an RFC 2047 subject decoded, the References list, and a
    /// quoted-printable ISO-8859-1 part converted to UTF-8 by g_mime_text_part_get_text.
    @Test func gmimeParsesAMessage() throws {
        // GMime's setup is not thread-safe (an unguarded counter), and this test can run while
        // another suite's parser sets GMime up: go through HeraldMIME's once-only setup.
        GMimeLibrary.ensureInitialized()
        let raw = "Subject: =?ISO-8859-1?Q?Caf=E9?=\r\nReferences: <a@x> <b@y>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nd=E9j=E0 vu\r\n"
        let bytes = Array(raw.utf8)
        let stream = try #require(bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count) }
        })
        defer { g_object_unref(stream) }
        let parser = try #require(g_mime_parser_new_with_stream(stream))
        defer { g_object_unref(parser) }
        let message = try #require(g_mime_parser_construct_message(parser, nil))
        defer { g_object_unref(message) }
        #expect(String(cString: try #require(g_mime_message_get_subject(message))) == "Café")
        let references = try #require(g_mime_references_parse(nil, g_mime_object_get_header(herald_gmime_message_object(message), "References")))
        defer { g_mime_references_free(references) }
        #expect(g_mime_references_length(references) == 2)
        #expect(String(cString: try #require(g_mime_references_get_message_id(references, 1))) == "b@y")
        let body = try #require(g_mime_message_get_mime_part(message))
        #expect(herald_gmime_as_part(body) != nil && herald_gmime_as_multipart(body) == nil)
        let text = try #require(g_mime_text_part_get_text(UnsafeMutableRawPointer(body).assumingMemoryBound(to: GMimeTextPart.self)))
        defer { g_free(text) }
        #expect(String(cString: text) == "déjà vu\r\n")
    }
}
