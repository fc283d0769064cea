import CCurl
import Foundation

/// HTTPS POST through libcurl, for the providers' APIs (WhatsApp Cloud API, SMS gateways). One
/// client keeps its connection open between requests; it serves one request at a time.
public final class HTTPClient: @unchecked Sendable {
    public struct Response: Equatable, Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer?
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
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        let collected = ResponseBody()
        let code: CURLcode = body.withUnsafeBytes { raw in
            herald_curl_set_string(handle, CURLOPT_URL, url)
            herald_curl_set_long(handle, CURLOPT_POST, 1)
            herald_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            herald_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, raw.count)
            herald_curl_set_pointer(handle, CURLOPT_HTTPHEADER, list)
            herald_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            herald_curl_set_long(handle, CURLOPT_TIMEOUT, timeout)
            herald_curl_set_write_function(handle, writeCallback)
            herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(collected).toOpaque())
            return withExtendedLifetime(collected) { curl_easy_perform(handle) }
        }
        herald_curl_set_pointer(handle, CURLOPT_WRITEDATA, nil)
        herald_curl_set_pointer(handle, CURLOPT_HTTPHEADER, nil)
        herald_curl_set_pointer(handle, CURLOPT_POSTFIELDS, nil)
        guard code == CURLE_OK else { throw Failure(reason: String(cString: curl_easy_strerror(code))) }
        var status = 0
        herald_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: collected.bytes)
    }
}

final class ResponseBody: @unchecked Sendable {
    var bytes: [UInt8] = []
}

private let writeCallback: herald_curl_write_function = { data, size, count, user in
    guard let data, let user else { return 0 }
    let body = Unmanaged<ResponseBody>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    body.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    return length
}
