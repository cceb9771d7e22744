import Foundation
import VisageClustering
import VisageCore
import VisageImaging
import VisageRecognition
import VisageStorage

/// BCubed scores of one set: people as answered (after every photo was posted), after a
/// recluster, and Immich's algorithm on the same embeddings in the same order.
public struct PeopleBenchResult: Sendable, CustomStringConvertible {
    public var photos: Int
    /// Photos whose main face was found (the others are not scored).
    public var mainFacesFound: Int
    public var faces: Int
    public var immich: BCubedScore
    public var answered: BCubedScore
    public var reclustered: BCubedScore

    public var description: String {
        func row(_ name: String, _ s: BCubedScore) -> String {
            String(format: "  %-22@ precision %.3f  recall %.3f  F1 %.3f", name as NSString, s.precision, s.recall, s.f1)
        }
        return [
            "main face found in \(mainFacesFound) of \(photos) photos; \(faces) faces stored",
            row("Immich (same faces)", immich), row("Visage as answered", answered), row("Visage after recluster", reclustered),
        ]
        .joined(separator: "\n")
    }
}

/// Posts a set's photos to a recognition service in a seeded random order, the way a photo
/// manager would, and scores the people it builds.
public enum PeopleBenchmark {
    /// - Parameter record: called with every face as it is stored, and its true person when it
    ///   is the photo's main face (for `--dump`).
    public static func run(
        _ photos: [BenchPhoto], service: RecognitionService, seed: UInt64,
        record: (BenchPhoto, RecognizedFace, String?) throws -> Void = { _, _, _ in }
    ) throws -> PeopleBenchResult {
        var random = BenchRandom(seed: seed)
        let ordered = photos.shuffled(using: &random)
        var truth: [Int64: String] = [:]
        let decoder = ImageDecoder()
        for photo in ordered {
            let orientation = try decoder.header(.file(photo.path)).orientation.rawValue
            let result = try service.recognize(RecognizeRequest(imageID: photo.name, imagePath: photo.path, orientation: orientation))
            let main = mainFace(of: photo, in: result)
            if let main { truth[main] = photo.identity }
            for face in result.faces { try record(photo, face, face.faceID == main ? photo.identity : nil) }
        }
        let model = service.embeddingModel
        let stored = try service.store.faces(embeddingModel: model)
        let imageOf = try service.store.imageIDs(ofFaces: stored.map(\.id))
        let nodes = stored.map { FaceNode(id: $0.id, imageID: imageOf[$0.id] ?? "", embedding: $0.embedding) }
        let immich = BCubedScore(clusters: try ImmichBaseline.cluster(nodes), truth: truth)
        let answered = BCubedScore(clusters: try clusters(service), truth: truth)
        _ = try service.recluster()
        let reclustered = BCubedScore(clusters: try clusters(service), truth: truth)
        return PeopleBenchResult(
            photos: photos.count, mainFacesFound: truth.count, faces: stored.count, immich: immich, answered: answered,
            reclustered: reclustered)
    }

    /// The face the photo is labelled for: the largest, or the one over the known box.
    static func mainFace(of photo: BenchPhoto, in result: RecognitionResult) -> Int64? {
        guard let expected = photo.face else { return result.faces.first?.faceID }
        let best = result.faces.max { overlap($0.face.detection.box, expected) < overlap($1.face.detection.box, expected) }
        guard let best, overlap(best.face.detection.box, expected) >= 0.3 else { return nil }
        return best.faceID
    }

    static func overlap(_ a: BoundingBox, _ b: BoundingBox) -> Double {
        let w = max(0, min(a.x + a.width, b.x + b.width) - max(a.x, b.x))
        let h = max(0, min(a.y + a.height, b.y + b.height) - max(a.y, b.y))
        let union = a.width * a.height + b.width * b.height - w * h
        return union > 0 ? w * h / union : 0
    }

    /// Every stored face of the model, grouped by cluster.
    static func clusters(_ service: RecognitionService) throws -> [[Int64]] {
        var groups: [String: [Int64]] = [:]
        var singles: [[Int64]] = []
        for face in try service.store.faces(embeddingModel: service.embeddingModel) {
            if let cluster = face.clusterID { groups[cluster, default: []].append(face.id) } else { singles.append([face.id]) }
        }
        return Array(groups.values) + singles
    }
}
