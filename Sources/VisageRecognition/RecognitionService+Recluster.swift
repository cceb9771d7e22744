import Foundation
import VisageClustering
import VisageCore
import VisageStorage

extension RecognitionService {
    /// Rebuilds every person of the current model from scratch with `DensityClustering`,
    /// keeping every user decision:
    /// - a face's identity is its label (user or XMP), else its cluster's name, else its
    ///   cluster's id when the cluster is pinned (merged or split by the user): faces with one
    ///   identity stay together, faces with different identities stay apart;
    /// - "not this person" decisions forbid the person's name (or the pinned cluster's id);
    /// - two faces of one photo never share a person.
    ///
    /// New groups reuse the id of the old cluster most of their faces came from (named and
    /// pinned clusters keep theirs), so clients' cluster ids mostly stay valid.
    ///
    /// The clustering runs on a snapshot read without the write lock, so recognising and the
    /// other edits go on meanwhile; the result is applied under the lock, in one transaction. If
    /// a user decision (anything that writes the audit log) came in between, the snapshot is
    /// taken again (twice at most, then the whole run holds the lock). Faces added meanwhile keep
    /// the person they were given; faces deleted meanwhile are left out.
    ///
    /// `trigger` says who asked, for the audit log: a user (`POST /faces/recluster`, `visage
    /// recluster`) or the background pass (`settlePeople()`).
    public func recluster(trigger: ReclusterTrigger = .request) throws -> ReclusterSummary {
        let start = ContinuousClock.now
        for _ in 0..<3 {
            let snapshot = try library.read { try ReclusterSnapshot(reading: $0, model: embeddingModel) }
            let groups = try DensityClustering(parameters: clusteringParameters).cluster(snapshot.nodes)
            let summary = try library.write { tx -> ReclusterSummary? in
                guard try tx.recentAudit(limit: 1).first?.id == snapshot.lastAuditID else { return nil }
                return try apply(groups, from: snapshot, start: start, trigger: trigger, in: tx)
            }
            if let summary { return summary }
        }
        return try library.write { tx in
            let snapshot = try ReclusterSnapshot(reading: tx, model: embeddingModel)
            let groups = try DensityClustering(parameters: clusteringParameters).cluster(snapshot.nodes)
            return try apply(groups, from: snapshot, start: start, trigger: trigger, in: tx)
        }
    }

    /// Writes `groups` (computed from `snapshot`) as the model's people.
    private func apply(
        _ groups: [[Int64]], from snapshot: ReclusterSnapshot, start: ContinuousClock.Instant, trigger: ReclusterTrigger,
        in tx: any FaceStoreTransaction
    ) throws -> ReclusterSummary {
        let stillStored = Set(try tx.faces(embeddingModel: embeddingModel).map(\.id))
        let clustersNow = Dictionary(
            uniqueKeysWithValues: try tx.clusters().filter { $0.embeddingModel == embeddingModel }.map { ($0.id, $0) })
        var usedIDs = Set<String>()
        var moved = 0
        for group in groups.map({ $0.filter(stillStored.contains) }) where !group.isEmpty {
            let clusterID = try clusterForGroup(
                group, previous: snapshot.previousCluster, identityOf: snapshot.identityOf, clusters: clustersNow,
                used: &usedIDs, in: tx)
            moved += group.filter { snapshot.previousCluster[$0] != clusterID }.count
            try tx.assign(faceIDs: group, toCluster: clusterID)
        }
        try tx.deleteEmptyClusters()
        let after = try tx.clusters().filter { $0.embeddingModel == embeddingModel }.count
        let summary = ReclusterSummary(
            faces: snapshot.nodes.count, clustersBefore: snapshot.clusterCount, clustersAfter: after,
            facesMoved: moved, seconds: (ContinuousClock.now - start).inSeconds)
        try tx.appendAudit(
            action: trigger.rawValue,
            detail: [
                "faces": snapshot.nodes.count, "clusters_before": snapshot.clusterCount,
                "clusters_after": after, "faces_moved": moved,
            ])
        return summary
    }

