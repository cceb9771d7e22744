import VisageCore

/// The bytes of one input as ORT must see them: the caller's floats as they are (no copy), or
/// converted to half floats for a float16 input.
enum InputStorage {
    case float([Float])
    case half([UInt16])

    init(_ tensor: Tensor, for info: TensorInfo) throws {
        switch info.elementType {
        case .float: self = .float(tensor.data)
        case .float16: self = .half(try Float16Conversion.halfBits(tensor.data))
        case .other(let type):
            throw VisageError(.inferenceFailed,
                              "input '\(info.name)' has ONNX element type \(type); only float and float16 inputs are supported")
        }
    }

    var byteCount: Int {
        switch self {
        case .float(let values): return values.count * MemoryLayout<Float>.stride
        case .half(let values): return values.count * MemoryLayout<UInt16>.stride
        }
    }

    /// Pins every storage's buffer for the duration of `body`, which receives their addresses in
    /// order. Nested closures are how Swift keeps several array buffers alive and unmoved at once.
    static func withPinned<R>(_ storages: ArraySlice<InputStorage>, pinned: [UnsafeMutableRawPointer] = [],
                              _ body: ([UnsafeMutableRawPointer]) throws -> R) throws -> R
    {
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
        }
    }
}
