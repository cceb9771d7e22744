/// A set of faces that may become one person, with what forbids merging it with another group.
/// Used by the union-find in `DensityClustering`.
struct PersonGroup {
    var members: [Int]            // indices into the node array
    var imageIDs: Set<String>
    var name: String?
    var forbiddenNames: Set<String>

    init(node: FaceNode, index: Int) {
        members = [index]
        imageIDs = [node.imageID]
        name = node.name
        forbiddenNames = node.forbiddenNames
    }

    /// Whether the two groups may be one person: no photo in common, no two different names,
    /// and neither group's name forbidden to the other.
    func canMerge(with other: PersonGroup) -> Bool {
        if !imageIDs.isDisjoint(with: other.imageIDs) { return false }
        if let a = name, let b = other.name, a != b { return false }
        if let a = name, other.forbiddenNames.contains(a) { return false }
        if let b = other.name, forbiddenNames.contains(b) { return false }
        return true
    }

    mutating func absorb(_ other: PersonGroup) {
        members += other.members
        imageIDs.formUnion(other.imageIDs)
        name = name ?? other.name
        forbiddenNames.formUnion(other.forbiddenNames)
    }
}
