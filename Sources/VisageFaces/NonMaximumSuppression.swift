import VisageCore

enum NonMaximumSuppression {
    /// Greedy NMS: keeps the most confident face and drops others overlapping it by more than
    /// `iouThreshold`. Also drops a face mostly inside a kept one (a face part detected twice,
    /// common when tiles are merged).
    static func apply(_ faces: [DetectedFace], iouThreshold: Double, containment: Double = 0.8) -> [DetectedFace] {
        let sorted = faces.sorted { $0.confidence > $1.confidence }
        var kept: [DetectedFace] = []
        for candidate in sorted {
            let suppressed = kept.contains { keeper in
                if keeper.box.iou(candidate.box) > iouThreshold { return true }
                let inside = keeper.box.intersectionArea(candidate.box) / max(candidate.box.area, 1e-9)
                return inside > containment
            }
            if !suppressed { kept.append(candidate) }
        }
        return kept
    }
}

extension BoundingBox {
    func intersectionArea(_ other: BoundingBox) -> Double {
        let w = min(maxX, other.maxX) - max(x, other.x)
        let h = min(maxY, other.maxY) - max(y, other.y)
        return w > 0 && h > 0 ? w * h : 0
    }
}
