#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread read-write lock: any number of readers at once, or one writer. Searches take the read
/// side, so queries from many request handlers scan in parallel and only upserts wait. Public for
/// the other `VectorIndex` implementations (VisageANN).
public final class ReadWriteLock: @unchecked Sendable {
    // @unchecked: the pthread lock is itself the synchronisation; its address never changes
    // because it lives in its own allocation, which Swift would not guarantee for a stored property.
    private let handle: UnsafeMutablePointer<pthread_rwlock_t>

    public init() {
        handle = .allocate(capacity: 1)
        handle.initialize(to: pthread_rwlock_t())
        let status = pthread_rwlock_init(handle, nil)
        precondition(status == 0, "pthread_rwlock_init failed: \(status)")
    }

    deinit {
        pthread_rwlock_destroy(handle)
        handle.deallocate()
    }

    public func withReadLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(handle)
        defer { pthread_rwlock_unlock(handle) }
        return try body()
    }

    public func withWriteLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(handle)
        defer { pthread_rwlock_unlock(handle) }
        return try body()
    }
}