    /// The cluster id a new group gets: for a person's name, that person's cluster most of the
    /// group came from; for a pinned cluster, its own id; otherwise the unpinned, unnamed
    /// cluster most of the group came from; a fresh cluster when none is left.
    private func clusterForGroup(
        _ group: [Int64], previous: [Int64: String?], identityOf: [Int64: String?],
        clusters: [String: Cluster], used: inout Set<String>,
        in tx: any FaceStoreTransaction
    ) throws -> String {
        let identity = group.lazy.compactMap { identityOf[$0] ?? nil }.first
        var votes: [String: Int] = [:]
        for id in group { if let cluster = previous[id] ?? nil { votes[cluster, default: 0] += 1 } }
        let eligible = votes.filter { id, _ in
            guard !used.contains(id), let cluster = clusters[id] else { return false }
            switch identity.map(Identity.parse) {
            case .person(let name)?: return cluster.name == name
            case .cluster(let pinned)?: return id == pinned
            case nil: return cluster.name == nil && !cluster.pinned
            }
        }
        if let best = eligible.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key {
            used.insert(best)
            return best
        }
        var name: String?
        if case .person(let person)? = identity.map(Identity.parse) { name = person }
        let created = try tx.createCluster(model: embeddingModel, name: name)
        used.insert(created.id)
        return created.id
    }
}

/// Who asked for a recluster; the audit log's action.
public enum ReclusterTrigger: String, Sendable {
    /// A user: `POST /faces/recluster` or `visage recluster`.
    case request = "recluster"
    /// The background pass after new faces.
    case settling = "settle"
}

/// Identity keys for `FaceNode`: a person's name or a pinned cluster's id, in one string space
/// that cannot collide (the prefixes end in a character no name starts with after trimming).
enum Identity {
    enum Parsed { case person(String), cluster(String) }

    static func person(_ name: String) -> String { "person:\u{1}" + name }
    static func cluster(_ id: String) -> String { "cluster:\u{1}" + id }

    static func parse(_ key: String) -> Parsed {
        key.hasPrefix("person:\u{1}") ? .person(String(key.dropFirst(8))) : .cluster(String(key.dropFirst(9)))
    }

    static func of(_ face: StoredFace, clusters: [String: Cluster]) -> String? {
        if let label = face.label?.name { return person(label) }
        guard let id = face.clusterID, let cluster = clusters[id] else { return nil }
        if let name = cluster.name { return person(name) }
        return cluster.pinned ? Self.cluster(id) : nil
    }
}

/// What a recluster clusters: the model's faces as `FaceNode`s with their identities and
/// "not this person" decisions, where each face was, and the audit log's position when read.
struct ReclusterSnapshot {
    let nodes: [FaceNode]
    let previousCluster: [Int64: String?]
    let identityOf: [Int64: String?]
    let clusterCount: Int
    let lastAuditID: Int64?

    init(reading store: any FaceStoreReading, model: String) throws {
        let faces = try store.faces(embeddingModel: model)
        let clusters = try store.clusters().filter { $0.embeddingModel == model }
        let byID = Dictionary(uniqueKeysWithValues: clusters.map { ($0.id, $0) })
        let imageIDs = try store.imageIDsByRow()
        var forbidden: [Int64: Set<String>] = [:]
        for constraint in try store.cannotLinkConstraints() {
            switch constraint.target {
            case .person(let name): forbidden[constraint.faceID, default: []].insert(Identity.person(name))
            case .cluster(let id): forbidden[constraint.faceID, default: []].insert(Identity.cluster(id))
            case .face: break  // not produced by the API yet; see docs/CLUSTERING.md
            }
        }
        nodes = faces.map { face in
            FaceNode(
                id: face.id, imageID: imageIDs[face.imageRowID] ?? "", embedding: face.embedding,
                identity: Identity.of(face, clusters: byID), forbiddenIdentities: forbidden[face.id] ?? [],
                quality: face.quality)
        }
        previousCluster = Dictionary(uniqueKeysWithValues: faces.map { ($0.id, $0.clusterID) })
        identityOf = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.identity) })
        clusterCount = clusters.count
        lastAuditID = try store.recentAudit(limit: 1).first?.id
    }
}
