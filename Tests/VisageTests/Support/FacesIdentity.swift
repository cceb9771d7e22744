import Foundation

/// testdata/faces_identity analysed once per test process (with embeddings) and shared by the
/// tests that need it: the run takes tens of seconds in a debug build.
enum FacesIdentity {
    /// Absolute photo path -> identity, from manifest.csv.
    static let identityOf: [String: String] = {
        let root = CLI.testdata.appendingPathComponent("faces_identity")
        let manifest = (try? String(contentsOf: root.appendingPathComponent("manifest.csv"), encoding: .utf8)) ?? ""
        var identities: [String: String] = [:]
        for row in manifest.split(whereSeparator: \.isNewline).dropFirst() {
            let columns = row.split(separator: ",", omittingEmptySubsequences: false)
            if columns.count >= 2 { identities[root.appendingPathComponent(String(columns[0])).path] = String(columns[1]) }
        }
        return identities
    }()

    /// `visage analyze --json --embeddings` over every manifest photo, one JSON object each.
    nonisolated(unsafe) static let lines: [[String: Any]] = CLI.analyze(identityOf.keys.sorted(), extra: ["--embeddings"]).jsonLines
}
