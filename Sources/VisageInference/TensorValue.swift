import VisageCore

/// One model input or output of any element type Visage handles: floats for pixels and
/// embeddings, int64 for token ids, booleans for switches such as a merged decoder's
/// `use_cache_branch`. `InferenceSession.run(values:)` takes and returns these.
public enum TensorValue: Sendable, Equatable {
    case float(Tensor)
    case int64(Int64Tensor)
    /// An input only: no model Visage runs returns booleans.
    case bool(BoolTensor)

    public var shape: [Int] {
        switch self {
        case .float(let tensor): return tensor.shape
        case .int64(let tensor): return tensor.shape
        case .bool(let tensor): return tensor.shape
        }
    }

    public var elementCount: Int {
        switch self {
        case .float(let tensor): return tensor.data.count
        case .int64(let tensor): return tensor.data.count
        case .bool(let tensor): return tensor.data.count
        }
    }

    /// The float tensor, or nil when this value holds integers.
    public var floatTensor: Tensor? {
        if case .float(let tensor) = self { return tensor }
        return nil
    }

    /// The int64 tensor, or nil when this value holds floats.
    public var int64Tensor: Int64Tensor? {
        if case .int64(let tensor) = self { return tensor }
        return nil
    }

    /// How error messages name what the caller gave.
    var elementName: String {
        switch self {
        case .float: return "float"
        case .int64: return "int64"
        case .bool: return "bool"
        }
    }
}

/// A dense boolean tensor in row-major order (ONNX's `bool`, one byte per element).
public struct BoolTensor: Sendable, Equatable {
    public let shape: [Int]
    public let data: [Bool]

    /// Throws `invalid_tensor` unless `data` holds exactly the product of `shape` elements.
    public init(shape: [Int], data: [Bool]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
            throw VisageError(.invalidTensor, "bool tensor shape \(shape) does not hold \(data.count) values")
        }
        self.shape = shape
        self.data = data
    }

    /// A one-element switch, shaped `[1]` as Optimum's `use_cache_branch` is.
    public static func flag(_ value: Bool) -> BoolTensor {
        BoolTensor(uncheckedShape: [1], data: [value])
    }

    private init(uncheckedShape shape: [Int], data: [Bool]) {
        self.shape = shape
        self.data = data
    }
}
