import VisageCore

/// Which face of an image becomes a reference: the one the caller points at (`face_index` in
/// the detection order of `POST /faces/detect`, or the face a `bbox` overlaps most), else the
/// image's one prominent face. A face is prominent when it is the only one, or at least four
/// times the area of the next largest (a portrait with faces in the background); a group photo
/// has none, and the caller must choose, rather than the seed's "first detected face".
public enum ReferenceFaceChoice: Sendable, Equatable {
    case prominent
    case index(Int)
    case box(BoundingBox)

    /// The chosen face's index in `faces`.
    public func pick(from faces: [AnalyzedFace]) throws -> Int {
        guard !faces.isEmpty else { throw VisageError(.faceNotDetected, "no face was found in the image") }
        switch self {
        case .index(let index):
            guard faces.indices.contains(index) else {
                throw VisageError(
                    .invalidRequest, "face_index \(index) is out of range: the image has \(faces.count) faces (0 to \(faces.count - 1))")
            }
            return index
        case .box(let box):
            let overlaps = faces.map { $0.detection.box.iou(box) }
            guard let best = overlaps.indices.max(by: { overlaps[$0] < overlaps[$1] }), overlaps[best] >= 0.3 else {
                throw VisageError(.faceNotDetected, "no face found overlaps the bbox (intersection over union 0.3 or more); \(Self.listing(faces))")
            }
            return best
        case .prominent:
            let order = faces.indices.sorted { faces[$0].detection.box.area > faces[$1].detection.box.area }
            if order.count == 1 || faces[order[0]].detection.box.area >= 4 * faces[order[1]].detection.box.area { return order[0] }
            throw VisageError(.faceAmbiguous, "the image has \(faces.count) faces; choose one with face_index or bbox: \(Self.listing(faces))")
        }
    }

    private static func listing(_ faces: [AnalyzedFace]) -> String {
        faces.enumerated().prefix(20).map { index, face in
            let box = face.detection.box
            return "\(index): [\(Int(box.x.rounded())), \(Int(box.y.rounded())), \(Int(box.width.rounded())), \(Int(box.height.rounded()))]"
        }.joined(separator: ", ")
    }
}
