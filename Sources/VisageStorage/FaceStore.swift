import Foundation
import VisageSearch

/// The library of analysed images, their faces and the people they are grouped into, with the
/// user's decisions and an audit log: the seam between the recognition layer and a database.
///
/// Every operation runs inside a transaction: `transaction(_:)` keeps all of its body's changes or,
/// when the body throws, none of them; `read(_:)` sees one consistent snapshot. A cluster's count
/// and centroid always match its members when a transaction commits.
///
/// The protocol is synchronous on purpose: callers run store work on the blocking executor (never
/// on the cooperative pool or an event loop), and a backend whose driver is asynchronous
/// (PostgreSQL through postgres-nio) leases one connection for the transaction and waits for each
/// statement on that thread. Placing a face issues a dozen small queries under the write lock;
/// awaiting each one through Swift concurrency would add a suspension per statement on the
/// embedded path for no gain.
public protocol FaceStore: Sendable {
    /// Runs `body` in one write transaction.
    func transaction<T>(_ body: (any FaceStoreTransaction) throws -> T) throws -> T
    /// Runs read-only queries against one consistent snapshot.
    func read<T>(_ body: (any FaceStoreReading) throws -> T) throws -> T
    /// Bytes the store's files take on disk (with any journal); nil where that is unknown (a
    /// store in memory, a database server).
    func diskUsage() -> Int64?
    /// The store's own search over `embeddingModel`'s committed faces, for a store that several
    /// processes share and that serialises every `transaction` across them (PostgreSQL): inside a
    /// transaction it sees what was committed before, as an in-memory index would. nil for an
    /// embedded store: `FaceLibrary` then keeps an in-memory index.
    func sharedVectorSearch(embeddingModel: String, dimensions: Int) throws -> (any VectorSearching)?
    /// Runs `body` unless another process sharing the store is already running work called
    /// `work` (nil then): for background work one process should do for all (settling people).
    /// An embedded store has one process and always runs `body`.
    func unlessRunningElsewhere<T>(_ work: String, _ body: () throws -> T) throws -> T?
}

/// The queries of a `FaceStore`, valid only inside the closure they are passed to.
public protocol FaceStoreReading {
    // MARK: Images

    func image(imageID: String) throws -> StoredImage?
    /// All stored images, in row order.
    func images() throws -> [StoredImage]
    /// The images with the given row ids (`StoredFace.imageRowID`), by row id.
    func images(rowIDs: Set<Int64>) throws -> [Int64: StoredImage]
    /// Every image row id -> caller's image id.
    func imageIDsByRow() throws -> [Int64: String]

    // MARK: Faces

    func face(id: Int64) throws -> StoredFace?
    /// The faces of an image, in id order; empty when the image is unknown.
    func faces(imageID: String) throws -> [StoredFace]
    func faces(inCluster clusterID: String) throws -> [StoredFace]
    /// Every face embedded by `embeddingModel`, in id order.
    func faces(embeddingModel: String) throws -> [StoredFace]
    /// Faces named `name`: members of clusters with that name, or faces labelled with it.
    func faces(ofPerson name: String) throws -> [StoredFace]
    /// How many faces `embeddingModel` embedded.
    func faceCount(embeddingModel: String) throws -> Int
    /// Calls `body` with each face's id and embedding, in id order, without decoding the rest of
    /// the row: the fast path for filling a vector index.
    func forEachEmbedding(embeddingModel: String, _ body: (Int64, [Float]) throws -> Void) throws
    /// Where `embeddingModel`'s vectors stand (a counter bumped on every change of any face's
    /// embedding, and their count), so an index saved earlier is reused only if nothing changed
    /// since; nil when the backend keeps no such counter (every index is then built afresh).
    func vectorSourceVersion(embeddingModel: String) throws -> VectorSourceVersion?
    /// The caller's image id for each of the given faces (faces that don't exist are left out).
    func imageIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String]
    /// Image, cluster and names of each of the given faces, in one query (faces that don't exist
    /// are left out).
    func faceSummaries(ids faceIDs: [Int64]) throws -> [Int64: FaceSummary]

    // MARK: Clusters

    func cluster(id: String) throws -> Cluster?
    /// Every cluster, oldest first.
    func clusters() throws -> [Cluster]
    /// Clusters with the given name, oldest first.
    func clusters(named name: String) throws -> [Cluster]
    /// Clusters of `model` with the given name, largest first.
    func clusters(named name: String, model: String) throws -> [Cluster]
    /// The cluster of each given face that has one (faces without a cluster are left out).
    func clusterIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String]
    /// The face that shows each non-empty cluster best, for a thumbnail: the highest `quality`
    /// (faces without one last), then the highest `confidence`, then the lowest id. One query for
    /// every cluster, without loading faces.
    func coverFaceIDs() throws -> [String: Int64]
    /// Images, faces, clusters and named clusters, counted in one query.
    func libraryCounts() throws -> LibraryCounts
    /// Whether the cluster already holds a face of the image: two faces of one photo are two
    /// people, unless the user says otherwise.
    func cluster(_ clusterID: String, containsFaceOfImage imageRowID: Int64) throws -> Bool

    // MARK: Decisions and audit

    /// Constraints that mention the face, on either side, oldest first.
    func constraints(forFace faceID: Int64) throws -> [FaceConstraint]
    /// Every "cannot link" decision, oldest first.
    func cannotLinkConstraints() throws -> [FaceConstraint]
    /// The latest audit entries, newest first.
    func recentAudit(limit: Int) throws -> [AuditEntry]
}

