import Hummingbird

/// One feature's routes (people, face database, extraction, ...), holding only the dependencies
/// its handlers use. The application mounts each under a router group, where the group's error
/// body style, and later its API-key scope checks, apply as group middleware.
protocol FeatureRoutes: Sendable {
    /// The routes, with paths relative to where they are mounted.
    func routes() -> RouteCollection<VisageRequestContext>
}

extension RouterMethods where Context == VisageRequestContext {
    /// Adds `feature`'s routes under `path`, with errors written in `style` and each route's
    /// API-key scope (`RouteScopes`) checked under `access`.
    @discardableResult
    func mount(
        _ feature: some FeatureRoutes, at path: RouterPath = "", errors style: ErrorBodyStyle = .standard,
        access: AccessControl
    ) -> Self {
        group(path).add(middleware: ErrorMiddleware(style: style)).add(middleware: AccessMiddleware(control: access, style: style))
            .addRoutes(feature.routes())
        return self
    }
}
