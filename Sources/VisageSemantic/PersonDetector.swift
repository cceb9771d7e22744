import Foundation
import VisageCore
import VisageImaging
import VisageInference
import VisageModels

/// A person found in an image: its box in that image's pixels and the detector's score (0...1).
public struct PersonDetection: Sendable, Equatable {
    public var box: BoundingBox
    public var confidence: Double

    public init(box: BoundingBox, confidence: Double) {
        self.box = box
        self.confidence = confidence
    }
}

/// People in an image, with NanoDet (OpenCV Zoo's `object_detection_nanodet_2022nov.onnx`, which
/// its README calls NanoDet-Plus-m-1.5x 416 and shared/models/MODELS.md NanoDet-m; COCO's 80
/// classes, class 0 is `person`).
///
/// The model takes a 416x416 BGR image normalised with NanoDet's mean and std. For each stride
/// (8, 16, 32) it returns class scores [1, N, 80] (sigmoid already applied) and box sides
/// [1, N, 32]: for each of left, top, right, bottom a distribution over 8 bins, whose softmax
/// expectation times the stride is the distance from the cell's centre, `col * s + (s - 1) / 2`
/// (NanoDet-m's centres, as OpenCV Zoo's `nanodet.py` decodes them). The outputs have numeric
/// names, so they are told apart by shape: 80 columns for scores, 32 for boxes, and the stride
/// from the row count. Boxes are clipped to the canvas, kept above `scoreThreshold`, and reduced
/// by greedy NMS at `nmsThreshold`. On the same input tensor (insightface_t1.jpg), the boxes and
/// scores were checked once against OpenCV Zoo's `post_process` run in Python (person class,
/// 0.35, NMS at 0.6): the same seven people to two decimals.
public struct PersonDetector: Sendable {
    /// NanoDet's own preprocessing: BGR, mean (103.53, 116.28, 123.675), std (57.375, 57.12, 58.395).
    public static let standardNormalization = Normalization(
        colorOrder: .bgr, channelMean: [103.53, 116.28, 123.675], channelStd: [57.375, 57.12, 58.395])
    public static let standardInputSize = InputSize(width: 416, height: 416)
    /// COCO's class count and the index of `person`.
    static let classCount = 80
    static let personClass = 0
    /// Bins per box side (NanoDet's reg_max + 1).
    static let bins = 8
    static let strides = [8, 16, 32, 64]

    let session: InferenceSession
    let inputName: String
    public let inputSize: InputSize
    public let normalization: Normalization
    /// Detections scoring below this are dropped (OpenCV Zoo's demo uses 0.35).
    public var scoreThreshold: Double
    /// Greedy NMS drops a box overlapping a kept one by more than this IoU (OpenCV Zoo: 0.6).
    public var nmsThreshold: Double

    public init(
        session: InferenceSession, inputSize: InputSize = standardInputSize, normalization: Normalization = standardNormalization,
        scoreThreshold: Double = 0.35, nmsThreshold: Double = 0.6
    ) throws {
        guard session.inputs.count == 1, let input = session.inputs.first, input.elementType == .float,
            session.outputs.count >= 2,
            session.outputs.contains(where: { $0.shape.last == Int64(Self.classCount) }),
            session.outputs.contains(where: { $0.shape.last == Int64(4 * Self.bins) })
        else {
            throw VisageError(
                .modelMismatch,
                "the person detector does not have NanoDet's inputs and outputs (one float image input; per stride [1, N, 80] scores and [1, N, 32] boxes)"
            )
        }
        self.session = session
        self.inputName = input.name
        self.inputSize = inputSize
        self.normalization = normalization
        self.scoreThreshold = scoreThreshold
        self.nmsThreshold = nmsThreshold
    }

