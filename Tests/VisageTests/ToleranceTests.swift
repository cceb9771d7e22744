import Foundation
import Testing
import VisageClustering
import VisageReferences
import VisageStorage

/// Seed 003's tolerance on the lite pack: 0.6 is the embedder's same-person threshold, and the
/// match rates at 0.5, 0.6 and 0.7 on testdata/faces_identity (docs/API.md prints them).
@Suite struct ToleranceTests {
    static let scale = ToleranceScale(samePersonSimilarity: ClusteringParameters.forModel("MobileFaceNet_paddlex_128d").samePersonSimilarity)

    @Test func sixTenthsIsTheSamePersonThreshold() {
        #expect(abs(Self.scale.distance(similarity: 0.45) - 0.6) < 1e-12)
        #expect(abs(Self.scale.similarity(tolerance: 0.6) - 0.45) < 1e-12)
        #expect(Self.scale.distance(similarity: 1) == 0)
        // Stricter and looser as in distance: 0.5 needs more similarity, 0.7 less.
        #expect(Self.scale.similarity(tolerance: 0.5) > 0.45 && Self.scale.similarity(tolerance: 0.7) < 0.45)
        for tolerance in stride(from: 0.0, through: 1.0, by: 0.1) {
            #expect(abs(Self.scale.distance(similarity: Self.scale.similarity(tolerance: tolerance)) - tolerance) < 1e-9)
        }
        #expect(ToleranceScale.confidence(distance: 0.25) == 0.75 && ToleranceScale.confidence(distance: 1.3) == 0)
    }

    /// References: the first three photos (by path) of each person with at least five. Queries:
    /// their other photos (should match their person) and every photo of the people without
    /// references (should match nobody).
    @Test func matchRatesAtHalfSixAndSevenTenths() throws {
        var faces: [(identity: String, path: String, embedding: [Float])] = []
        for line in FacesIdentity.lines {
            guard let path = line["path"] as? String, let identity = FacesIdentity.identityOf[path],
                let face = FaceRecord.faces(line).max(by: { $0.area < $1.area })
            else { continue }
            faces.append((identity, path, face.embedding))
        }
        faces.sort { $0.path < $1.path }
        let byPerson = Dictionary(grouping: faces, by: \.identity)
        let referenced = byPerson.filter { $0.value.count >= 5 }
        var references: [ReferenceFace] = []
        for (identity, photos) in referenced {
            for photo in photos.prefix(3) {
                references.append(
                    ReferenceFace(
                        id: Int64(references.count + 1), personName: identity, embedding: photo.embedding,
                        embeddingModel: "m", referenceImagePath: photo.path, box: nil, sourceFaceID: nil, quality: nil,
                        isActive: true, createdAt: Date(), updatedAt: Date()))
            }
        }
        let matcher = ReferenceMatcher(references: references, model: "m", scale: Self.scale)
        let known = referenced.values.flatMap { $0.dropFirst(3) }
        let strangers = byPerson.filter { $0.value.count < 5 }.values.flatMap { $0 }
        var rates: [Double: (right: Double, wrong: Double, stranger: Double)] = [:]
        for tolerance in [0.5, 0.6, 0.7] {
            let answers = known.map { matcher.nearest($0.embedding).flatMap { $0.distance <= tolerance ? $0.personName : nil } }
            let right = zip(known, answers).filter { $0.0.identity == $0.1 }.count
            let wrong = zip(known, answers).filter { $0.1 != nil && $0.0.identity != $0.1 }.count
            let strangerMatches = strangers.filter { (matcher.nearest($0.embedding)?.distance ?? 9) <= tolerance }.count
            rates[tolerance] = (
                Double(right) / Double(known.count), Double(wrong) / Double(known.count), Double(strangerMatches) / Double(strangers.count)
            )
            print(
                "tolerance \(tolerance): \(right)/\(known.count) photos of \(referenced.count) referenced people matched their person, "
                    + "\(wrong) another; \(strangerMatches)/\(strangers.count) photos of \(byPerson.count - referenced.count) other people matched someone"
            )
        }
        #expect(rates[0.6]!.right >= 0.9 && rates[0.6]!.wrong == 0 && rates[0.6]!.stranger <= 0.05)
        #expect(rates[0.5]!.right <= rates[0.6]!.right && rates[0.6]!.right <= rates[0.7]!.right)
        #expect(rates[0.5]!.stranger <= rates[0.6]!.stranger && rates[0.6]!.stranger <= rates[0.7]!.stranger)
    }
}
