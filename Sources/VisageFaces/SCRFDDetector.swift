import VisageCore
import VisageImaging
import VisageInference
import VisageModels

/// InsightFace's SCRFD (det_500m, det_2.5g, det_10g): two anchors per grid cell at strides 8,
/// 16 and 32. Input RGB, (x - 127.5) / 128. Boxes are distances from the cell's top-left
/// corner to the four sides, landmarks offsets from it, both in units of the stride.
public struct SCRFDDetector: FaceDetector {
    let session: InferenceSession
    let thresholds: DetectionThresholds
    let inputName: String
    public let inputWidth: Int
    public let inputHeight: Int
    let layout: Normalization
    /// The preprocessing the published model expects; packs may override it.
    public static let standardLayout = Normalization(colorOrder: .rgb, mean: 127.5, std: 128)
    static let strides = [8, 16, 32]
    static let anchorsPerCell = 2

    public init(
        session: InferenceSession, inputWidth: Int = 640, inputHeight: Int = 640, layout: Normalization = standardLayout,
        thresholds: DetectionThresholds = .init(score: 0.5, nms: 0.4)
    ) throws {
        guard let input = session.inputs.first, session.outputs.count == 9 else {
            throw VisageError(.modelMismatch, "the detector model does not look like SCRFD with landmarks (one input, 9 outputs)")
        }
        self.session = session
        self.layout = layout
        self.inputName = input.name
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.thresholds = thresholds
    }

    public func detect(in image: RGBImage) throws -> [DetectedFace] {
        let letterbox = try Letterbox(image, inputWidth: inputWidth, inputHeight: inputHeight, layout: layout)
        let outputs = try session.run([inputName: letterbox.tensor])
        // Exports name outputs differently ("score_8" or "448"), so group them by shape: the
        // last dimension tells scores (1), boxes (4) and landmarks (10); the row count tells
        // the stride.
        var candidates: [DetectedFace] = []
        for stride in Self.strides {
            let cells = (inputWidth / stride) * (inputHeight / stride) * Self.anchorsPerCell
            func output(width: Int) throws -> [Float] {
                guard let tensor = outputs.values.first(where: { $0.shape.last == width && $0.data.count == cells * width }) else {
                    throw VisageError(.modelMismatch, "SCRFD output with \(cells)x\(width) values (stride \(stride)) is missing")
                }
                return tensor.data
            }
            candidates += decode(stride: stride, scores: try output(width: 1), boxes: try output(width: 4), landmarks: try output(width: 10))
        }
        let kept = NonMaximumSuppression.apply(candidates, iouThreshold: thresholds.nms)
        return kept.map { $0.unscaled(letterbox.scale) }
    }

    private func decode(stride: Int, scores: [Float], boxes: [Float], landmarks: [Float]) -> [DetectedFace] {
        let columns = inputWidth / stride
        let s = Double(stride)
        var faces: [DetectedFace] = []
        for index in 0..<scores.count where Double(scores[index]) >= thresholds.score {
            let cell = index / Self.anchorsPerCell
            let anchorX = Double(cell % columns) * s, anchorY = Double(cell / columns) * s
            let b = index * 4
            let left = anchorX - Double(boxes[b]) * s, top = anchorY - Double(boxes[b + 1]) * s
            let right = anchorX + Double(boxes[b + 2]) * s, bottom = anchorY + Double(boxes[b + 3]) * s
            let k = index * 10
            let points = (0..<5).map { Point(x: anchorX + Double(landmarks[k + 2 * $0]) * s, y: anchorY + Double(landmarks[k + 2 * $0 + 1]) * s) }
            faces.append(
                DetectedFace(
                    box: BoundingBox(x: left, y: top, width: right - left, height: bottom - top),
                    confidence: Double(scores[index]), landmarks: FaceLandmarks(points: points)))
        }
        return faces
    }
}
