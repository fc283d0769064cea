import CCurl
import Foundation
import HeraldMIME

/// HTTPS POST (and GET) through libcurl, for the providers' APIs (WhatsApp Cloud API, SMS gateways). One
/// client keeps its connection open between requests; it serves one request at a time.
public final class HTTPClient: @unchecked Sendable {
    public struct Response: Equatable, Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var reason: String
        /// The whole request went out before the connection failed or went quiet: the provider
        /// may have acted on it (sent the SMS) and lost only its answer.
        public var requestSent = false
        public var description: String { reason }

        public init(reason: String, requestSent: Bool = false) {
            self.reason = reason
            self.requestSent = requestSent
        }
    }

    let lock = NSLock()
    private let handle: UnsafeMutableRawPointer?
    var easyHandle: UnsafeMutableRawPointer? { handle }
    public var timeout: Int

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init(timeout: Int = 30) {
        _ = Self.globalInit
        handle = curl_easy_init()
        self.timeout = timeout
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    /// POSTs `body` with `headers` ("Name: value" lines). Credentials go in headers the caller
    /// builds and never into any error text.
    public func post(_ url: String, headers: [String], body: [UInt8]) throws -> Response {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw Failure(reason: "libcurl could not create a handle") }
        defer { herald_curl_set_pointer(handle, CURLOPT_POSTFIELDS, nil) }
        return try body.withUnsafeBytes { raw in
            herald_curl_set_long(handle, CURLOPT_POST, 1)
            herald_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            herald_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, raw.count)
            return try perform(handle, url: url, headers: headers, bodySize: raw.count)
        }
    }

    /// GETs `url` with `headers` (a WhatsApp media download): at most `maximumSize` bytes of
    /// answer — a larger one fails (libcurl stops reading it) rather than filling memory.
    public func get(_ url: String, headers: [String], maximumSize: Int) throws -> Response {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw Failure(reason: "libcurl could not create a handle") }
        herald_curl_set_long(handle, CURLOPT_HTTPGET, 1)
        herald_curl_set_long(handle, CURLOPT_MAXFILESIZE, maximumSize)
        defer { herald_curl_set_long(handle, CURLOPT_MAXFILESIZE, 0) }
        return try perform(handle, url: url, headers: headers)
    }

    /// Sends the request the caller set up on `handle` and collects the reply; leaves no pointer
    /// to this call's memory on the handle. Runs under `lock`.
    func perform(_ handle: UnsafeMutableRawPointer, url: String, headers: [String], bodySize: Int? = nil) throws -> Response {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        let collected = ResponseBody()
        herald_curl_set_string(handle, CURLOPT_URL, url)
        herald_curl_set_pointer(handle, CURLOPT_HTTPHEADER, list)
        herald_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        herald_curl_set_long(handle, CURLOPT_TIMEOUT, timeout)
        herald_curl_set_write_function(handle, writeCallback)
        herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(collected).toOpaque())
        let code = withExtendedLifetime(collected) { curl_easy_perform(handle) }
        herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, nil)
        herald_curl_set_pointer(handle, CURLOPT_HTTPHEADER, nil)
        guard code == CURLE_OK else {
            var uploaded: curl_off_t = 0
            herald_curl_get_off_t(handle, CURLINFO_SIZE_UPLOAD_T, &uploaded)
            // Connected, the body sent in full, then no (complete) answer: like an SMTP message
            // whose final dot got no reply — it may have been taken.
            let lostAnswer = [CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_OPERATION_TIMEDOUT, CURLE_PARTIAL_FILE].contains(code)
            let sent = lostAnswer && bodySize.map { Int(uploaded) >= $0 } == true
            throw Failure(reason: String(cString: curl_easy_strerror(code)), requestSent: sent)
        }
        var status = 0
        herald_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: collected.bytes)
    }
}

extension HTTPClient {
    /// A multipart/form-data field: text, or a file streamed from disk by libcurl.
    public enum FormField: Sendable {
        case text(name: String, value: String)
        case file(name: String, path: String, filename: String, contentType: String)
    }

    /// POSTs a multipart/form-data body (libcurl's mime API builds it and reads files as it sends).
    public func postForm(_ url: String, headers: [String], fields: [FormField]) throws -> Response {
        lock.lock()
        defer { lock.unlock() }
        guard let handle = easyHandle else { throw Failure(reason: "libcurl could not create a handle") }
        guard let mime = curl_mime_init(handle) else { throw Failure(reason: "libcurl could not create a form") }
        defer { curl_mime_free(mime) }
        for field in fields {
            guard let part = curl_mime_addpart(mime) else { throw Failure(reason: "libcurl could not add a form part") }
            switch field {
            case .text(let name, let value):
                curl_mime_name(part, name)
                let bytes = Array(value.utf8)
                bytes.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { _ = curl_mime_data(part, $0, buffer.count) }
                }
            case .file(let name, let path, let filename, let contentType):
                curl_mime_name(part, name)
                guard curl_mime_filedata(part, path) == CURLE_OK else { throw Failure(reason: "cannot read \(path) for upload") }
                curl_mime_filename(part, filename)
                curl_mime_type(part, contentType)
            }
        }
        herald_curl_set_pointer(handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
        defer { herald_curl_set_pointer(handle, CURLOPT_MIMEPOST, nil) }
        return try perform(handle, url: url, headers: headers)
    }
}

final class ResponseBody: @unchecked Sendable {
    var bytes: [UInt8] = []
}

/// Appends what libcurl hands over to the `ResponseBody` in the user pointer (HTTP replies, IMAP
/// command answers).
let writeCallback: herald_curl_write_function = { data, size, count, user in
    guard let data, let user else { return 0 }
    let body = Unmanaged<ResponseBody>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    body.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    return length
}

extension HTTPClient.Failure: CategorizedError { public var category: HeraldError.Category { .delivery } }
