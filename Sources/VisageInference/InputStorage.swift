import CONNXRuntime
import VisageCore

/// The bytes of one input as ORT must see them: the caller's values as they are (no copy), or
/// converted where the model's element type is narrower (float16 from floats, int32 from int64).
enum InputStorage {
    case float([Float])
    case half([UInt16])
    case int64([Int64])
    case int32([Int32])
    /// ONNX stores a bool as one byte, 0 or 1.
    case bool([UInt8])

    init(_ value: TensorValue, for info: TensorInfo) throws {
        switch (value, info.elementType) {
        case (.float(let tensor), .float): self = .float(tensor.data)
        case (.float(let tensor), .float16): self = .half(try Float16Conversion.halfBits(tensor.data))
        case (.int64(let tensor), .int64): self = .int64(tensor.data)
        case (.int64(let tensor), .int32): self = .int32(try Self.narrowed(tensor.data, input: info.name))
        case (.bool(let tensor), .bool): self = .bool(tensor.data.map { $0 ? 1 : 0 })
        case (_, .other(let type)):
            throw VisageError(
                .inferenceFailed,
                "input '\(info.name)' has ONNX element type \(type); only float, float16, int32, int64 and bool inputs are supported")
        default:
            throw VisageError(
                .inferenceFailed,
                "input '\(info.name)' takes \(info.elementType) values but \(value.elementName) values were given")
        }
    }

    /// The element type ORT is told the buffer holds.
    var onnxType: ONNXTensorElementDataType {
        switch self {
        case .float: return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT
        case .half: return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16
        case .int64: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64
        case .int32: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32
        case .bool: return ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL
        }
    }

    var byteCount: Int {
        switch self {
        case .float(let values): return values.count * MemoryLayout<Float>.stride
        case .half(let values): return values.count * MemoryLayout<UInt16>.stride
        case .int64(let values): return values.count * MemoryLayout<Int64>.stride
        case .int32(let values): return values.count * MemoryLayout<Int32>.stride
        case .bool(let values): return values.count
        }
    }

    /// Token ids always fit in int32; anything that does not is a caller's bug, not a value to wrap.
    private static func narrowed(_ values: [Int64], input: String) throws -> [Int32] {
        try values.map { value in
            guard let narrow = Int32(exactly: value) else {
                throw VisageError(.inferenceFailed, "input '\(input)' is int32 and cannot hold \(value)")
            }
            return narrow
        }
    }

    /// Pins every storage's buffer for the duration of `body`, which receives their addresses in
    /// order. Nested closures are how Swift keeps several array buffers alive and unmoved at once.
    static func withPinned<R>(
        _ storages: ArraySlice<InputStorage>, pinned: [UnsafeMutableRawPointer] = [],
        _ body: ([UnsafeMutableRawPointer]) throws -> R
    ) throws -> R {
        guard let first = storages.first else { return try body(pinned) }
        return try first.withAddress { address in
            try withPinned(storages.dropFirst(), pinned: pinned + [address], body)
        }
    }

    private func withAddress<R>(_ body: (UnsafeMutableRawPointer) throws -> R) throws -> R {
        // ORT takes a non-const pointer but never writes to input tensors, hence `mutating:`.
        switch self {
        case .float(let values): return try values.withUnsafeBytes { try body(UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
        case .half(let values): return try values.withUnsafeBytes { try body(UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
        case .int64(let values): return try values.withUnsafeBytes { try body(UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
        case .int32(let values): return try values.withUnsafeBytes { try body(UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
        case .bool(let values): return try values.withUnsafeBytes { try body(UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
        }
    }
}
