import Foundation
import HeraldInbox
import Hummingbird

/// Signing in and out of the web inbox: POST /api/v1/session checks the email and password
/// (scrypt) and sets the session cookie; GET tells the signed-in agent and the CSRF token (a page
/// loaded later asks for it); DELETE signs out and clears the cookie.
///
/// The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
/// Path=/, and Secure unless the server listens on loopback only (a browser keeps a Secure
/// cookie only over HTTPS, and a server on the network must be behind TLS).
struct SessionRoutes {
    let inbox: Inbox
    let signIn: SignIn
    let secureCookie: Bool
    let attempts: RateLimiter?
    let bodies: JSONBodies

    struct SignInBody: Decodable {
        var email: String
        var password: String
    }

    struct SessionAnswer: Encodable {
        var agent: Me
        var csrfToken: String
        var expiresAt: Date
    }

    func register(open router: Router<ServerContext>, signedIn api: RouterGroup<ServerContext>) {
        router.post("/api/v1/session") { request, _ in
            let body = try await bodies.decode(SignInBody.self, request)
            let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
            if let attempts, let wait = await attempts.admit("sign-in:" + email) {
                throw Problem.rateLimited(retryAfter: wait, detail: "too many sign-in attempts for \(email): \(attempts.rule.description)")
            }
            guard let (cookie, session) = try await signIn.signIn(email: email, password: body.password) else {
                throw Problem.unauthenticated("the email or the password is not right")
            }
            var response = try JSON.response(try await answer(session), status: .ok)
            response.setCookie(Cookie(name: Authentication.cookieName, value: cookie, maxAge: Int(session.expiresAt.timeIntervalSince(session.createdAt)),
                                      path: "/", secure: secureCookie, httpOnly: true, sameSite: .strict))
            return response
        }
        api.get("/session") { _, context in
            guard let session = context.session else {
                throw Problem(.usage, "this request came with an API token, not a signed-in session; GET /api/v1/me tells its agent")
            }
            return try JSON.response(try await answer(session))
        }
        api.delete("/session") { _, context in
            guard let session = context.session else {
                throw Problem(.usage, "this request came with an API token, not a signed-in session; revoke a token with DELETE /api/v1/tokens/{id}")
            }
            try await signIn.signOut(session.id)
            var response = Response(status: .noContent)
            response.setCookie(Cookie(name: Authentication.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookie, httpOnly: true,
                                      sameSite: .strict))
            return response
        }
    }

    private func answer(_ session: Session) async throws -> SessionAnswer {
        SessionAnswer(agent: try await Me.of(session.agent, in: inbox), csrfToken: session.csrfToken, expiresAt: session.expiresAt)
    }
}
