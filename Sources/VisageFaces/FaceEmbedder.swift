import Foundation
import VisageCore
import VisageImaging
import VisageInference
import VisageModels

/// ArcFace-style recogniser: a face aligned to the 112x112 template in, an identity vector out.
/// All faces of an image go through the model in batches; vectors are L2-normalised so cosine
/// similarity is a dot product.
public struct FaceEmbedder: Sendable {
    let session: InferenceSession
    let inputName: String
    let layout: Normalization
    let template: AlignmentTemplate
    /// 1 for models exported with a fixed batch dimension.
    let maxBatch: Int
    public let dimensions: Int

    public init(session: InferenceSession, layout: Normalization, template: AlignmentTemplate = .arcFace112, maxBatch: Int = 32) throws {
        guard let input = session.inputs.first, input.shape.count == 4,
            input.shape[2] == Int64(template.size) || input.shape[2] < 0,
            let output = session.outputs.first, let width = output.shape.last, width > 0
        else {
            throw VisageError(.modelMismatch, "the embedding model must take [N,3,\(template.size),\(template.size)] and return [N,D]")
        }
        self.session = session
        self.inputName = input.name
        self.layout = layout
        self.template = template
        self.maxBatch = input.shape[0] > 0 ? Int(input.shape[0]) : maxBatch
        self.dimensions = Int(width)
    }

    /// Embeddings of the faces at `landmarks` in `image`, in the same order.
    public func embed(_ landmarks: [FaceLandmarks], in image: RGBImage) throws -> [[Float]] {
        try embed(alignedFaces: landmarks.map { image.aligned($0, to: template) })
    }

    /// Embeddings of the faces at `landmarks` with what the quality score needs from them: the
    /// raw vector's length and the aligned face's sharpness.
    public func embedMeasuring(_ landmarks: [FaceLandmarks], in image: RGBImage) throws -> [MeasuredEmbedding] {
        let aligned = landmarks.map { image.aligned($0, to: template) }
        return try rawEmbeddings(aligned).enumerated().map { index, raw in
            let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return MeasuredEmbedding(vector: Self.normalized(raw), norm: Double(norm), sharpness: aligned[index].laplacianVariance())
        }
    }

    /// Embeddings of faces already aligned to the template.
    public func embed(alignedFaces faces: [RGBImage]) throws -> [[Float]] {
        try rawEmbeddings(faces).map(Self.normalized)
    }

    private func rawEmbeddings(_ faces: [RGBImage]) throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(faces.count)
        var start = 0
        while start < faces.count {
            let batch = Array(faces[start..<min(start + maxBatch, faces.count)])
            vectors += try run(batch)
            start += batch.count
        }
        return vectors
    }

    private func run(_ faces: [RGBImage]) throws -> [[Float]] {
        let side = template.size, plane = 3 * side * side
        var data = [Float](repeating: 0, count: faces.count * plane)
        let pixels = layout.planar
        for (index, face) in faces.enumerated() {
            pixels.write(face, into: &data, offset: index * plane, canvasWidth: side, canvasHeight: side)
        }
        let outputs = try session.run([inputName: try Tensor(shape: [faces.count, 3, side, side], data: data)])
        guard let output = outputs.values.first, output.data.count == faces.count * dimensions else {
            throw VisageError(.inferenceFailed, "the embedding model returned an unexpected shape")
        }
        return (0..<faces.count).map { index in Array(output.data[index * dimensions..<(index + 1) * dimensions]) }
    }

    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}

/// An embedding with the signals measured while computing it.
public struct MeasuredEmbedding: Sendable {
    /// L2-normalised.
    public var vector: [Float]
    /// The raw vector's length.
    public var norm: Double
    /// `RGBImage.laplacianVariance()` of the aligned face.
    public var sharpness: Double
}

public extension Array where Element == Float {
    /// Cosine similarity of two L2-normalised vectors.
    func cosineSimilarity(_ other: [Float]) -> Float {
        zip(self, other).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

extension RGBImage {
    /// Variance of the 4-neighbour Laplacian of the luma, over the inner pixels: a standard
    /// focus measure, high for sharp edges and low for blurred or flat faces.
    func laplacianVariance() -> Double {
        guard width >= 3, height >= 3 else { return 0 }
        var luma = [Double](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            luma[i] = 0.299 * Double(pixels[3 * i]) + 0.587 * Double(pixels[3 * i + 1]) + 0.114 * Double(pixels[3 * i + 2])
        }
        var sum = 0.0, squares = 0.0
        for y in 1..<(height - 1) {
            for x in 1..<(width - 1) {
                let i = y * width + x
                let value = luma[i - 1] + luma[i + 1] + luma[i - width] + luma[i + width] - 4 * luma[i]
                sum += value
                squares += value * value
            }
        }
        let count = Double((width - 2) * (height - 2))
        return squares / count - (sum / count) * (sum / count)
    }
}
