import CONNXRuntime
import VisageCore

extension OnnxRuntime {
    /// Element type and dimensions (-1 where dynamic) from an OrtTensorTypeAndShapeInfo.
    func elementTypeAndShape(of info: OpaquePointer) throws -> (ONNXTensorElementDataType, [Int64]) {
        var elementType = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED
        try check(api.GetTensorElementType!(info, &elementType), "reading a tensor element type")
        var rank = 0
        try check(api.GetDimensionsCount!(info, &rank), "reading a tensor rank")
        var dimensions = [Int64](repeating: 0, count: rank)
        try check(api.GetDimensions!(info, &dimensions, rank), "reading tensor dimensions")
        return (elementType, dimensions)
    }

    /// Describes input or output `index` of a session.
    func tensorInfo(session: OpaquePointer, index: Int, isInput: Bool) throws -> TensorInfo {
        let side = isInput ? "input" : "output"
        var allocator: OpaquePointer?
        // The default allocator is a process-wide singleton: never released.
        try check(api.GetAllocatorWithDefaultOptions!(&allocator), "getting the default allocator")

        var cName: UnsafeMutablePointer<CChar>?
        let getName = isInput ? api.SessionGetInputName! : api.SessionGetOutputName!
        try check(getName(session, index, allocator, &cName), "reading the name of \(side) \(index)")
        let name = String(cString: cName!)
        try check(api.AllocatorFree!(allocator, cName), "freeing the name of \(side) \(name)")

        var typeInfo: OpaquePointer?
        let getType = isInput ? api.SessionGetInputTypeInfo! : api.SessionGetOutputTypeInfo!
        try check(getType(session, index, &typeInfo), "reading the type of \(side) \(name)")
        defer { api.ReleaseTypeInfo!(typeInfo) }

        var tensorInfo: OpaquePointer?
        try check(api.CastTypeInfoToTensorInfo!(typeInfo, &tensorInfo), "reading the type of \(side) \(name)")
        // Owned by typeInfo; nil when the value is not a tensor (a map or a sequence).
        guard let tensorInfo else { return TensorInfo(name: name, shape: [], elementType: .other(0)) }
        let (elementType, shape) = try elementTypeAndShape(of: tensorInfo)
        return TensorInfo(name: name, shape: shape, elementType: TensorElementType(elementType))
    }
}
