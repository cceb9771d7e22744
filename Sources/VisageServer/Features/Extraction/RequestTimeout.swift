import VisageCore

/// `REQUEST_TIMEOUT` (seed 004) for a whole request's work: downloads and analysis together.
enum RequestTimeout {
    /// The work's result, or `request_timeout` (408) at the request's deadline (or `seconds` from
    /// now outside a request). The caller is answered at the deadline; the work is cancelled, and
    /// what already runs on the blocking queue finishes in the background with its result dropped.
    static func run<T: Sendable>(_ seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let deadline =
            RequestDeadline.current
            ?? RequestDeadline.Deadline(instant: .now + .milliseconds(Int64(seconds * 1000)), seconds: seconds)
        return try await RequestDeadline.race(deadline, work)
    }
}
