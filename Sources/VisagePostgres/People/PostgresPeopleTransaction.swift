import Foundation
import PostgresNIO
import VisageCore
import VisageSearch
import VisageStorage

/// `FaceStoreTransaction` over one leased PostgreSQL session, inside the transaction
/// `PostgresFaceStore` opened; valid only inside the closure it is passed to.
struct PostgresPeopleTransaction: FaceStoreTransaction {
    let session: PostgresSession
    /// The HNSW index of each face dimension, made when the dimension's first face is saved.
    let vectorIndexes: PostgresVectorIndexes

    // MARK: Images

    func image(imageID: String) throws -> StoredImage? {
        try PeopleRows.images(session.rows("SELECT \(unescaped: PeopleRows.imageColumns) FROM image WHERE image_id = \(imageID)"))
            .first
    }

    func images() throws -> [StoredImage] {
        try PeopleRows.images(session.rows("SELECT \(unescaped: PeopleRows.imageColumns) FROM image ORDER BY id"))
    }

    func images(rowIDs: Set<Int64>) throws -> [Int64: StoredImage] {
        guard !rowIDs.isEmpty else { return [:] }
        let images = try PeopleRows.images(
            session.rows("SELECT \(unescaped: PeopleRows.imageColumns) FROM image WHERE id = ANY(\(Array(rowIDs)))"))
        return Dictionary(uniqueKeysWithValues: images.map { ($0.id, $0) })
    }

    func imageIDsByRow() throws -> [Int64: String] {
        Dictionary(uniqueKeysWithValues: try session.fetch("SELECT id, image_id FROM image", as: (Int64, String).self))
    }

    // MARK: Faces

    func face(id: Int64) throws -> StoredFace? {
        try faces("SELECT \(unescaped: PeopleRows.faceColumns) FROM face WHERE face.id = \(id) ORDER BY face.id").first
    }

    func faces(imageID: String) throws -> [StoredFace] {
        try faces(
            "SELECT \(unescaped: PeopleRows.faceColumns) FROM face WHERE face.image_row_id = (SELECT id FROM image WHERE image_id = \(imageID)) ORDER BY face.id"
        )
    }

    func faces(imageRowID: Int64) throws -> [StoredFace] {
        try faces("SELECT \(unescaped: PeopleRows.faceColumns) FROM face WHERE face.image_row_id = \(imageRowID) ORDER BY face.id")
    }

    func faces(inCluster clusterID: String) throws -> [StoredFace] {
        try faces("SELECT \(unescaped: PeopleRows.faceColumns) FROM face WHERE face.cluster_id = \(clusterID) ORDER BY face.id")
    }

    func faces(embeddingModel: String) throws -> [StoredFace] {
        try faces("SELECT \(unescaped: PeopleRows.faceColumns) FROM face WHERE face.embedding_model = \(embeddingModel) ORDER BY face.id")
    }

    func faces(ofPerson name: String) throws -> [StoredFace] {
        try faces(
            "SELECT \(unescaped: PeopleRows.faceColumns) FROM face WHERE face.label_name = \(name) OR face.cluster_id IN (SELECT id FROM cluster WHERE name = \(name)) ORDER BY face.id"
        )
    }

    /// The faces whose rows `query` selects (`SELECT faceColumns FROM face ...`).
    func faces(_ query: PostgresQuery) throws -> [StoredFace] {
        try PeopleRows.faces(session.rows(query))
    }

    func faceCount(embeddingModel: String) throws -> Int {
        try session.fetch("SELECT count(*) FROM face WHERE embedding_model = \(embeddingModel)", as: Int.self).first ?? 0
    }

    func forEachEmbedding(embeddingModel: String, _ body: (Int64, [Float]) throws -> Void) throws {
        let rows = try session.fetch(
            "SELECT id, embedding::real[] FROM face WHERE embedding_model = \(embeddingModel) ORDER BY id", as: (Int64, [Float]).self)
        for (id, embedding) in rows { try body(id, embedding) }
    }

    func imageIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String] {
        guard !faceIDs.isEmpty else { return [:] }
        let rows = try session.fetch(
            "SELECT face.id, image.image_id FROM face JOIN image ON image.id = face.image_row_id WHERE face.id = ANY(\(faceIDs))",
            as: (Int64, String).self)
        return Dictionary(uniqueKeysWithValues: rows)
    }

    // MARK: Clusters

    func cluster(id: String) throws -> Cluster? {
        try PeopleRows.clusters(session.rows("SELECT \(unescaped: PeopleRows.clusterColumns) FROM cluster WHERE id = \(id)")).first
    }

    func clusters() throws -> [Cluster] {
        try PeopleRows.clusters(session.rows("SELECT \(unescaped: PeopleRows.clusterColumns) FROM cluster ORDER BY created_at, id"))
    }

    func clusters(named name: String) throws -> [Cluster] {
        try PeopleRows.clusters(
            session.rows("SELECT \(unescaped: PeopleRows.clusterColumns) FROM cluster WHERE name = \(name) ORDER BY created_at, id"))
    }

    func clusters(named name: String, model: String) throws -> [Cluster] {
        try PeopleRows.clusters(
            session.rows(
                """
                SELECT \(unescaped: PeopleRows.clusterColumns) FROM cluster WHERE name = \(name) AND embedding_model = \(model)
                ORDER BY face_count DESC, id
                """))
    }

    func clusterIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String] {
        guard !faceIDs.isEmpty else { return [:] }
        let rows = try session.fetch(
            "SELECT id, cluster_id FROM face WHERE cluster_id IS NOT NULL AND id = ANY(\(faceIDs))", as: (Int64, String).self)
        return Dictionary(uniqueKeysWithValues: rows)
    }

    func cluster(_ clusterID: String, containsFaceOfImage imageRowID: Int64) throws -> Bool {
        try session.fetch(
            "SELECT EXISTS (SELECT 1 FROM face WHERE cluster_id = \(clusterID) AND image_row_id = \(imageRowID))", as: Bool.self
        ).first ?? false
    }

    // MARK: Helpers for the operations

    func existingCluster(_ id: String) throws -> Cluster {
        guard let cluster = try cluster(id: id) else { throw StorageErrors.clusterNotFound(id) }
        return cluster
    }

    func existingFaces(_ ids: [Int64]) throws -> [StoredFace] {
        let unique = Array(Set(ids))
        let found = try faces("SELECT \(unescaped: PeopleRows.faceColumns) FROM face WHERE face.id = ANY(\(unique)) ORDER BY face.id")
        if found.count != unique.count {
            throw StorageErrors.faceNotFound(Set(unique).subtracting(found.map(\.id)).min()!)
        }
        return found
    }
}
