import VisageSearch

/// Rebuilds all people from scratch: density-based clustering with user constraints.
///
/// 1. Faces with the same user/XMP name start in one group (the user's word is final).
/// 2. Each face's neighbours are the faces at least `neighborSimilarity` alike; a face with at
///    least `minNeighbors` of them, and of reliable quality (`minQuality`), is a *core* face
///    (DBSCAN's density condition). Poor faces are never core, so they never bridge two people.
/// 3. Edges between a core face and its neighbours are taken strongest first and join their
///    groups (single linkage through dense regions, like DBSCAN, but ordered so the most certain
///    links decide first), unless the merge would break a constraint: two faces of one photo,
///    two different names, a name the user ruled out, or two groups of two or more faces whose
///    mean similarity (average linkage) is below `groupSimilarity`, which stops one strong link
///    from chaining two people.
/// 4. A non-core face joins the group of its most similar core neighbour (a DBSCAN border
///    point). A non-core face with no core neighbour joins its one neighbour, if either of them
///    is reliable: two photos of someone seen twice are a person too, which plain DBSCAN (and
///    Immich) would leave as two strangers.
/// 5. A face still alone joins the group of two or more whose three most similar faces are, on
///    average, at least `joinSimilarity` alike (the most similar such group): degraded photos of
///    a person fall below the strong threshold but stay closest to that person.
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
        let reliable = nodes.map { parameters.isReliable($0.quality) }
        let isCore = nodes.indices.map { neighbors[$0].count >= parameters.minNeighbors && reliable[$0] }

        var groups = UnionFind(nodes: nodes, groupSimilarity: parameters.groupSimilarity)
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
            for neighbor in neighbors[i] {
                let j = position[neighbor.id]!
                guard reliable[i] || reliable[j] else { continue }
                if groups.unionIfAllowed(i, j) { break }
            }
        }
        attachLoneFaces(nodes, index: index, position: position, groups: &groups)
        return groups.groups().map { $0.map { nodes[$0].id } }.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    }

    /// Step 5: each face still alone joins the best group of two or more by the mean of its three
    /// most similar members among its `personNeighborsExamined` nearest faces.
    private func attachLoneFaces(_ nodes: [FaceNode], index: ExactVectorIndex, position: [Int64: Int], groups: inout UnionFind) {
        let lone = nodes.indices.filter { groups.size(of: $0) == 1 }
        for i in lone {
            var similarities: [Int: [Float]] = [:]
            for neighbor in index.search(nodes[i].embedding, k: parameters.personNeighborsExamined, excluding: [nodes[i].id]) {
                let j = position[neighbor.id]!
                let root = groups.root(j)
                if groups.size(of: root) >= 2 { similarities[root, default: []].append(neighbor.similarity) }
            }
            var ranked: [(root: Int, score: Float)] = []
            for (root, values) in similarities {
                let score = Self.meanOfTop(3, values)
                if score >= parameters.joinSimilarity { ranked.append((root, score)) }
            }
            ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.root < $1.root }
            for candidate in ranked where groups.unionIfAllowed(i, candidate.root, checkingLinkage: false) { break }
        }
    }

    /// Mean of the `count` largest of `values` (all of them when fewer).
    static func meanOfTop(_ count: Int, _ values: [Float]) -> Float {
        let top = values.sorted(by: >).prefix(count)
        return top.isEmpty ? 0 : top.reduce(0, +) / Float(top.count)
    }
}

/// Union-find over node indices whose roots carry a `PersonGroup` with the merge constraints.
struct UnionFind {
    private var parent: [Int]
    private var group: [Int: PersonGroup]
    /// The average-linkage bound for merging two groups of two or more (see `DensityClustering`).
    private let groupSimilarity: Float

    init(nodes: [FaceNode], groupSimilarity: Float) {
        parent = Array(nodes.indices)
        group = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.offset, PersonGroup(node: $0.element, index: $0.offset)) })
        self.groupSimilarity = groupSimilarity
    }

    mutating func size(of i: Int) -> Int {
        group[root(i)]!.members.count
    }

    mutating func root(_ i: Int) -> Int {
        var r = i
        while parent[r] != r { r = parent[r] }
        var j = i
        while parent[j] != r { let next = parent[j]; parent[j] = r; j = next }
        return r
    }

    /// Joins the groups of `a` and `b` when the constraints allow (and, with `checkingLinkage`,
    /// the average-linkage bound); true when they are (now) one.
    @discardableResult
    mutating func unionIfAllowed(_ a: Int, _ b: Int, checkingLinkage: Bool = true) -> Bool {
        let ra = root(a), rb = root(b)
        if ra == rb { return true }
        let first = group[ra]!, second = group[rb]!
        guard first.canMerge(with: second) else { return false }
        if checkingLinkage, first.members.count >= 2, second.members.count >= 2,
            first.meanSimilarity(to: second) < groupSimilarity
        {
            return false
        }
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
