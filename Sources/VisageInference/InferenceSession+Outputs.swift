import CONNXRuntime
import VisageCore

extension InferenceSession {
    /// Copies an output OrtValue out of ORT's memory: float16 widened to Float, int32 to Int64.
    func readOutput(_ value: OpaquePointer, name: String) throws -> TensorValue {
        let api = runtime.api
        var info: OpaquePointer?
        try runtime.check(api.GetTensorTypeAndShape!(value, &info), code: .inferenceFailed, "reading output '\(name)'")
        defer { api.ReleaseTensorTypeAndShapeInfo!(info) }
        let (elementType, dimensions) = try runtime.elementTypeAndShape(of: info!)
        var count = 0
        try runtime.check(api.GetTensorShapeElementCount!(info, &count), code: .inferenceFailed, "sizing output '\(name)'")
        var raw: UnsafeMutableRawPointer?
        try runtime.check(api.GetTensorMutableData!(value, &raw), code: .inferenceFailed, "reading output '\(name)'")

        let shape = dimensions.map { Int($0) }
        func elements<T>(_: T.Type) -> UnsafeBufferPointer<T> {
            UnsafeBufferPointer(start: raw?.assumingMemoryBound(to: T.self), count: count)
        }
        switch elementType {
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
            return .float(Tensor(unchecked: shape, data: Array(elements(Float.self))))
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
            return .float(Tensor(unchecked: shape, data: try Float16Conversion.floats(fromHalfBits: elements(UInt16.self))))
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
            return .int64(Int64Tensor(unchecked: shape, data: Array(elements(Int64.self))))
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
            return .int64(Int64Tensor(unchecked: shape, data: elements(Int32.self).map(Int64.init)))
        default:
            throw VisageError(
                .inferenceFailed,
                "output '\(name)' has ONNX element type \(elementType.rawValue); only float, float16, int32 and int64 outputs are supported")
        }
    }
}
