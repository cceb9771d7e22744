/// At most `limit` blocking jobs at once; later callers wait their turn, first come first served.
/// Without it every concurrent request would hold a decoded image and a thread of its own, and
/// memory under load would grow with the number of clients instead of the number of cores.
actor WorkLimit {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot straight to the next waiter, if any.
    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
