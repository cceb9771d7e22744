import ArgumentParser
import Foundation
import VisageCore
import VisagePeopleBench
import VisageRecognition
import VisageSQLite

/// The people benchmark (docs/CLUSTERING.md): faces_identity's photos clean and degraded, with
/// one-off strangers cropped from group photos, posted in a seeded random order; BCubed scores of
/// Visage as answered and after a recluster, and of Immich's algorithm on the same embeddings.
struct BenchPeopleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-people",
        abstract: "Score people (clustering) on clean and degraded photos against Immich's algorithm.")

    @Option(help: "The testdata folder (default: VISAGE_TESTDATA or ../shared/testdata).")
    var testdata: String?

    @Option(help: "Degraded copies of each identity photo.")
    var variants = 3

    @Option(help: "Seed of the degradations and of the posting order.")
    var seed: UInt64 = 1

    @Option(help: "Where the degraded images and manifest.csv are written.")
    var out = ".build/people-bench"

    @Option(help: "Which sets to score: clean, degraded or both.")
    var set = "both"

    @Option(help: "Also write every stored face (embedding, quality signals, true person) as JSON lines to this file.")
    var dump: String?

    @OptionGroup var data: DataOptions

    func validate() throws {
        guard (0...20).contains(variants) else { throw ValidationError("--variants must be 0 to 20") }
        guard ["clean", "degraded", "both"].contains(set) else { throw ValidationError("--set must be clean, degraded or both") }
    }

    func run() throws {
        MemoryTuning.keepLargeBuffersInHeap()
        let root = URL(fileURLWithPath: testdata ?? ProcessInfo.processInfo.environment["VISAGE_TESTDATA"] ?? "../shared/testdata")
        let analyzer: RecognitionService
        do { analyzer = try data.loadRecognition(store: try SQLiteFaceStore.inMemory()) } catch { exitWithError(error) }
        let builder = PeopleBenchBuilder(
            identityPhotos: try TestdataSources.identityPhotos(root), strangerPhotos: TestdataSources.strangerPhotos(root), variants: variants,
            seed: seed
        ) { decoded in
            try analyzer.analyzer.analyze(decoded, options: .init(embeddings: false)).map { $0.detection.box.scaled(by: decoded.scale) }
        }
        let dumper = try dump.map { try FaceDump(path: $0) }
        let sets = try builder.build(into: URL(fileURLWithPath: out, isDirectory: true))
        let strangers = sets.clean.filter { $0.identity.hasPrefix("stranger:") }.count
        print(
            "people benchmark: \(sets.clean.count - strangers) identity photos, \(strangers) strangers, seed \(seed); pack \(analyzer.embeddingModel)"
        )
        for (name, photos) in [("clean", sets.clean), ("degraded", sets.degraded)] where set == "both" || set == name {
            let service = try data.loadRecognition(store: try SQLiteFaceStore.inMemory())
            print("\(name) set (\(photos.count) photos):")
            print(try PeopleBenchmark.run(photos, service: service, seed: seed, record: dumper.map { $0.recorder(set: name) } ?? { _, _, _ in }))
        }
    }
}

/// `--dump`: one JSON object per stored face, for fitting the quality model and thresholds.
final class FaceDump {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ValidationError("can't create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func recorder(set: String) -> (BenchPhoto, RecognizedFace, String?) throws -> Void {
        { [handle] photo, face, identity in
            let quality = face.face.quality
            let line: [String: Any?] = [
                "set": set, "image": photo.name, "face_id": face.faceID, "identity": identity, "plan": photo.plan,
                "cluster": face.cluster.clusterID, "score": quality?.score, "confidence": quality?.detectorConfidence,
                "size": quality?.size, "sharpness": quality?.sharpness, "frontality": quality?.frontality,
                "norm": quality?.embeddingNorm, "embedding": face.face.embedding,
            ]
            let data = try JSONSerialization.data(withJSONObject: line.compactMapValues { $0 }, options: [.sortedKeys])
            handle.write(data + Data("\n".utf8))
        }
    }
}
