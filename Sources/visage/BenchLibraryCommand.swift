import ArgumentParser
import Foundation
import VisageCore
import VisageImaging
import VisageSQLite
import VisageStorage

/// Fills a data directory with a synthetic library for the web UI's benchmark
/// (scripts/bench_ui.py): `--people` people with `--faces` faces between them, one face per
/// image, each image a real photo (so crops decode real files), embeddings scattered around each
/// person's centre, the first `--named` people named. Written through the store's own
/// transactions, as recognition writes, without running the models.
struct BenchLibraryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-library",
        abstract: "Fill a data directory with a synthetic library of people (for the web UI benchmark).")

    @OptionGroup var data: DataOptions

    @Option(help: "Faces in all.")
    var faces: Int = 10_000

    @Option(help: "People the faces belong to (sizes fall off like a real library's: a few large, many small).")
    var people: Int = 500

    @Option(help: "How many of the people are named.")
    var named: Int = 250

    @Option(help: "Embedding model name to store (the served pack's, so the server indexes the faces).")
    var model: String = "MobileFaceNet_paddlex_128d"

    @Option(help: "Embedding dimensions.")
    var dimensions: Int = 128

    @Argument(help: "Photos to use as the images (each face's box is the photo's central square).")
    var photos: [String]

    func validate() throws {
        guard faces > 0, people > 0, people <= faces, (0...people).contains(named), dimensions > 0, !photos.isEmpty else {
            throw ValidationError("need faces >= people > 0, 0 <= named <= people, dimensions > 0 and at least one photo")
        }
    }

    func run() throws {
        let store = try data.openStore()
        let decoder = ImageDecoder()
        let sources = try photos.map { path -> (path: String, width: Int, height: Int) in
            let header = try decoder.header(.file(path))
            return (path, header.width, header.height)
        }
        var random = VectorSource(seed: 7)
        let centers = (0..<people).map { _ in random.unitVector(dimensions) }
        // Zipf-like sizes: person i gets a share proportional to 1/(i+1), at least one face.
        let weights = (0..<people).map { 1.0 / Double($0 + 1) }
        let total = weights.reduce(0, +)
        var sizes = weights.map { max(1, Int(Double(faces - people) * $0 / total) + 1) }
        sizes[0] += faces - sizes.reduce(0, +)
        let start = Date()
        var faceNumber = 0
        for (person, size) in sizes.enumerated() {
            try store.transaction { tx in
                var faceIDs: [Int64] = []
                for _ in 0..<max(1, size) {
                    let source = sources[faceNumber % sources.count]
                    let side = Double(min(source.width, source.height)) / 2
                    let box = BoundingBox(
                        x: Double(source.width) / 2 - side / 2, y: Double(source.height) / 2 - side / 2, width: side, height: side)
                    let face = NewFace(
                        box: box, confidence: 0.9, embedding: random.near(centers[person], amplitude: 0.05),
                        quality: 0.5 + 0.5 * Double(faceNumber % 7) / 7)
                    let saved = try tx.saveAnalysis(
                        imageID: "bench-\(faceNumber)", path: source.path, width: source.width, height: source.height,
                        orientation: 1, contentHash: nil, faces: [face], model: model)
                    faceIDs.append(contentsOf: saved.faces.map(\.id))
                    faceNumber += 1
                }
                let cluster = try tx.createCluster(model: model, name: person < named ? String(format: "Person %04d", person + 1) : nil)
                try tx.assign(faceIDs: faceIDs, toCluster: cluster.id)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print(#"{"faces": \#(faceNumber), "people": \#(people), "named": \#(named), "seconds": \#(String(format: "%.1f", seconds))}"#)
    }
}
