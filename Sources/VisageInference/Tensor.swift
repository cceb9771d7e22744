import CONNXRuntime
import VisageCore

/// What a tensor may hold on the Swift side. Float16 is not among them: models with float16
/// tensors are converted at the session boundary, so callers only ever see `Float`.
public protocol TensorElement: Sendable, Equatable, Numeric {}
extension Float: TensorElement {}
/// Token ids (CLIP text encoders, caption decoders) and integer outputs.
extension Int64: TensorElement {}

/// A dense tensor in row-major order.
public struct TypedTensor<Element: TensorElement>: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Element]

    /// Throws `invalid_tensor` unless `data` holds exactly the product of `shape` elements.
    public init(shape: [Int], data: [Element]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw VisageError(.invalidTensor, "tensor shape \(shape) has a negative dimension")
        }
        let expected = shape.reduce(1, *)
        guard expected == data.count else {
            throw VisageError(
                .invalidTensor,
                "tensor shape \(shape) needs \(expected) values but \(data.count) were given")
        }
        self.shape = shape
        self.data = data
    }

    /// For outputs, whose element count ONNX Runtime already guarantees.
    init(unchecked shape: [Int], data: [Element]) {
        self.shape = shape
        self.data = data
    }

    public static func zeros(shape: [Int]) throws -> TypedTensor {
        try TypedTensor(shape: shape, data: [Element](repeating: .zero, count: shape.reduce(1, *)))
    }
}

/// Pixels, embeddings, scores: what every face model takes and returns.
public typealias Tensor = TypedTensor<Float>
/// Token ids and other integer tensors.
public typealias Int64Tensor = TypedTensor<Int64>

/// The element type of a model input or output, as far as Visage cares.
public enum TensorElementType: Sendable, Equatable {
    case float, float16, int64
    /// Fed from and read into `Int64Tensor` (some text encoders take int32 token ids).
    case int32
    /// Fed from `BoolTensor` (a merged decoder's `use_cache_branch`).
    case bool
    /// Any other ONNX element type, by its ONNXTensorElementDataType value (e.g. 11 = double).
    case other(Int32)

    init(_ onnx: ONNXTensorElementDataType) {
        switch onnx {
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: self = .float
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: self = .float16
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: self = .int64
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: self = .int32
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: self = .bool
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