/// The changes of a `FaceStore`, valid only inside `transaction(_:)`'s closure.
public protocol FaceStoreTransaction: FaceStoreReading {
    /// Stores the result of analysing an image, replacing whatever was stored for `imageID`.
    ///
    /// Re-analysis keeps identity: each new face is paired with the old face whose box overlaps it
    /// most (`FaceMatcher`), and a paired face keeps its id, cluster, label and constraints while
    /// taking the new measurements and embedding. The label follows `FaceLabel.carriedOver`. A
    /// face whose embedding model changed leaves its cluster. Old faces with no partner are
    /// deleted, their constraints with them. Every cluster that lost or changed a member is
    /// recomputed. Throws `embedding_dimension_mismatch` when the embeddings' length differs from
    /// the model's stored ones.
    @discardableResult
    func saveAnalysis(
        imageID: String, path: String, width: Int, height: Int, orientation: Int,
        contentHash: String?, faces: [NewFace], model: String
    ) throws -> SavedAnalysis

    /// Deletes the face and its constraints and updates its cluster. Returns false when there was
    /// no such face.
    @discardableResult func deleteFace(id: Int64) throws -> Bool
    /// Deletes the image and its faces (and their constraints), and updates their clusters.
    /// Returns the ids of the deleted faces; empty when the image was unknown.
    @discardableResult func deleteImage(imageID: String) throws -> [Int64]

    /// A new, empty cluster for faces of `model`; a named one is pinned.
    @discardableResult func createCluster(model: String, name: String?) throws -> Cluster
    /// Moves the faces into the cluster, out of whatever cluster they were in. Throws
    /// `embedding_model_mismatch` if any face was embedded by another model than the cluster's,
    /// and then moves none. Constraints are not checked here: the store records decisions, the
    /// recognition layer applies them.
    @discardableResult func assign(faceIDs: [Int64], toCluster clusterID: String) throws -> Cluster
    /// Takes the faces out of their clusters.
    func unassign(faceIDs: [Int64]) throws
    /// Names the cluster (and pins it), or clears its name with nil.
    @discardableResult func setClusterName(_ clusterID: String, name: String?) throws -> Cluster
    /// Renames a person everywhere: cluster names, face labels and "(not) this person"
    /// constraints. Returns the number of clusters renamed and of faces now under the new name.
    @discardableResult func renamePerson(from oldName: String, to newName: String) throws -> (clusters: Int, faces: Int)
    /// Sets the cluster's face count and centroid from its current members.
    @discardableResult func recomputeCluster(id: String) throws -> Cluster
    /// Marks the cluster as shaped by the user, so reclustering keeps it.
    @discardableResult func pinCluster(_ clusterID: String) throws -> Cluster
    /// Deletes a cluster; its faces (if any) become unclustered.
    @discardableResult func deleteCluster(_ clusterID: String) throws -> Bool
    /// Deletes every cluster without faces; returns their ids.
    @discardableResult func deleteEmptyClusters() throws -> [String]

    /// Names one face (a user's "this is X"), or clears its name with nil. Clusters are not
    /// touched: a label is about the face, a cluster name about the group.
    @discardableResult func setLabel(_ label: FaceLabel?, forFace faceID: Int64) throws -> StoredFace

    /// Records a user's decision about a face. The latest decision wins: adding one removes the
    /// opposite decision about the same face and target, and adding one that already exists
    /// returns the existing one. Face-to-face constraints are symmetric.
    @discardableResult
    func addConstraint(_ kind: ConstraintKind, faceID: Int64, target: ConstraintTarget) throws -> FaceConstraint
    /// Undoes a decision. Returns false when there was no such constraint.
    @discardableResult func removeConstraint(id: Int64) throws -> Bool

    /// Appends to the audit log, in the same transaction as the change it describes, so the log
    /// never claims a change that was rolled back. `detailJSON` is a JSON document or nil.
    @discardableResult func appendAudit(action: String, detailJSON: String?) throws -> AuditEntry
}

extension FaceStoreTransaction {
    /// Appends to the audit log with `detail` as JSON with sorted keys.
    @discardableResult
    public func appendAudit(action: String, detail: (some Encodable)?) throws -> AuditEntry {
        try appendAudit(action: action, detailJSON: try AuditEntry.encodeDetail(detail))
    }

    @discardableResult
    public func appendAudit(action: String) throws -> AuditEntry {
        try appendAudit(action: action, detailJSON: nil)
    }

    @discardableResult
    public func createCluster(model: String) throws -> Cluster {
        try createCluster(model: model, name: nil)
    }
}

extension FaceStoreReading {
    /// Backends without a vector counter: indexes are always built from the store.
    public func vectorSourceVersion(embeddingModel: String) throws -> VectorSourceVersion? { nil }
}

extension FaceStore {
    /// An embedded store: the library keeps the index in memory.
    public func sharedVectorSearch(embeddingModel: String, dimensions: Int) throws -> (any VectorSearching)? { nil }

    /// An embedded store: this is the only process.
    public func unlessRunningElsewhere<T>(_ work: String, _ body: () throws -> T) throws -> T? { try body() }
}
