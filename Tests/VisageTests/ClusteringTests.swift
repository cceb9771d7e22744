import Foundation
import Testing
import VisageClustering
import VisagePeopleBench
import VisageSearch

/// People from faces_identity: Visage's density clustering against Immich's algorithm on the
/// same real embeddings (lite pack), scored by BCubed F1 against the manifest's identities.
@Suite struct ClusteringTests {
    /// Every face of every manifest photo; the largest face of a photo carries its identity,
    /// other faces (bystanders) take part unlabelled.
    static let faces: (nodes: [FaceNode], truth: [Int64: String]) = {
        let identityOf = FacesIdentity.identityOf
        var nodes: [FaceNode] = [], truth: [Int64: String] = [:]
        for line in FacesIdentity.lines {
            guard let path = line["path"] as? String else { continue }
            let faces = FaceRecord.faces(line).sorted { $0.area > $1.area }
            for (rank, face) in faces.enumerated() {
                let id = Int64(nodes.count)
                nodes.append(FaceNode(id: id, imageID: path, embedding: face.embedding))
                if rank == 0 { truth[id] = identityOf[path] }
            }
        }
        return (nodes, truth)
    }()

    @Test func densityClusteringBeatsImmichBaseline() throws {
        let (nodes, truth) = Self.faces
        try #require(nodes.count >= 100)
        // Incremental algorithms depend on arrival order: shuffle with a fixed seed.
        var generator = SeededRandom(seed: 42)
        let shuffled = nodes.shuffled(using: &generator)
        let immich = BCubedScore(clusters: try ImmichBaseline.cluster(shuffled), truth: truth)
        let visage = BCubedScore(clusters: try DensityClustering(parameters: .forModel("MobileFaceNet_paddlex_128d")).cluster(shuffled), truth: truth)
        print("clustering faces_identity (\(nodes.count) faces): Immich \(immich); Visage \(visage)")
        #expect(visage.f1 >= immich.f1)
        #expect(visage.precision >= 0.95, "people must not be mixed up")
    }

    @Test func constraintsAreNeverBroken() throws {
        let (nodes, _) = Self.faces
        // Name two faces of different photos differently; forbid a third the first name.
        var constrained = nodes
        constrained[0].identity = "Alice"
        constrained[1].identity = "Bob"
        constrained[2].forbiddenIdentities = ["Alice"]
        let groups = try DensityClustering(parameters: .forModel("MobileFaceNet_paddlex_128d")).cluster(constrained)
        let groupOf = Dictionary(uniqueKeysWithValues: groups.enumerated().flatMap { index, ids in ids.map { ($0, index) } })
        #expect(groupOf[constrained[0].id] != groupOf[constrained[1].id])
        #expect(groupOf[constrained[0].id] != groupOf[constrained[2].id])
        for group in groups {
            let photos = group.map { id in constrained.first { $0.id == id }!.imageID }
            #expect(Set(photos).count == photos.count, "two faces of one photo in one person")
        }
    }
}

@Suite struct IncrementalAssignmentTests {
    let assignment = IncrementalAssignment(parameters: ClusteringParameters(neighborSimilarity: 0.5, minNeighbors: 2))
    let clusterOf: [Int64: String] = [1: "a", 2: "a", 3: "a", 4: "b", 5: "b"]

    func decide(_ neighbors: [(Int64, Float)], allowed: Set<String> = ["a", "b"]) -> ClusterDecision {
        assignment.decide(
            neighbors: neighbors.map { Neighbor(id: $0.0, similarity: $0.1) },
            clusterOf: { clusterOf[$0] }, clusterSize: { id in clusterOf.values.filter { $0 == id }.count },
            isAllowed: { allowed.contains($0) })
    }

    @Test func joinsThePersonMostCloseNeighboursBelongTo() {
        let decision = decide([(4, 0.9), (1, 0.8), (2, 0.7), (3, 0.6), (5, 0.4)])
        #expect(decision.clusterID == "a" && decision.consensusCount == 3)
        #expect(decision.referenceFaceIDs == [1, 2, 3])
        #expect(abs(decision.confidence - 0.7) < 1e-6)
        #expect(!decision.isNewCluster)
    }

    @Test func startsANewPersonWithoutConsensus() {
        let decision = decide([(1, 0.9), (4, 0.45), (5, 0.3)])
        #expect(decision.isNewCluster && decision.consensusCount == 0)
    }

    @Test func skipsPeopleItMayNotJoin() {
        let decision = decide([(1, 0.9), (2, 0.9), (4, 0.8), (5, 0.8)], allowed: ["b"])
        #expect(decision.clusterID == "b")
    }
}
