import Foundation
import Testing

/// `visage bench-search --postgres` end to end at a tiny size: it loads the faces into a database
/// of its own, builds the index, searches through the server's path and prints recall against the
/// exact scan of the same run. Its figures are not judged here (no timed tests), only that the
/// mode runs and finds the exact neighbours of so few faces.
@Suite struct BenchSearchPostgresTests {
    @Test func thePostgresModeRunsAndPrintsRecall() throws {
        let server = try TestPostgres.server.get()
        let result = CLI.run([
            "bench-search", "--count", "500", "--dimensions", "16", "--queries", "20", "--exact-only",
            "--pg-maintenance-work-mem", "64MB", "--postgres", server.redacted,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains(" pgvec ") }, "\(result.stdout)")
        let recall = try #require(line.firstMatch(of: /recall@10 ([0-9.]+)/).flatMap { Double($0.1) }, "\(line)")
        #expect(recall >= 0.9, "\(line)")
        #expect(result.stdout.contains("maintenance_work_mem=64MB"), "\(result.stdout)")
    }
}
