import CONNXRuntime
import VisageCore

/// A dense float tensor in row-major order. Models with float16 inputs or outputs are converted
/// at the session boundary, so callers only ever see `Float`.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    /// Throws `invalid_tensor` unless `data` holds exactly the product of `shape` elements.
    public init(shape: [Int], data: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw VisageError(.invalidTensor, "tensor shape \(shape) has a negative dimension")
        }
        let expected = shape.reduce(1, *)
        guard expected == data.count else {
            throw VisageError(.invalidTensor,
                              "tensor shape \(shape) needs \(expected) values but \(data.count) were given")
        }
        self.shape = shape
        self.data = data
    }

    /// For outputs, whose element count ONNX Runtime already guarantees.
    init(unchecked shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    public static func zeros(shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }
}

/// The element type of a model input or output, as far as Visage cares.
public enum TensorElementType: Sendable, Equatable {
    case float, float16
    /// Any other ONNX element type, by its ONNXTensorElementDataType value (e.g. 7 = int64).
    case other(Int32)

    init(_ onnx: ONNXTensorElementDataType) {
        switch onnx {
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: self = .float
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: self = .float16
        default: self = .other(Int32(truncatingIfNeeded: onnx.rawValue))
        }
    }
}

/// A model input or output as the model declares it.
public struct TensorInfo: Sendable, Equatable {
    public var name: String
    /// -1 marks a dynamic dimension (e.g. the batch size).
    public var shape: [Int64]
    public var elementType: TensorElementType
}
