import Hummingbird
import VisageAccess

/// Per-request state: Hummingbird's core context plus the request id every response and log
/// line carries.
public struct VisageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// From the caller's `X-Request-ID` header, or generated.
    public var requestID: String
    /// The API key that authenticated the request, set by `AccessMiddleware`; nil on open
    /// routes and on a loopback server without keys.
    public var apiKey: AuthenticatedKey?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
    }
}
