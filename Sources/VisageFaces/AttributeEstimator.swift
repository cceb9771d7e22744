import VisageCore
import VisageImaging
import VisageInference
import VisageModels

/// InsightFace's genderage model: a face crop centred on the detection box (box side x 1.5,
/// no rotation), 96x96 RGB, unnormalised; outputs [female, male, age / 100].
public struct AttributeEstimator: Sendable {
    let session: InferenceSession
    let inputName: String
    let size: Int
    let layout: Normalization

    public init(session: InferenceSession, size: Int = 96, layout: Normalization = .init(colorOrder: .rgb, mean: 0, std: 1)) throws {
        guard let input = session.inputs.first, let output = session.outputs.first, output.shape.last == 3 else {
            throw VisageError(.modelMismatch, "the attribute model must return [N,3] (female, male, age/100)")
        }
        self.session = session
        self.inputName = input.name
        self.size = size
        self.layout = layout
    }

    public func estimate(_ faces: [DetectedFace], in image: RGBImage) throws -> [(age: Int, gender: Gender)] {
        try faces.map { face in
            let side = max(face.box.width, face.box.height) * 1.5
            let scale = Double(size) / side
            let centre = face.box.center
            let transform = SimilarityTransform(a: scale, b: 0, tx: Double(size) / 2 - centre.x * scale, ty: Double(size) / 2 - centre.y * scale)
            let crop = image.warped(by: transform, width: size, height: size)
            var data = [Float](repeating: 0, count: 3 * size * size)
            layout.planar.write(crop, into: &data, offset: 0, canvasWidth: size, canvasHeight: size)
            let outputs = try session.run([inputName: try Tensor(shape: [1, 3, size, size], data: data)])
            guard let prediction = outputs.values.first?.data, prediction.count >= 3 else {
                throw VisageError(.inferenceFailed, "the attribute model returned too few values")
            }
            let gender: Gender = prediction[1] > prediction[0] ? .male : .female
            // The image is a client's, so the output is checked like client input: a NaN or
            // absurd value must not trap in `Int(_:)`.
            let years = Double(prediction[2]) * 100
            let age = years.isFinite ? Int(min(max(years, 0), 150).rounded()) : 0
            return (age: age, gender: gender)
        }
    }
}
