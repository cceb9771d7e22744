/// One model input or output of any element type Visage handles: floats for pixels and
/// embeddings, int64 for token ids. `InferenceSession.run(values:)` takes and returns these.
public enum TensorValue: Sendable, Equatable {
    case float(Tensor)
    case int64(Int64Tensor)

    public var shape: [Int] {
        switch self {
        case .float(let tensor): return tensor.shape
        case .int64(let tensor): return tensor.shape
        }
    }

    public var elementCount: Int {
        switch self {
        case .float(let tensor): return tensor.data.count
        case .int64(let tensor): return tensor.data.count
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
        }
    }
}
