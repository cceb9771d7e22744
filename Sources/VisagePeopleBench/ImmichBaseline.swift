import VisageClustering
import VisageSearch

/// Immich's face clustering as published (incremental DBSCAN): faces in order; a face whose
/// neighbourhood within cosine distance 0.5 holds at least `minFaces` faces (itself included)
/// is a core face; a face takes the person of a neighbour that has one (else of the nearest face
/// with a person within the distance); a core face with none starts a person; non-core faces
/// without a person are retried once at the end and otherwise stay unassigned. The baseline the
/// clustering tests and benchmark compare against.
public enum ImmichBaseline {
    public static func cluster(_ nodes: [FaceNode], maxDistance: Float = 0.5, minFaces: Int = 3) throws -> [[Int64]] {
        guard let dimensions = nodes.first?.embedding.count else { return [] }
        let index = ExactVectorIndex(dimensions: dimensions)
        for node in nodes { try index.upsert(id: node.id, vector: node.embedding) }
        var person: [Int64: Int] = [:]
        var nextPerson = 0
        func process(_ node: FaceNode, final: Bool) throws -> Bool {
            let matches = try index.search(node.embedding, minSimilarity: 1 - maxDistance, limit: minFaces)
            var personID = matches.compactMap { person[$0.id] }.first
            if personID == nil {
                let withPerson = try index.search(node.embedding, minSimilarity: 1 - maxDistance, limit: nodes.count)
                personID = withPerson.compactMap { person[$0.id] }.first
            }
            let isCore = matches.count >= minFaces
            if isCore && personID == nil {
                personID = nextPerson
                nextPerson += 1
            }
            if let personID { person[node.id] = personID; return true }
            return final
        }
        var deferred: [FaceNode] = []
        for node in nodes where try !process(node, final: false) { deferred.append(node) }
        for node in deferred { _ = try process(node, final: true) }
        var groups: [Int: [Int64]] = [:]
        var singles: [[Int64]] = []
        for node in nodes {
            if let p = person[node.id] { groups[p, default: []].append(node.id) } else { singles.append([node.id]) }
        }
        return Array(groups.values) + singles
    }
}
