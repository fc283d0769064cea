import Foundation
import Herald
import HeraldInbox
import Hummingbird

/// An RFC 9457 problem: what every error answer of the API is (`application/problem+json`).
/// `type` names the kind (`urn:herald:problem:conflict`), `title` says it in words, `detail` is
/// the error's one line, `field` the request field at fault when there is one.
public struct Problem: Error, Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var field: String?
    /// 429: the seconds to wait (also in the Retry-After header).
    public var retryAfter: Int?

    public init(type: String, title: String, status: Int, detail: String, field: String? = nil, retryAfter: Int? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.field = field
        self.retryAfter = retryAfter
    }

    /// The one mapping from an error category to an HTTP status (the CLI's is `ExitStatus.of`).
    public static func status(of category: HeraldError.Category) -> Int {
        switch category {
        case .usage: return 400
        case .input: return 422
        case .conflict: return 409
        case .notFound: return 404
        case .unauthorized: return 403
        case .io: return 503
        case .delivery: return 502
        }
    }

    static func title(of category: HeraldError.Category) -> String {
        switch category {
        case .usage: return "Bad request"
        case .input: return "Invalid value"
        case .conflict: return "Conflict with the current state"
        case .notFound: return "Not found"
        case .unauthorized: return "Not allowed"
        case .io: return "Storage unavailable"
        case .delivery: return "Delivery failed"
        }
    }

    /// A problem of one of Herald's error categories.
    public init(_ category: HeraldError.Category, _ detail: String, field: String? = nil) {
        self.init(type: "urn:herald:problem:\(category.rawValue)", title: Self.title(of: category), status: Self.status(of: category),
                  detail: detail, field: field)
    }

    /// No token, or one that lets nobody in (401: the caller is not known, unlike 403).
    static func unauthenticated(_ detail: String) -> Problem {
        Problem(type: "urn:herald:problem:unauthenticated", title: "Not signed in", status: 401, detail: detail)
    }

    static func rateLimited(retryAfter: Int, detail: String) -> Problem {
        Problem(type: "urn:herald:problem:rateLimited", title: "Too many requests", status: 429,
                detail: "\(detail); wait \(retryAfter) s", retryAfter: retryAfter)
    }

    static func noRoute(_ method: String, _ path: String) -> Problem {
        Problem(type: "urn:herald:problem:noRoute", title: "Not found", status: 404, detail: "no route \(method) \(path); see /api/v1/openapi.json")
    }

    static func tooLarge(limit: Int) -> Problem {
        Problem(type: "urn:herald:problem:tooLarge", title: "Request body too large", status: 413,
                detail: "the request body is larger than \(limit) bytes, the most this server accepts")
    }

    /// Any error that reached the top of a request, as a problem: Herald's family by category
    /// (with the inbox's field), a body that did not decode (400 for JSON that is not JSON, 422
    /// with the field for a value of the wrong kind), Hummingbird's own statuses; anything else
    /// is a 500 that says nothing of the inside.
    static func from(_ error: any Error, request: Request, bodyLimit: Int) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as InboxError:
            return Problem(error.category, error.message, field: error.field)
        case let error as any CategorizedError:
            return Problem(error.category, error.description)
        case let error as DecodingError:
            return decoding(error)
        case let error as any HTTPResponseError:
            switch error.status.code {
            case 404: return noRoute(request.method.rawValue, request.uri.path)
            case 413: return tooLarge(limit: bodyLimit)
            case 405: return Problem(type: "urn:herald:problem:noRoute", title: "Method not allowed", status: 405,
                                     detail: "\(request.method.rawValue) is not allowed on \(request.uri.path); see /api/v1/openapi.json")
            default:
                return Problem(type: "urn:herald:problem:http", title: error.status.reasonPhrase, status: error.status.code, detail: error.status.reasonPhrase)
            }
        default:
            return Problem(type: "urn:herald:problem:internal", title: "Internal error", status: 500, detail: "the server failed to answer this request")
        }
    }

    private static func decoding(_ error: DecodingError) -> Problem {
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String? {
            let keys = (codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? nil : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath, key) ?? key.stringValue
            return Problem(.input, "the request has no \(field); it is required", field: field)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return Problem(.input, "\(field ?? "the body") must be \(describe(type))", field: field)
        case .dataCorrupted(let context):
            if let field = path(context.codingPath) {
                return Problem(.input, "\(field): \(context.debugDescription)", field: field)
            }
            return Problem(.usage, "the request body is not JSON: \(context.debugDescription)")
        @unknown default:
            return Problem(.usage, "the request body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is [String].Type: return "a list of strings"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Double.Type: return "a number"
        case is [String: String].Type: return "an object of strings"
        default: return "an object"
        }
    }

    func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        // A webhook's 401 asks for the provider's signature, not for a bearer token.
        if status == 401 && type != "urn:herald:problem:badSignature" { headers[.wwwAuthenticate] = "Bearer realm=\"herald\"" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let data = (try? JSON.encoder.encode(self)) ?? Data()
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error of a request into its problem answer. The outermost middleware of the
/// router: it also answers routes that do not exist.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let bodyLimit: Int

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error, request: request, bodyLimit: bodyLimit)
            if problem.status == 500 { context.logger.error("\(request.method) \(request.uri.path): \(error)") }
            return problem.response()
        }
    }
}

enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
