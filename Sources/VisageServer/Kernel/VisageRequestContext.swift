import Hummingbird

/// Per-request state: Hummingbird's core context plus the request id every response and log
/// line carries.
public struct VisageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// From the caller's `X-Request-ID` header, or generated.
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
    }
}
