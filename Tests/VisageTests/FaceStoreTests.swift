import Foundation
import Testing
import VisageCore
import VisageSearch
import VisageStorage

/// The `FaceStore` protocol's contract, run against every backend in `StoreBackend.withFaceStore`.
@Suite struct FaceStoreTests {
    static let model = "test_embedder_8d"

    static func face(x: Double, y: Double = 50, embedding: [Float], label: FaceLabel? = nil) -> NewFace {
        NewFace(box: BoundingBox(x: x, y: y, width: 100, height: 120), confidence: 0.9, embedding: embedding, label: label)
    }

    @discardableResult
    static func save(_ store: any FaceStore, _ imageID: String, _ faces: [NewFace], model: String = model) throws -> SavedAnalysis {
        try store.saveAnalysis(
            imageID: imageID, path: "/photos/\(imageID).jpg", width: 1600, height: 1200,
            orientation: 1, contentHash: "hash-\(imageID)", faces: faces, model: model)
    }

    static func expectClose(_ a: [Float]?, _ b: [Float]?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let a, let b, a.count == b.count else {
            Issue.record("\(String(describing: a)) vs \(String(describing: b))", sourceLocation: sourceLocation)
            return
        }
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "\(a) vs \(b)", sourceLocation: sourceLocation)
    }

    static func totalFaces(_ store: any FaceStore) throws -> Int {
        try store.read { try $0.faceCount(embeddingModel: model) }
    }

    // MARK: Summaries

    @Test(arguments: StoreBackend.withFaceStore) func coversCountsAndSummaries(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 9)
        func face(_ x: Double, confidence: Double, quality: Double?, label: FaceLabel? = nil) -> NewFace {
            NewFace(
                box: BoundingBox(x: x, y: 50, width: 100, height: 120), confidence: confidence,
                embedding: random.unitVector(8), quality: quality, label: label)
        }
        // Quality first (faces without one last), then confidence, then the lowest id.
        let a = try Self.save(
            store, "a",
            [
                face(0, confidence: 0.99, quality: nil), face(200, confidence: 0.8, quality: 0.6),
                face(400, confidence: 0.9, quality: 0.6), face(600, confidence: 0.9, quality: 0.6),
            ]
        ).faces.map(\.id)
        let b = try Self.save(
            store, "b",
            [face(0, confidence: 0.99, quality: nil), face(200, confidence: 0.7, quality: nil, label: FaceLabel(name: "Cy", source: .user))]
        ).faces.map(\.id)
        let first = try store.createCluster(model: Self.model, name: "Ann")
        let second = try store.createCluster(model: Self.model)
        let empty = try store.createCluster(model: Self.model)
        try store.assign(faceIDs: a, toCluster: first.id)
        try store.assign(faceIDs: b, toCluster: second.id)

        let covers = try store.read { try $0.coverFaceIDs() }
        #expect(covers == [first.id: a[2], second.id: b[0]])
        #expect(covers[empty.id] == nil)

        let counts = try store.read { try $0.libraryCounts() }
        #expect(counts == LibraryCounts(images: 2, faces: 6, clusters: 3, namedClusters: 1))

        let summaries = try store.read { try $0.faceSummaries(ids: [a[0], b[1], 987_654]) }
        #expect(summaries.count == 2)
        #expect(summaries[a[0]] == FaceSummary(faceID: a[0], imageID: "a", clusterID: first.id, clusterName: "Ann", labelName: nil))
        #expect(summaries[b[1]]?.name == "Cy" && summaries[b[1]]?.clusterID == second.id)
        #expect(summaries[a[0]]?.name == "Ann")
        #expect(try store.read { try $0.faceSummaries(ids: []) }.isEmpty)
    }

    // MARK: Saving analyses

    @Test(arguments: StoreBackend.withFaceStore) func saveAnalysisRoundTrips(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 1)
        let landmarks = FaceLandmarks(points: (0..<5).map { Point(x: 10 + Double($0), y: 20 + Double($0) / 2) })
        let full = NewFace(
            box: BoundingBox(x: 10.5, y: 20.25, width: 80, height: 96), confidence: 0.93,
            embedding: random.unitVector(8), landmarks: landmarks,
            pose: HeadPose(yaw: -5.5, pitch: 2, roll: 1.25), age: 41, gender: .female, quality: 0.7,
            label: FaceLabel(name: "Ann", source: .xmp))
        let bare = Self.face(x: 500, embedding: random.unitVector(8))
        let saved = try Self.save(store, "img-1", [full, bare])

        #expect(saved.faces.count == 2 && saved.removedFaceIDs.isEmpty)
        let image = try #require(try store.image(imageID: "img-1"))
        #expect(image.path == "/photos/img-1.jpg" && image.width == 1600 && image.height == 1200)
        #expect(image.orientation == 1 && image.contentHash == "hash-img-1")

        let stored = try store.faces(imageID: "img-1")
        #expect(stored.map(\.id) == saved.faces.map(\.id))
        let first = stored[0]
        #expect(first.imageRowID == image.id)
        #expect(first.box == full.box && first.landmarks == landmarks && first.pose == full.pose)
        #expect(first.age == 41 && first.gender == .female && first.confidence == 0.93 && first.quality == 0.7)
        #expect(first.embedding == full.embedding, "float32 blobs are exact")
        #expect(first.embeddingModel == Self.model && first.clusterID == nil)
        #expect(first.label == FaceLabel(name: "Ann", source: .xmp))
        #expect(stored[1].landmarks == nil && stored[1].pose == nil && stored[1].gender == nil && stored[1].label == nil)
        #expect(try store.face(id: first.id)?.embedding == full.embedding)
    }

    @Test(arguments: StoreBackend.withFaceStore) func reanalysisKeepsIdentityOnMovedFaces(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 2)
        let first = try Self.save(
            store, "img",
            [
                Self.face(x: 100, embedding: random.unitVector(8)),
                Self.face(x: 400, embedding: random.unitVector(8), label: FaceLabel(name: "Bea", source: .xmp)),
            ])
        let (ann, bea) = (first.faces[0].id, first.faces[1].id)
        let cluster = try store.createCluster(model: Self.model, name: "Ann")
        try store.assign(faceIDs: [ann], toCluster: cluster.id)
        try store.setLabel(FaceLabel(name: "Ann", source: .user), forFace: ann)
        try store.addConstraint(.cannotLink, faceID: ann, target: .person("Bob"))

        // Boxes moved by a few pixels, listed in the other order, with fresh embeddings and a
        // fresh XMP name on both.
        let annEmbedding = random.unitVector(8)
        let second = try Self.save(
            store, "img",
            [
                Self.face(x: 397, y: 53, embedding: random.unitVector(8), label: FaceLabel(name: "Beatrice", source: .xmp)),
                Self.face(x: 105, y: 48, embedding: annEmbedding, label: FaceLabel(name: "Anna", source: .xmp)),
            ])

        #expect(second.faces.map(\.id) == [bea, ann], "matched faces keep their ids")
        #expect(second.removedFaceIDs.isEmpty)
        #expect(try Self.totalFaces(store) == 2, "no duplicates")
        let annNow = try #require(try store.face(id: ann))
        #expect(annNow.box.x == 105 && annNow.embedding == annEmbedding)
        #expect(annNow.clusterID == cluster.id)
        #expect(annNow.label == FaceLabel(name: "Ann", source: .user), "a user's label beats XMP")
        #expect(try store.face(id: bea)?.label == FaceLabel(name: "Beatrice", source: .xmp), "new XMP replaces old XMP")
        #expect(try store.constraints(forFace: ann).map(\.target) == [.person("Bob")])

        let clusterNow = try #require(try store.cluster(id: cluster.id))
        #expect(clusterNow.faceCount == 1)
        Self.expectClose(clusterNow.centroid, annEmbedding)
        #expect(second.updatedClusterIDs == [cluster.id])
    }

    @Test(arguments: StoreBackend.withFaceStore) func droppedFaceIsDeletedAndItsClusterUpdated(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 3)
        let (a, b) = (random.unitVector(8), random.unitVector(8))
        let first = try Self.save(store, "img", [Self.face(x: 100, embedding: a), Self.face(x: 400, embedding: b)])
        let (keep, drop) = (first.faces[0].id, first.faces[1].id)
        let cluster = try store.createCluster(model: Self.model)
        let both = try store.assign(faceIDs: [keep, drop], toCluster: cluster.id)
        #expect(both.faceCount == 2)
        Self.expectClose(both.centroid, ClusterCentroid.of([a, b]))
        try store.addConstraint(.mustLink, faceID: keep, target: .face(drop))

        let second = try Self.save(store, "img", [Self.face(x: 102, embedding: a)])

        #expect(second.faces.map(\.id) == [keep])
        #expect(second.removedFaceIDs == [drop])
        #expect(try store.face(id: drop) == nil)
        #expect(try store.constraints(forFace: keep).isEmpty, "constraints go with the deleted face")
        let updated = try #require(try store.cluster(id: cluster.id))
        #expect(updated.faceCount == 1)
        Self.expectClose(updated.centroid, a)
        #expect(try store.faces(inCluster: cluster.id).map(\.id) == [keep])
    }

    @Test(arguments: StoreBackend.withFaceStore) func embeddingsOfAModelKeepOneLength(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 4)
        try Self.save(store, "a", [Self.face(x: 0, embedding: random.unitVector(8))])
        let error = #expect(throws: VisageError.self) {
            try Self.save(store, "b", [Self.face(x: 0, embedding: random.unitVector(4))])
        }
        #expect(error?.code == "embedding_dimension_mismatch")
        let empty = #expect(throws: VisageError.self) { try Self.save(store, "c", [Self.face(x: 0, embedding: [])], model: "other") }
        #expect(empty?.code == "embedding_dimension_mismatch")
        // Another model may have another length.
        try Self.save(store, "d", [Self.face(x: 0, embedding: random.unitVector(4))], model: "small_4d")
        #expect(try store.image(imageID: "b") == nil && store.image(imageID: "c") == nil)
    }

    // MARK: Clusters

    @Test(arguments: StoreBackend.withFaceStore) func crossModelAssignmentIsRefused(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 5)
        let mine = try Self.save(store, "a", [Self.face(x: 0, embedding: random.unitVector(8))]).faces[0]
        let theirs = try Self.save(store, "b", [Self.face(x: 0, embedding: random.unitVector(4))], model: "other_4d").faces[0]
        let cluster = try store.createCluster(model: Self.model)

        let error = #expect(throws: VisageError.self) { try store.assign(faceIDs: [mine.id, theirs.id], toCluster: cluster.id) }
        #expect(error?.code == "embedding_model_mismatch")
        #expect(try store.faces(inCluster: cluster.id).isEmpty, "nothing moves when one face is refused")
        #expect(try store.cluster(id: cluster.id)?.faceCount == 0)

        let missing = #expect(throws: VisageError.self) { try store.assign(faceIDs: [mine.id], toCluster: "cluster_000000000000") }
        #expect(missing?.code == "cluster_not_found")
        let noFace = #expect(throws: VisageError.self) { try store.assign(faceIDs: [999], toCluster: cluster.id) }
        #expect(noFace?.code == "face_not_found")
    }

    @Test(arguments: StoreBackend.withFaceStore) func reanalysisWithAnotherModelLeavesTheCluster(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 6)
        let face = try Self.save(store, "img", [Self.face(x: 0, embedding: random.unitVector(8))]).faces[0]
        let cluster = try store.createCluster(model: Self.model)
        try store.assign(faceIDs: [face.id], toCluster: cluster.id)

        let again = try Self.save(store, "img", [Self.face(x: 2, embedding: random.unitVector(4))], model: "other_4d").faces[0]
        #expect(again.id == face.id && again.clusterID == nil && again.embeddingModel == "other_4d")
        #expect(try store.cluster(id: cluster.id)?.faceCount == 0)
        #expect(try store.cluster(id: cluster.id)?.centroid == nil)
    }

    @Test(arguments: StoreBackend.withFaceStore) func moveBetweenClustersUpdatesBoth(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 7)
        let faces = try Self.save(store, "img", (0..<3).map { Self.face(x: Double($0) * 300, embedding: random.unitVector(8)) }).faces
        let first = try store.createCluster(model: Self.model), second = try store.createCluster(model: Self.model)
        try store.assign(faceIDs: faces.map(\.id), toCluster: first.id)
        try store.assign(faceIDs: [faces[2].id], toCluster: second.id)
        #expect(try store.cluster(id: first.id)?.faceCount == 2)
        #expect(try store.cluster(id: second.id)?.faceCount == 1)
        Self.expectClose(try store.cluster(id: second.id)?.centroid, faces[2].embedding)
        try store.unassign(faceIDs: [faces[0].id])
        #expect(try store.cluster(id: first.id)?.faceCount == 1)
        #expect(first.id.wholeMatch(of: /cluster_[0-9a-f]{12}/) != nil)
    }

    @Test(arguments: StoreBackend.withFaceStore) func renameCountsClustersAndFaces(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 8)
        let faces = try Self.save(store, "img", (0..<5).map { Self.face(x: Double($0) * 300, embedding: random.unitVector(8)) }).faces
        let ann1 = try store.createCluster(model: Self.model, name: "Ann")
        let ann2 = try store.createCluster(model: Self.model)
        try store.setClusterName(ann2.id, name: "  Ann ")
        let bob = try store.createCluster(model: Self.model, name: "Bob")
        try store.assign(faceIDs: [faces[0].id, faces[1].id], toCluster: ann1.id)
        try store.assign(faceIDs: [faces[2].id], toCluster: ann2.id)
        try store.assign(faceIDs: [faces[3].id], toCluster: bob.id)
        try store.setLabel(FaceLabel(name: "Ann", source: .user), forFace: faces[4].id)  // labelled, unclustered
        try store.addConstraint(.cannotLink, faceID: faces[3].id, target: .person("Ann"))

        let renamed = try store.renamePerson(from: "Ann", to: "Anna")
        #expect(renamed.clusters == 2 && renamed.faces == 4)
        #expect(try Set(store.clusters(named: "Anna").map(\.id)) == [ann1.id, ann2.id])
        #expect(try store.clusters(named: "Ann").isEmpty)
        #expect(try store.face(id: faces[4].id)?.label?.name == "Anna")
        #expect(try store.constraints(forFace: faces[3].id).map(\.target) == [.person("Anna")])
        #expect(try store.renamePerson(from: "Nobody", to: "Someone") == (0, 0))

        let empty = #expect(throws: VisageError.self) { try store.renamePerson(from: "Anna", to: "  ") }
        #expect(empty?.code == "invalid_name")
        try store.setClusterName(bob.id, name: nil)
        #expect(try store.cluster(id: bob.id)?.name == nil)
    }

    // MARK: Constraints

    @Test(arguments: StoreBackend.withFaceStore) func latestDecisionWins(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 9)
        let faces = try Self.save(store, "img", (0..<2).map { Self.face(x: Double($0) * 300, embedding: random.unitVector(8)) }).faces
        let (a, b) = (faces[0].id, faces[1].id)

        try store.addConstraint(.mustLink, faceID: a, target: .person("Ann"))
        try store.addConstraint(.cannotLink, faceID: a, target: .person("Ann"))
        #expect(try store.constraints(forFace: a).map(\.kind) == [.cannotLink])

        let first = try store.addConstraint(.cannotLink, faceID: a, target: .face(b))
        #expect(try store.addConstraint(.cannotLink, faceID: b, target: .face(a)).id == first.id, "symmetric, not duplicated")
        try store.addConstraint(.mustLink, faceID: b, target: .face(a))
        #expect(try store.constraints(forFace: a).map(\.kind) == [.cannotLink, .mustLink])
        #expect(try store.constraints(forFace: b).map(\.target) == [.face(a)])

        let selfLink = #expect(throws: VisageError.self) { try store.addConstraint(.mustLink, faceID: a, target: .face(a)) }
        #expect(selfLink?.code == "invalid_constraint")
        let unknown = #expect(throws: VisageError.self) { try store.addConstraint(.mustLink, faceID: a, target: .cluster("cluster_nope")) }
        #expect(unknown?.code == "cluster_not_found")

        #expect(try store.deleteFace(id: b))
        #expect(try store.constraints(forFace: a).map(\.target) == [.person("Ann")])
        #expect(try store.deleteFace(id: b) == false)
    }

    // MARK: Deletion

    @Test(arguments: StoreBackend.withFaceStore) func deletingAnImageUpdatesItsClusters(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 10)
        let gone = try Self.save(store, "gone", [Self.face(x: 0, embedding: random.unitVector(8))]).faces[0]
        let stays = try Self.save(store, "stays", [Self.face(x: 0, embedding: random.unitVector(8))]).faces[0]
        let cluster = try store.createCluster(model: Self.model)
        try store.assign(faceIDs: [gone.id, stays.id], toCluster: cluster.id)

        #expect(try store.deleteImage(imageID: "gone") == [gone.id])
        #expect(try store.image(imageID: "gone") == nil && store.face(id: gone.id) == nil)
        #expect(try store.cluster(id: cluster.id)?.faceCount == 1)
        Self.expectClose(try store.cluster(id: cluster.id)?.centroid, stays.embedding)
        #expect(try store.deleteImage(imageID: "gone").isEmpty)
        #expect(try store.imageIDs(ofFaces: [stays.id, gone.id]) == [stays.id: "stays"])
    }

    // MARK: Transactions

    @Test(arguments: StoreBackend.withFaceStore) func aFailedTransactionLeavesNothingBehind(backend: StoreBackend) throws {
        struct Interrupted: Error {}
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 11)
        let faces = [Self.face(x: 0, embedding: random.unitVector(8)), Self.face(x: 300, embedding: random.unitVector(8))]
        #expect(throws: Interrupted.self) {
            try store.transaction { transaction in
                let saved = try transaction.saveAnalysis(
                    imageID: "img", path: "/p.jpg", width: 10, height: 10, orientation: 1,
                    contentHash: nil, faces: faces, model: Self.model)
                let cluster = try transaction.createCluster(model: Self.model, name: "Ann")
                try transaction.assign(faceIDs: saved.faces.map(\.id), toCluster: cluster.id)
                try transaction.appendAudit(action: "test", detail: ["step": "before failure"])
                throw Interrupted()
            }
        }
        #expect(try store.image(imageID: "img") == nil)
        #expect(try Self.totalFaces(store) == 0)
        #expect(try store.clusters().isEmpty)
        #expect(try store.recentAudit(limit: 10).isEmpty)

        // A re-analysis that fails half-way keeps the previous analysis whole.
        let kept = try Self.save(store, "img", faces)
        let broken = [Self.face(x: 0, embedding: random.unitVector(8)), Self.face(x: 300, embedding: [1, 0])]
        #expect(throws: VisageError.self) { try Self.save(store, "img", broken) }
        #expect(try store.faces(imageID: "img").map(\.embedding) == kept.faces.map(\.embedding))
    }

    @Test(arguments: StoreBackend.withFaceStore) func reopeningKeepsEverything(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        do {
            var random = SeededRandom(seed: 12)
            let (faces, clusters, constraints, audit): ([StoredFace], [Cluster], [FaceConstraint], [AuditEntry])
            do {
                let store = try database.faces()
                let saved = try Self.save(
                    store, "img",
                    [
                        Self.face(x: 0, embedding: random.unitVector(8)),
                        Self.face(x: 300, embedding: random.unitVector(8)),
                    ])
                let cluster = try store.createCluster(model: Self.model, name: "Ann")
                try store.assign(faceIDs: [saved.faces[0].id], toCluster: cluster.id)
                try store.addConstraint(.cannotLink, faceID: saved.faces[1].id, target: .cluster(cluster.id))
                try store.appendAudit(action: "face_moved", detail: ["face": "\(saved.faces[0].id)", "to": cluster.id])
                faces = try store.faces(imageID: "img")
                clusters = try store.clusters()
                constraints = try store.constraints(forFace: saved.faces[1].id)
                audit = try store.recentAudit(limit: 5)
            }
            let reopened = try database.faces()
            #expect(try reopened.faces(imageID: "img") == faces)
            #expect(try reopened.clusters() == clusters)
            #expect(try reopened.constraints(forFace: faces[1].id) == constraints)
            #expect(try reopened.recentAudit(limit: 5) == audit)
            #expect(clusters.first?.faceCount == 1 && constraints.count == 1)
            #expect(audit.first?.detail == #"{"face":"\#(faces[0].id)","to":"\#(clusters[0].id)"}"#)
        }
    }

    // MARK: Vector index

    @Test(arguments: StoreBackend.withFaceStore) func libraryIndexIsBuiltFromStoredFaces(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.faces()
        var random = SeededRandom(seed: 13)
        let saved = try Self.save(store, "img", (0..<20).map { Self.face(x: Double($0) * 200, embedding: random.unitVector(8)) })
        try Self.save(store, "other", [Self.face(x: 0, embedding: random.unitVector(4))], model: "other_4d")

        let library = try FaceLibrary(store: store, embeddingModel: Self.model, dimensions: 8)
        #expect(library.index.count == 20)
        for face in saved.faces {
            #expect(try library.index.search(face.embedding, k: 1).first?.id == face.id)
        }
        let wrong = #expect(throws: VisageError.self) { try FaceLibrary(store: store, embeddingModel: "other_4d", dimensions: 8) }
        #expect(wrong?.code == "embedding_dimension_mismatch")
        #expect(try FaceLibrary(store: store, embeddingModel: "unknown", dimensions: 8).index.count == 0)
    }

    /// The index changes only once the transaction commits: a write that throws leaves the store
    /// and the index as they were, and one that commits applies its changes in order.
    @Test(arguments: StoreBackend.withFaceStore) func libraryIndexFollowsOnlyCommits(backend: StoreBackend) throws {
        struct Interrupted: Error {}
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let library = try FaceLibrary(store: try database.faces(), embeddingModel: Self.model, dimensions: 8)
        var random = SeededRandom(seed: 14)
        let faces = [Self.face(x: 0, embedding: random.unitVector(8)), Self.face(x: 300, embedding: random.unitVector(8))]
        #expect(throws: Interrupted.self) {
            try library.write { transaction, changes in
                let saved = try transaction.saveAnalysis(
                    imageID: "img", path: "/p.jpg", width: 10, height: 10, orientation: 1,
                    contentHash: nil, faces: faces, model: Self.model)
                changes.record(saved)
                throw Interrupted()
            }
        }
        #expect(library.index.count == 0)
        #expect(try library.read { try $0.image(imageID: "img") } == nil)

        let saved = try library.write { transaction, changes in
            let saved = try transaction.saveAnalysis(
                imageID: "img", path: "/p.jpg", width: 10, height: 10, orientation: 1,
                contentHash: nil, faces: faces, model: Self.model)
            changes.record(saved)
            // Removed after it was added, in the same write: the order recorded is kept.
            changes.remove(id: saved.faces[1].id)
            return saved
        }
        // An in-memory index applies the recorded changes in order; a search the store keeps
        // (PostgreSQL's) reads the committed rows, where both faces are.
        #expect(library.index.count == (library.index is any VectorIndex ? 1 : 2))
        #expect(try library.index.search(faces[0].embedding, k: 1).first?.id == saved.faces[0].id)
    }

    /// Background work one process does for all: on PostgreSQL a second process skips it while
    /// the first runs it (and runs it once the first is done); SQLite has a single process.
    @Test(arguments: StoreBackend.withFaceStore) func backgroundWorkRunsInOneProcessAtATime(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let first = try database.faces(), second = try database.faces()
        let nested = try first.unlessRunningElsewhere("settling") {
            (same: try second.unlessRunningElsewhere("settling") { 1 }, other: try second.unlessRunningElsewhere("indexing") { 2 })
        }
        #expect(nested?.same == (backend.name == "postgres" ? nil : 1))
        #expect(nested?.other == 2)
        #expect(try second.unlessRunningElsewhere("settling") { 3 } == 3)
        struct Failed: Error {}
        #expect(throws: Failed.self) { try first.unlessRunningElsewhere("settling") { throw Failed() } }
        #expect(try second.unlessRunningElsewhere("settling") { 4 } == 4, "a failed run lets go")
    }

    // MARK: Pieces

    @Test func matcherPairsTheBestOverlapFirst() {
        let box = { (x: Double) in BoundingBox(x: x, y: 0, width: 100, height: 100) }
        // New face 0 overlaps both old faces; old 1 is its better match, which leaves old 0 for
        // new face 1. Far-away new face 2 matches nothing.
        let pairs = FaceMatcher.match(old: [box(0), box(40)], new: [box(30), box(5), box(900)])
        #expect(pairs == [0: 1, 1: 0])
        #expect(FaceMatcher.match(old: [box(0)], new: [box(60)]).isEmpty, "IoU 0.25 is too little")
    }

    @Test func labelCarryOverRule() {
        let user = FaceLabel(name: "Ann", source: .user), xmp = FaceLabel(name: "Anna", source: .xmp)
        #expect(FaceLabel.carriedOver(old: user, new: xmp) == user)
        #expect(FaceLabel.carriedOver(old: xmp, new: FaceLabel(name: "Bea", source: .xmp))?.name == "Bea")
        #expect(FaceLabel.carriedOver(old: xmp, new: nil) == xmp)
        #expect(FaceLabel.carriedOver(old: nil, new: nil) == nil)
        #expect(FaceLabel(name: "  Ann ", source: .xmp).cleaned?.name == "Ann")
        #expect(FaceLabel(name: " ", source: .xmp).cleaned == nil)
    }

}
