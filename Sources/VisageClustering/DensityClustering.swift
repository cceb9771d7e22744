import VisageSearch

/// Rebuilds all people from scratch: density-based clustering with user constraints.
///
/// 1. Faces with the same user/XMP name start in one group (the user's word is final).
/// 2. Each face's neighbours are the faces at least `neighborSimilarity` alike; a face with at
///    least `minNeighbors` of them is a *core* face (DBSCAN's density condition).
/// 3. Edges between a core face and its neighbours are taken strongest first and join their
///    groups (single linkage through dense regions, like DBSCAN, but ordered so the most certain
///    links decide first), unless the merge would break a constraint: two faces of one photo,
///    two different names, or a name the user ruled out.
/// 4. A non-core face joins the group of its most similar core neighbour (a DBSCAN border
///    point). A non-core face with no core neighbour joins its one neighbour, if any: two photos
///    of someone seen twice are a person too, which plain DBSCAN (and Immich) would leave as two
///    strangers. A non-core face has fewer than `minNeighbors` neighbours, so with the default
///    of 2 it can never bridge two groups. Faces with no neighbour stay on their own.
public struct DensityClustering: Sendable {
    public var parameters: ClusteringParameters

    public init(parameters: ClusteringParameters) {
        self.parameters = parameters
    }

    /// Groups of node ids, one per person, largest first.
    public func cluster(_ nodes: [FaceNode]) throws -> [[Int64]] {
        guard let dimensions = nodes.first?.embedding.count else { return [] }
        let index = ExactVectorIndex(dimensions: dimensions)
        for node in nodes { try index.upsert(id: node.id, vector: node.embedding) }
        let position = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element.id, $0.offset) })

        var neighbors: [[Neighbor]] = nodes.map { node in
            index.search(
                node.embedding, minSimilarity: parameters.neighborSimilarity,
                limit: parameters.neighborsExamined + 1, excluding: [node.id])
        }
        // Same-photo faces are never neighbours: they cannot be the same person.
        for i in nodes.indices {
            neighbors[i].removeAll { nodes[position[$0.id]!].imageID == nodes[i].imageID }
        }
        let isCore = neighbors.map { $0.count >= parameters.minNeighbors }

        var groups = UnionFind(nodes: nodes)
        var byName: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            guard let name = node.identity else { continue }
            if let first = byName[name] { groups.forceUnion(first, i) } else { byName[name] = i }
        }

        var edges: [(a: Int, b: Int, similarity: Float)] = []
        for i in nodes.indices where isCore[i] {
            for neighbor in neighbors[i] { edges.append((i, position[neighbor.id]!, neighbor.similarity)) }
        }
        edges.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : ($0.a, $0.b) < ($1.a, $1.b) }
        var attached = isCore
        for edge in edges {
            if isCore[edge.b] {
                groups.unionIfAllowed(edge.a, edge.b)
            } else if !attached[edge.b] {
                // A border face: its strongest core neighbour claims it, if allowed.
                if groups.unionIfAllowed(edge.a, edge.b) { attached[edge.b] = true }
            }
        }
        for i in nodes.indices where !attached[i] {
            for neighbor in neighbors[i] where groups.unionIfAllowed(i, position[neighbor.id]!) { break }
        }
        return groups.groups().map { $0.map { nodes[$0].id } }.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    }
}

/// Union-find over node indices whose roots carry a `PersonGroup` with the merge constraints.
struct UnionFind {
    private var parent: [Int]
    private var group: [Int: PersonGroup]

    init(nodes: [FaceNode]) {
        parent = Array(nodes.indices)
        group = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.offset, PersonGroup(node: $0.element, index: $0.offset)) })
    }

    mutating func root(_ i: Int) -> Int {
        var r = i
        while parent[r] != r { r = parent[r] }
        var j = i
        while parent[j] != r { let next = parent[j]; parent[j] = r; j = next }
        return r
    }

    /// Joins the groups of `a` and `b` when the constraints allow; true when they are (now) one.
    @discardableResult
    mutating func unionIfAllowed(_ a: Int, _ b: Int) -> Bool {
        let ra = root(a), rb = root(b)
        if ra == rb { return true }
        guard group[ra]!.canMerge(with: group[rb]!) else { return false }
        join(ra, rb)
        return true
    }

    /// Joins regardless of constraints (faces the user named alike).
    mutating func forceUnion(_ a: Int, _ b: Int) {
        let ra = root(a), rb = root(b)
        if ra != rb { join(ra, rb) }
    }

    private mutating func join(_ ra: Int, _ rb: Int) {
        let (keep, drop) = group[ra]!.members.count >= group[rb]!.members.count ? (ra, rb) : (rb, ra)
        group[keep]!.absorb(group[drop]!)
        group[drop] = nil
        parent[drop] = keep
    }

    func groups() -> [[Int]] {
        group.values.map { $0.members.sorted() }
    }
}
