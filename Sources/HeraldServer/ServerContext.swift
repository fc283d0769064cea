import HeraldInbox
import Hummingbird

/// What a request carries between the middleware and the routes: the agent its token acts as.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `Authentication` for every route under /api/v1 but the OpenAPI document.
    public var agent: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        agent = nil
    }

    /// The signed-in agent's ID (only routes behind `Authentication` ask).
    func requireAgent() throws -> String {
        guard let agent else { throw Problem.unauthenticated("this route needs an API token: Authorization: Bearer herald_…") }
        return agent
    }
}

/// Bearer API tokens (`herald inbox token create`): the token's ID finds it, its secret's
/// SHA-256 is compared in constant time, a revoked token or one whose agent is gone lets nobody
/// in. Missing or refused: 401, one problem for every reason (it does not say which).
struct Authentication: RouterMiddleware {
    typealias Context = ServerContext
    let store: any InboxStore

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthenticated("this route needs an API token: Authorization: Bearer herald_… (herald inbox token create --agent ID)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let presented = APIToken.parse(parts[1].trimmingCharacters(in: .whitespaces)),
              let token = try await store.token(presented.id), token.admits(secret: presented.secret), try await store.agent(token.agent) != nil else {
            throw Problem.unauthenticated("the API token is not valid (unknown, mistyped or revoked)")
        }
        var context = context
        context.agent = token.agent
        return try await next(request, context)
    }
}
