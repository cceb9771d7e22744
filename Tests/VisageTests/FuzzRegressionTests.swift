import Foundation
import Testing
import visage_fuzz

/// Every committed fuzz input replayed through its target, without sanitizers: the seed corpus
/// (Fuzz/corpus) and the regressions (Fuzz/regressions: inputs that once crashed a target or ran
/// too long). A crash ends the test process; a slow input fails its target.
@Suite struct FuzzRegressionTests {
    static let fuzz = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: FuzzTarget) -> [URL] {
        CorpusFiles.list(fuzz.appendingPathComponent(folder).appendingPathComponent(target.rawValue).path)
    }

    @Test(arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let seeds = Self.inputs("corpus", target)
        #expect(!seeds.isEmpty, "Fuzz/corpus/\(target.rawValue) has no seeds")
        for file in seeds + Self.inputs("regressions", target) {
            let start = ContinuousClock.now
            target.run(try Data(contentsOf: file))
            // scripts/fuzz.sh's limit (10 s, under sanitizers): generous for a debug build
            // beside the rest of the suite on 2 cores, and far below a slow input's minutes.
            #expect(ContinuousClock.now - start < .seconds(10), "\(file.lastPathComponent) took too long")
        }
    }
}
