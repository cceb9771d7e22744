import VisageCore

/// `REQUEST_TIMEOUT` (seed 004) for a whole request's work.
enum RequestTimeout {
    /// The work's result, or `request_timeout` (408) after `seconds`. Work already running on
    /// the executor finishes in the background; its result is dropped.
    static func run<T: Sendable>(_ seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw VisageError(.requestTimeout, "the request took longer than REQUEST_TIMEOUT (\(seconds) s)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
