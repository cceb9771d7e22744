import CONNXRuntime
import Foundation
import VisageCore

extension InferenceSession {
    /// Runs the model. `inputs` must name every model input; `outputNames` defaults to all outputs.
    /// Safe to call concurrently from several threads.
    public func run(_ inputs: [String: Tensor], outputNames requested: [String]? = nil) throws -> [String: Tensor] {
        let inputIndices = try indicesOfInputs(inputs)
        let outputIndices = try indicesOfOutputs(requested ?? outputs.map(\.name))
        let feeds = inputIndices.map { (info: self.inputs[$0], tensor: inputs[self.inputs[$0].name]!) }
        let storages = try feeds.map { try InputStorage($0.tensor, for: $0.info) }
        let api = runtime.api

        return try InputStorage.withPinned(storages[...]) { addresses in
            var values: [OpaquePointer?] = []
            defer { values.forEach { api.ReleaseValue!($0) } }
            for (feed, (storage, address)) in zip(feeds, zip(storages, addresses)) {
                var value: OpaquePointer?
                let shape = feed.tensor.shape.map(Int64.init)
                try runtime.check(api.CreateTensorWithDataAsOrtValue!(runtime.cpuMemoryInfo, address, storage.byteCount,
                                                                      shape, shape.count, onnxType(feed.info), &value),
                                  code: .inferenceFailed, "wrapping input '\(feed.info.name)' of shape \(feed.tensor.shape)")
                values.append(value)
            }

            var results = [OpaquePointer?](repeating: nil, count: outputIndices.count)
            defer { results.forEach { api.ReleaseValue!($0) } } // Release accepts NULL (outputs of a failed run).
            let cInputNames = inputIndices.map { UnsafePointer<CChar>?(inputNames[$0]) }
            let cOutputNames = outputIndices.map { UnsafePointer<CChar>?(outputNames[$0]) }
            try runtime.check(api.Run!(session, nil, cInputNames, values, values.count,
                                       cOutputNames, cOutputNames.count, &results),
                              code: .inferenceFailed, "running \(modelName)")

            var tensors: [String: Tensor] = [:]
            for (index, value) in zip(outputIndices, results) {
                tensors[outputs[index].name] = try readTensor(value!, name: outputs[index].name)
            }
            return tensors
        }
    }

    private var modelName: String { (modelPath as NSString).lastPathComponent }

    /// Model input indices, in model order, after checking the caller gave exactly those inputs.
    private func indicesOfInputs(_ given: [String: Tensor]) throws -> [Int] {
        let names = inputs.map(\.name)
        if let unknown = given.keys.sorted().first(where: { !names.contains($0) }) {
            throw VisageError(.inferenceFailed, "\(modelName) has no input '\(unknown)'; its inputs are \(names)")
        }
        if let missing = names.first(where: { given[$0] == nil }) {
            throw VisageError(.inferenceFailed, "input '\(missing)' of \(modelName) was not given")
        }
        if let empty = given.first(where: { $0.value.data.isEmpty }) {
            throw VisageError(.inferenceFailed, "input '\(empty.key)' is empty (shape \(empty.value.shape))")
        }
        return Array(names.indices)
    }

    private func indicesOfOutputs(_ requested: [String]) throws -> [Int] {
        let names = outputs.map(\.name)
        return try requested.map { name in
            guard let index = names.firstIndex(of: name) else {
                throw VisageError(.inferenceFailed, "\(modelName) has no output '\(name)'; its outputs are \(names)")
            }
            return index
        }
    }

    private func onnxType(_ info: TensorInfo) -> ONNXTensorElementDataType {
        info.elementType == .float16 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 : ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT
    }

    /// Copies an output OrtValue into a Tensor, converting float16 to Float.
    private func readTensor(_ value: OpaquePointer, name: String) throws -> Tensor {
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
        switch elementType {
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
            let floats = UnsafeBufferPointer(start: raw?.assumingMemoryBound(to: Float.self), count: count)
            return Tensor(unchecked: shape, data: Array(floats))
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
            let halves = UnsafeBufferPointer(start: raw?.assumingMemoryBound(to: UInt16.self), count: count)
            return Tensor(unchecked: shape, data: try Float16Conversion.floats(fromHalfBits: halves))
        default:
            throw VisageError(.inferenceFailed,
                              "output '\(name)' has ONNX element type \(elementType.rawValue); only float and float16 outputs are supported")
        }
    }
}
