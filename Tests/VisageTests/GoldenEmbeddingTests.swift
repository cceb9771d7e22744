import Foundation
import Testing

/// Embeddings must agree with an independent reference pipeline (Python, OpenCV, ONNX Runtime;
/// scripts/reference/) run once on the same models and committed as Fixtures/golden_lite.json.
/// Agreement to cosine 0.999 means decoding, detection, alignment and normalisation all match.
@Suite struct GoldenEmbeddingTests {
    struct Golden: Decodable {
        struct Image: Decodable {
            let path: String
            let width: Int
            let height: Int
            let faces: [Face]
        }
        struct Face: Decodable {
            let bbox: [Double]
            let landmarks: [String: [Double]]
            let embedding: [Float]
        }
        let images: [Image]
    }

    @Test func embeddingsMatchReferencePipeline() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/golden_lite", withExtension: "json"))
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
        let paths = golden.images.map { CLI.shared.appendingPathComponent($0.path).path }
        let result = CLI.analyze(paths, extra: ["--embeddings"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.jsonLines
        try #require(lines.count == golden.images.count)
        var worst: Float = 1
        for (expected, line) in zip(golden.images, lines) {
            #expect(line["width"] as? Int == expected.width && line["height"] as? Int == expected.height, "\(expected.path): size")
            let faces = FaceRecord.faces(line)
            for reference in expected.faces {
                let referenceBox = reference.bbox
                let match = faces.max { iou($0.box, referenceBox) < iou($1.box, referenceBox) }
                guard let match, iou(match.box, referenceBox) > 0.9 else {
                    Issue.record("\(expected.path): no face matches reference box \(referenceBox)")
                    continue
                }
                let similarity = cosine(match.embedding, reference.embedding)
                worst = min(worst, similarity)
                #expect(similarity >= 0.999, "\(expected.path): cosine \(similarity) to the reference embedding")
            }
        }
        print("golden embeddings: worst cosine \(worst)")
    }
}

func iou(_ a: [Double], _ b: [Double]) -> Double {
    let w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    let h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    guard w > 0, h > 0 else { return 0 }
    return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)
}
