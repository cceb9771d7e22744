import Foundation
import VisageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// getaddrinfo, the resolver SwiftNIO connects with, so the addresses checked are the addresses
/// the connection will choose from (the connection guard in `AddressGate` covers the rest).
enum HostResolver {
    /// All addresses `host` resolves to. getaddrinfo blocks and cannot be interrupted, so it runs
    /// on a Dispatch thread and a cancelled caller (the download deadline) returns at once,
    /// leaving the lookup to finish on its own.
    static func resolve(_ host: String) async throws -> [IPAddress] {
        let pending = PendingLookup()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pending.start(continuation)
                DispatchQueue.global().async { pending.finish(Result { try lookup(host) }) }
            }
        } onCancel: {
            pending.finish(.failure(CancellationError()))
        }
    }

    private static func lookup(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            throw VisageError(.urlUnreachable, "could not resolve host \(host): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry?.pointee {
            if let socketAddress = info.ai_addr {
                if info.ai_family == AF_INET {
                    let raw = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    if let address = withUnsafeBytes(of: raw, { IPAddress(bytes: Array($0)) }) { addresses.append(address) }
                } else if info.ai_family == AF_INET6 {
                    let raw = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    if let address = withUnsafeBytes(of: raw, { IPAddress(bytes: Array($0)) }) { addresses.append(address) }
                }
            }
            entry = info.ai_next
        }
        guard !addresses.isEmpty else { throw VisageError(.urlUnreachable, "host \(host) has no IP address") }
        return addresses
    }
}

/// Resumes a continuation exactly once, whichever of the lookup and the cancellation comes first.
private final class PendingLookup: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<[IPAddress], Error>?
    private var early: Result<[IPAddress], Error>?
    private var done = false

    func start(_ continuation: CheckedContinuation<[IPAddress], Error>) {
        lock.lock()
        if let early {
            done = true
            lock.unlock()
            continuation.resume(with: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func finish(_ result: Result<[IPAddress], Error>) {
        lock.lock()
        guard !done else { lock.unlock(); return }
        guard let continuation else {
            // Cancelled before the continuation existed: `start` resumes with this.
            if early == nil { early = result }
            lock.unlock()
            return
        }
        done = true
        self.continuation = nil
        lock.unlock()
        continuation.resume(with: result)
    }
}
