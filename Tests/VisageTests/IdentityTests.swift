import Foundation
import Testing

/// Verification quality on testdata/faces_identity: same-person pairs must score higher than
/// different-person pairs (ROC AUC over all pairs, largest face per photo).
@Suite struct IdentityTests {
    @Test func sameVersusDifferentPersonAUC() throws {
        let identityOf = FacesIdentity.identityOf
        var embeddings: [(identity: String, vector: [Float])] = []
        for line in FacesIdentity.lines {
            guard let path = line["path"] as? String, let identity = identityOf[path],
                let face = FaceRecord.faces(line).max(by: { $0.area < $1.area })
            else { continue }
            embeddings.append((identity, face.embedding))
        }
        #expect(embeddings.count >= identityOf.count * 9 / 10, "faces found in only \(embeddings.count) of \(identityOf.count) photos")
        var same: [Float] = [], different: [Float] = []
        for i in 0..<embeddings.count {
            for j in (i + 1)..<embeddings.count {
                let score = cosine(embeddings[i].vector, embeddings[j].vector)
                if embeddings[i].identity == embeddings[j].identity { same.append(score) } else { different.append(score) }
            }
        }
        let auc = rocAUC(positives: same, negatives: different)
        print("faces_identity: \(embeddings.count) faces, \(same.count) same / \(different.count) different pairs, ROC AUC \(auc)")
        #expect(auc >= 0.99)
    }
}

/// Probability that a random positive scores above a random negative (ties count half).
func rocAUC(positives: [Float], negatives: [Float]) -> Double {
    let sortedNegatives = negatives.sorted()
    var wins = 0.0
    for score in positives {
        var low = 0, high = sortedNegatives.count
        while low < high { let mid = (low + high) / 2; if sortedNegatives[mid] < score { low = mid + 1 } else { high = mid } }
        var equalEnd = low
        while equalEnd < sortedNegatives.count && sortedNegatives[equalEnd] == score { equalEnd += 1 }
        wins += Double(low) + Double(equalEnd - low) / 2
    }
    return wins / Double(max(1, positives.count * negatives.count))
}
