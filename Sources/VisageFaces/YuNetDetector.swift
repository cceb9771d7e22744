import Foundation
import VisageCore
import VisageImaging
import VisageInference
import VisageModels

/// OpenCV Zoo's YuNet: anchor-free, one prediction per grid cell at strides 8, 16 and 32.
/// Input BGR 0...255 without normalisation; outputs cls/obj scores, box (centre offset and
/// log-size) and 5 landmark offsets per cell, all in units of the stride.
public struct YuNetDetector: FaceDetector {
    let session: InferenceSession
    let thresholds: DetectionThresholds
    public let inputWidth: Int
    public let inputHeight: Int
    let layout: Normalization
    /// The preprocessing the published model expects; packs may override it.
    public static let standardLayout = Normalization(colorOrder: .bgr, mean: 0, std: 1)
    static let strides = [8, 16, 32]

    public init(
        session: InferenceSession, inputWidth: Int = 640, inputHeight: Int = 640, layout: Normalization = standardLayout,
        thresholds: DetectionThresholds = .init()
    ) throws {
        guard let input = session.inputs.first, input.name == "input",
            session.outputs.contains(where: { $0.name == "cls_8" })
        else {
            throw VisageError(.modelMismatch, "the detector model does not have YuNet's inputs and outputs (input, cls_8, obj_8, bbox_8, kps_8, ...)")
        }
        self.session = session
        self.layout = layout
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.thresholds = thresholds
    }

    public func detect(in image: RGBImage) throws -> [DetectedFace] {
        let letterbox = try Letterbox(image, inputWidth: inputWidth, inputHeight: inputHeight, layout: layout)
        let outputs = try session.run(["input": letterbox.tensor])
        var candidates: [DetectedFace] = []
        for stride in Self.strides {
            guard let cls = outputs["cls_\(stride)"], let obj = outputs["obj_\(stride)"],
                let box = outputs["bbox_\(stride)"], let kps = outputs["kps_\(stride)"]
            else {
                throw VisageError(.modelMismatch, "YuNet output for stride \(stride) is missing")
            }
            candidates += decode(stride: stride, cls: cls.data, obj: obj.data, box: box.data, kps: kps.data)
        }
        let kept = NonMaximumSuppression.apply(candidates, iouThreshold: thresholds.nms)
        return kept.map { $0.unscaled(letterbox.scale) }
    }

    private func decode(stride: Int, cls: [Float], obj: [Float], box: [Float], kps: [Float]) -> [DetectedFace] {
        let columns = inputWidth / stride
        let s = Double(stride)
        var faces: [DetectedFace] = []
        for index in 0..<min(cls.count, obj.count) {
            let score = (Double(min(max(cls[index], 0), 1)) * Double(min(max(obj[index], 0), 1))).squareRoot()
            guard score >= thresholds.score else { continue }
            let column = Double(index % columns), row = Double(index / columns)
            let b = index * 4
            let centerX = (column + Double(box[b])) * s, centerY = (row + Double(box[b + 1])) * s
            let width = exp(Double(box[b + 2])) * s, height = exp(Double(box[b + 3])) * s
            let k = index * 10
            let points = (0..<5).map { Point(x: (column + Double(kps[k + 2 * $0])) * s, y: (row + Double(kps[k + 2 * $0 + 1])) * s) }
            faces.append(
                DetectedFace(
                    box: BoundingBox(x: centerX - width / 2, y: centerY - height / 2, width: width, height: height),
                    confidence: score, landmarks: FaceLandmarks(points: points)))
        }
        return faces
    }
}
