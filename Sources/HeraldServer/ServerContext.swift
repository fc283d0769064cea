import HeraldInbox
import Hummingbird

/// What a request carries between the middleware and the routes: who it acts as.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The agent, set by `Authentication` for every route under /api/v1 but the OpenAPI
    /// document and signing in.
    public var agent: String?
    /// The browser session the request came with (nil for a bearer token).
    public var session: Session?
    /// The agent as read when authenticating (routes that need more than the ID use it).
    public var signedIn: Agent?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        agent = nil
        session = nil
        signedIn = nil
    }

    /// The signed-in agent's ID (only routes behind `Authentication` ask).
    func requireAgent() throws -> String {
        guard let agent else { throw Problem.unauthenticated("this route needs a signed-in agent or an API token") }
        return agent
    }
}
