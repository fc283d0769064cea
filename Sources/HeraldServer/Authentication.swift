import HeraldInbox
import HTTPTypes
import Hummingbird

/// Who a request acts as, from one of two credentials:
///
/// - a bearer API token (`herald inbox token create`, or POST /api/v1/tokens): the token's ID
///   finds it, its secret's SHA-256 is compared in constant time; a revoked token or one whose
///   agent is gone lets nobody in;
/// - the session cookie a password sign-in set (`herald_session`, HttpOnly, SameSite=Strict).
///   A request that can change something (any method but GET, HEAD, OPTIONS) must also carry
///   the session's CSRF token in `X-CSRF-Token`, or it is refused (403) before it runs: a page
///   of another site can make a browser send the cookie, not read the token.
///
/// A bearer token wins over a cookie (a script's header says what it means). Missing or refused:
/// 401, one problem for every reason (it does not say which). Then the caller's rate limit.
struct Authentication: RouterMiddleware {
    typealias Context = ServerContext
    let store: any InboxStore
    let signIn: SignIn
    let rateLimiter: RateLimiter?

    static let cookieName = "herald_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        let caller: String
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", let presented = APIToken.parse(parts[1].trimmingCharacters(in: .whitespaces)),
                  let (token, agent) = try await store.tokenAndAgent(presented.id), token.admits(secret: presented.secret) else {
                throw Problem.unauthenticated("the API token is not valid (unknown, mistyped or revoked)")
            }
            context.agent = token.agent
            context.signedIn = agent
            caller = "token:" + token.id
        } else if let cookie = request.cookies[Self.cookieName] {
            guard let session = try await signIn.session(cookie: cookie.value) else {
                throw Problem.unauthenticated("the session has ended (signed out, expired, or the password changed); sign in again")
            }
            if ![.get, .head, .options].contains(request.method), !session.admits(csrfToken: request.headers[Self.csrfHeader]) {
                throw Problem(type: "urn:herald:problem:csrf", title: "Missing CSRF token", status: 403,
                              detail: "a signed-in request that changes something needs the session's CSRF token in X-CSRF-Token "
                                + "(given by POST /api/v1/session and GET /api/v1/session)")
            }
            context.agent = session.agent
            context.session = session
            caller = "session:" + session.id
        } else {
            throw Problem.unauthenticated("this route needs a signed-in agent (POST /api/v1/session) or an API token: Authorization: Bearer herald_…")
        }
        if let rateLimiter, let wait = await rateLimiter.admit(caller) {
            throw Problem.rateLimited(retryAfter: wait, detail: "more than \(rateLimiter.rule.description) from this token or session")
        }
        return try await next(request, context)
    }
}
