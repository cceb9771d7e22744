import Foundation
import Testing
import VisageCore
import VisagePostgres
import VisageStorage

/// Several processes' workers (one `PostgresStore`, so one pool, each) claiming from one queue at
/// once: every job is claimed exactly once. Without the row lock that `FOR UPDATE SKIP LOCKED`
/// takes, two claims read the same oldest row and both take it (the test then sees a job twice).
@Suite struct PostgresJobRaceTests {
    @Test func concurrentClaimsTakeEachJobOnce() throws {
        let (url, drop) = try TestPostgres.makeDatabase()
        defer { drop() }
        let processes = try (0..<4).map { _ in PostgresJobStore(store: try PostgresStore(url: url)) }
        let total = 120
        for n in 0..<total { _ = try processes[0].enqueue(NewJob(kind: "reindex", payload: #"{"n":\#(n)}"#)) }
        let claims = ClaimLog()
        DispatchQueue.concurrentPerform(iterations: 12) { thread in
            let store = processes[thread % processes.count]
            do {
                while let job = try store.claim(worker: "w\(thread)", lease: 60) {
                    claims.record(job.id)
                    try store.complete(job.lease!, result: "{}")
                }
            } catch {
                claims.record(error: error)
            }
        }
        #expect(claims.errors.isEmpty, "\(claims.errors)")
        #expect(claims.ids.count == total, "claims: \(claims.ids.count)")
        #expect(Set(claims.ids).count == total, "a job was claimed twice")
        #expect(try processes[1].jobs(state: .done, limit: 1000).count == total)
    }
}

private final class ClaimLog: @unchecked Sendable {
    // @unchecked: both arrays are only touched under `lock`.
    private let lock = NSLock()
    private var claimed: [Int64] = []
    private var failures: [String] = []

    func record(_ id: Int64) { lock.withLock { claimed.append(id) } }
    func record(error: any Error) { lock.withLock { failures.append("\(error)") } }
    var ids: [Int64] { lock.withLock { claimed } }
    var errors: [String] { lock.withLock { failures } }
}
