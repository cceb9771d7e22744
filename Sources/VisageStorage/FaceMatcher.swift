import VisageCore

/// Pairs the faces of a re-analysed image with the faces stored for it before, so identity
/// (cluster, label, constraints) survives a re-analysis that moves boxes by a few pixels.
public enum FaceMatcher {
    public static let minimumIoU = 0.5

    /// Greedy: the best-overlapping pair first, each face used at most once, pairs below
    /// `minimumIoU` never. Returns new index -> old index.
    public static func match(old: [BoundingBox], new: [BoundingBox], minimumIoU: Double = minimumIoU) -> [Int: Int] {
        var candidates: [(iou: Double, old: Int, new: Int)] = []
        for (oldIndex, oldBox) in old.enumerated() {
            for (newIndex, newBox) in new.enumerated() {
                let iou = oldBox.iou(newBox)
                if iou >= minimumIoU { candidates.append((iou, oldIndex, newIndex)) }
            }
        }
        // Ties broken by index so the result does not depend on the sort's stability.
        candidates.sort { ($0.iou, $1.old, $1.new) > ($1.iou, $0.old, $0.new) }
        var oldByNew: [Int: Int] = [:]
        var usedOld = Set<Int>()
        for candidate in candidates where oldByNew[candidate.new] == nil && !usedOld.contains(candidate.old) {
            oldByNew[candidate.new] = candidate.old
            usedOld.insert(candidate.old)
        }
        return oldByNew
    }
}
