import Foundation

// Each operation of `FaceStoreTransaction` as its own transaction (reads as one snapshot), for
// callers that don't need to group several, whatever the backend. The documentation is on the
// protocols' methods.
extension FaceStore {
    // MARK: Reads

    public func image(imageID: String) throws -> StoredImage? {
        try read { try $0.image(imageID: imageID) }
    }

    public func face(id: Int64) throws -> StoredFace? {
        try read { try $0.face(id: id) }
    }

    public func faces(imageID: String) throws -> [StoredFace] {
        try read { try $0.faces(imageID: imageID) }
    }

    public func faces(inCluster clusterID: String) throws -> [StoredFace] {
        try read { try $0.faces(inCluster: clusterID) }
    }

    public func faces(embeddingModel: String) throws -> [StoredFace] {
        try read { try $0.faces(embeddingModel: embeddingModel) }
    }

    public func imageIDs(ofFaces faceIDs: [Int64]) throws -> [Int64: String] {
        try read { try $0.imageIDs(ofFaces: faceIDs) }
    }

    public func cluster(id: String) throws -> Cluster? {
        try read { try $0.cluster(id: id) }
    }

    public func clusters() throws -> [Cluster] {
        try read { try $0.clusters() }
    }

    public func clusters(named name: String) throws -> [Cluster] {
        try read { try $0.clusters(named: name) }
    }

    public func constraints(forFace faceID: Int64) throws -> [FaceConstraint] {
        try read { try $0.constraints(forFace: faceID) }
    }

    public func recentAudit(limit: Int) throws -> [AuditEntry] {
        try read { try $0.recentAudit(limit: limit) }
    }

    // MARK: Writes

    @discardableResult
    public func saveAnalysis(
        imageID: String, path: String, width: Int, height: Int, orientation: Int,
        contentHash: String?, faces: [NewFace], model: String
    ) throws -> SavedAnalysis {
        try transaction {
            try $0.saveAnalysis(
                imageID: imageID, path: path, width: width, height: height, orientation: orientation,
                contentHash: contentHash, faces: faces, model: model)
        }
    }

    @discardableResult
    public func createCluster(model: String, name: String? = nil) throws -> Cluster {
        try transaction { try $0.createCluster(model: model, name: name) }
    }

    @discardableResult
    public func assign(faceIDs: [Int64], toCluster clusterID: String) throws -> Cluster {
        try transaction { try $0.assign(faceIDs: faceIDs, toCluster: clusterID) }
    }

    public func unassign(faceIDs: [Int64]) throws {
        try transaction { try $0.unassign(faceIDs: faceIDs) }
    }

    @discardableResult
    public func setClusterName(_ clusterID: String, name: String?) throws -> Cluster {
        try transaction { try $0.setClusterName(clusterID, name: name) }
    }

    @discardableResult
    public func renamePerson(from oldName: String, to newName: String) throws -> (clusters: Int, faces: Int) {
        try transaction { try $0.renamePerson(from: oldName, to: newName) }
    }

    @discardableResult
    public func setLabel(_ label: FaceLabel?, forFace faceID: Int64) throws -> StoredFace {
        try transaction { try $0.setLabel(label, forFace: faceID) }
    }

    @discardableResult
    public func recomputeCluster(id: String) throws -> Cluster {
        try transaction { try $0.recomputeCluster(id: id) }
    }

    @discardableResult
    public func addConstraint(_ kind: ConstraintKind, faceID: Int64, target: ConstraintTarget) throws -> FaceConstraint {
        try transaction { try $0.addConstraint(kind, faceID: faceID, target: target) }
    }

    @discardableResult
    public func removeConstraint(id: Int64) throws -> Bool {
        try transaction { try $0.removeConstraint(id: id) }
    }

    @discardableResult
    public func deleteFace(id: Int64) throws -> Bool {
        try transaction { try $0.deleteFace(id: id) }
    }

    @discardableResult
    public func deleteImage(imageID: String) throws -> [Int64] {
        try transaction { try $0.deleteImage(imageID: imageID) }
    }

    @discardableResult
    public func appendAudit(action: String, detail: (some Encodable)?) throws -> AuditEntry {
        let json = try AuditEntry.encodeDetail(detail)
        return try transaction { try $0.appendAudit(action: action, detailJSON: json) }
    }

    @discardableResult
    public func appendAudit(action: String) throws -> AuditEntry {
        try transaction { try $0.appendAudit(action: action) }
    }
}