    /// Loads the pack's person detector from `store`, or `model_pack_not_installed` when its file
    /// is missing (`visage models fetch` installs it).
    public init(spec: PersonDetectorSpec, store: ModelStore, runtime: OnnxRuntime, options: SessionOptions) throws {
        let path = store.path(for: spec.file)
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw VisageError(
                .modelPackNotInstalled,
                "the person detector \(spec.file) is not installed in \(store.directory.path): run `visage models fetch`")
        }
        switch spec.decoder {
        case .nanodet:
            let session = try InferenceSession(runtime: runtime, modelPath: path.path, options: options)
            try self.init(session: session, inputSize: spec.inputSize, normalization: spec.normalization)
        }
    }

    /// The people in `image`, most confident first, in `image`'s pixels.
    public func detect(in image: RGBImage) throws -> [PersonDetection] {
        let input = try LetterboxedInput(image, size: inputSize, normalization: normalization)
        let outputs = try session.run([inputName: input.tensor])
        var scoresByCount: [Int: Tensor] = [:], boxesByCount: [Int: Tensor] = [:]
        for tensor in outputs.values where tensor.shape.count >= 2 {
            let columns = tensor.shape[tensor.shape.count - 1], rows = tensor.data.count / max(columns, 1)
            if columns == Self.classCount { scoresByCount[rows] = tensor }
            if columns == 4 * Self.bins { boxesByCount[rows] = tensor }
        }
        var candidates: [PersonDetection] = []
        for stride in Self.strides {
            let columns = inputSize.width / stride, rows = inputSize.height / stride
            guard let scores = scoresByCount[columns * rows], let boxes = boxesByCount[columns * rows] else { continue }
            candidates += decode(stride: stride, columns: columns, scores: scores.data, boxes: boxes.data)
        }
        guard !scoresByCount.isEmpty, !boxesByCount.isEmpty else {
            throw VisageError(.modelMismatch, "the person detector returned no [1, N, 80] scores and [1, N, 32] boxes")
        }
        let imageWidth = Double(image.width), imageHeight = Double(image.height)
        return Self.suppress(candidates, iouThreshold: nmsThreshold).compactMap { detection in
            let box = detection.box.scaled(by: 1 / input.scale).clamped(width: imageWidth, height: imageHeight)
            guard box.width > 0, box.height > 0 else { return nil }
            return PersonDetection(box: box, confidence: detection.confidence)
        }
    }

    private func decode(stride: Int, columns: Int, scores: [Float], boxes: [Float]) -> [PersonDetection] {
        let cells = min(scores.count / Self.classCount, boxes.count / (4 * Self.bins))
        let s = Double(stride), width = Double(inputSize.width), height = Double(inputSize.height)
        var found: [PersonDetection] = []
        for cell in 0..<cells {
            let score = Double(scores[cell * Self.classCount + Self.personClass])
            guard score >= scoreThreshold else { continue }
            let centerX = Double(cell % columns) * s + (s - 1) / 2
            let centerY = Double(cell / columns) * s + (s - 1) / 2
            var sides = [Double](repeating: 0, count: 4)
            for side in 0..<4 {
                sides[side] = Self.expectation(boxes, start: (cell * 4 + side) * Self.bins) * s
            }
            let left = min(max(centerX - sides[0], 0), width), top = min(max(centerY - sides[1], 0), height)
            let right = min(max(centerX + sides[2], 0), width), bottom = min(max(centerY + sides[3], 0), height)
            found.append(PersonDetection(box: BoundingBox(x: left, y: top, width: right - left, height: bottom - top), confidence: score))
        }
        return found
    }

    /// The expected bin of the softmax over `bins` logits starting at `start`.
    static func expectation(_ logits: [Float], start: Int) -> Double {
        var largest = -Double.infinity
        for bin in 0..<bins { largest = max(largest, Double(logits[start + bin])) }
        var total = 0.0, weighted = 0.0
        for bin in 0..<bins {
            let weight = exp(Double(logits[start + bin]) - largest)
            total += weight
            weighted += weight * Double(bin)
        }
        return weighted / total
    }

    /// Greedy NMS: the most confident first, dropping any box overlapping a kept one by more than
    /// `iouThreshold`.
    static func suppress(_ detections: [PersonDetection], iouThreshold: Double) -> [PersonDetection] {
        var kept: [PersonDetection] = []
        for candidate in detections.sorted(by: { $0.confidence > $1.confidence })
        where !kept.contains(where: { $0.box.iou(candidate.box) > iouThreshold }) {
            kept.append(candidate)
        }
        return kept
    }
}
