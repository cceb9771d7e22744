import Foundation
import Testing
import VisageClustering
import VisageImaging
import VisageRecognition

/// Seed 004's batch extraction on real photos: deduplication across a batch, best face kept,
/// aligned 160x160 headshots, one bad image failing alone.
@Suite struct FaceExtractionTests {
    static let people = ["Angelina_Jolie", "Barack_Obama", "Katy_Perry"]

    static func loaders(_ paths: [String]) -> [@Sendable () throws -> DecodedImage] {
        paths.map { path in { try ImageDecoder().decode(.file(path), maxSide: 4096) } }
    }

    @Test func threePeopleGiveAboutThreeUniqueFaces() throws {
        let paths = FacesIdentity.identityOf.filter { Self.people.contains($0.value) }.keys.sorted()
        let corrupt = CLI.testdata.appendingPathComponent("formats/corrupt/sharp_truncated.jpg").path
        let extractor = FaceExtractor(analyzer: TestServices.analyzer, workers: 2)
        // The default threshold of `POST /extract-faces` with the lite pack: its same-person one.
        let threshold = ClusteringParameters.forModel(TestServices.analyzer.embeddingModelName).samePersonSimilarity
        #expect(threshold == 0.45)
        let result = try extractor.extract(Self.loaders(paths + [corrupt]), similarityThreshold: threshold, minFaceSize: 20)
        print(
            "extract-faces at \(threshold), \(paths.count) photos of 3 people: \(result.totalFacesDetected) faces, \(result.faces.count) unique; occurrences \(result.faces.map(\.occurrences))"
        )
        #expect(result.imagesProcessed == paths.count)
        #expect(result.imageErrors[paths.count]?.code == "image_truncated")
        // The three people, plus possibly a bystander or two seen once.
        let recurring = result.faces.filter { $0.occurrences >= 3 }
        #expect(recurring.count == 3, "\(result.faces.map(\.occurrences))")
        #expect(result.faces.count <= 6)
        #expect(result.faces.reduce(0) { $0 + $1.occurrences } == result.totalFacesDetected)
        for face in result.faces {
            let header = try ImageDecoder().header(.file(try Self.write(face.headshotJPEG)))
            #expect(header.format == "jpeg" && header.width == 160 && header.height == 160)
        }
        // The representative is the best face of its group.
        #expect(result.faces.map(\.quality) == result.faces.map(\.quality).sorted(by: >))
    }

    @Test func deduplicationKeepsTheBestFaceNotTheFirst() throws {
        let a: [Float] = [1, 0, 0], nearA: [Float] = [0.96, 0.28, 0], b: [Float] = [0, 1, 0]
        let groups = try FaceDeduplication(threshold: 0.9).groups([
            DeduplicationCandidate(embedding: a, quality: 0.2),
            DeduplicationCandidate(embedding: b, quality: 0.5),
            DeduplicationCandidate(embedding: nearA, quality: 0.9),
        ])
        #expect(groups == [[2, 0], [1]])
    }

    static func write(_ data: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("headshot-\(UUID().uuidString).jpg")
        try data.write(to: url)
        return url.path
    }
}
