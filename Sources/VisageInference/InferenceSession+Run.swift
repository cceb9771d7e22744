import CONNXRuntime
import Foundation
import Metrics
import VisageCore

extension InferenceSession {
    /// Runs a model whose inputs and outputs are all float (or float16, converted). `inputs` must
    /// name every model input; `outputNames` defaults to all outputs. Safe to call concurrently.
    public func run(_ inputs: [String: Tensor], outputNames requested: [String]? = nil) throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (name, value) in try run(values: inputs.mapValues { .float($0) }, outputNames: requested) {
            guard let tensor = value.floatTensor else {
                throw VisageError(
                    .inferenceFailed,
                    "output '\(name)' of \(modelName) holds \(value.elementName) values: read it with run(values:)")
            }
            tensors[name] = tensor
        }
        return tensors
    }

    /// Runs the model with inputs of any supported element type (float, float16, int32, int64):
    /// token ids go in as `.int64`, narrowed to int32 where the model asks for that. Outputs come
    /// back as `.float` (float and float16) or `.int64` (int64 and int32). Safe to call concurrently.
    public func run(values inputs: [String: TensorValue], outputNames requested: [String]? = nil) throws -> [String: TensorValue] {
        // Made per call, not per session: a session loaded before the metrics backend was set up
        // would otherwise report to nowhere. The backend caches it by name and model.
        let timer = Timer(label: "visage_inference_duration_seconds", dimensions: [("model", modelName)], preferredDisplayUnit: .seconds)
        let started = DispatchTime.now().uptimeNanoseconds
        defer { timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started)) }
        let inputIndices = try indicesOfInputs(inputs)
        let outputIndices = try indicesOfOutputs(requested ?? outputs.map(\.name))
        let feeds = inputIndices.map { (info: self.inputs[$0], value: inputs[self.inputs[$0].name]!) }
        let storages = try feeds.map { try InputStorage($0.value, for: $0.info) }
        let api = runtime.api

        return try InputStorage.withPinned(storages[...]) { addresses in
            var values: [OpaquePointer?] = []
            defer { values.forEach { api.ReleaseValue!($0) } }
            for (feed, (storage, address)) in zip(feeds, zip(storages, addresses)) {
                var value: OpaquePointer?
                let shape = feed.value.shape.map(Int64.init)
                try runtime.check(
                    api.CreateTensorWithDataAsOrtValue!(
                        runtime.cpuMemoryInfo, address, storage.byteCount,
                        shape, shape.count, storage.onnxType, &value),
                    code: .inferenceFailed, "wrapping input '\(feed.info.name)' of shape \(feed.value.shape)")
                values.append(value)
            }

            var results = [OpaquePointer?](repeating: nil, count: outputIndices.count)
            defer { results.forEach { api.ReleaseValue!($0) } }  // Release accepts NULL (outputs of a failed run).
            let cInputNames = inputIndices.map { UnsafePointer<CChar>?(inputNames[$0]) }
            let cOutputNames = outputIndices.map { UnsafePointer<CChar>?(outputNames[$0]) }
            try runtime.check(
                api.Run!(
                    session, nil, cInputNames, values, values.count,
                    cOutputNames, cOutputNames.count, &results),
                code: .inferenceFailed, "running \(modelName)")

            var tensors: [String: TensorValue] = [:]
            for (index, value) in zip(outputIndices, results) {
                tensors[outputs[index].name] = try readOutput(value!, name: outputs[index].name)
            }
            return tensors
        }
    }

    var modelName: String { (modelPath as NSString).lastPathComponent }

    /// Model input indices, in model order, after checking the caller gave exactly those inputs.
    private func indicesOfInputs(_ given: [String: TensorValue]) throws -> [Int] {
        let names = inputs.map(\.name)
        if let unknown = given.keys.sorted().first(where: { !names.contains($0) }) {
            throw VisageError(.inferenceFailed, "\(modelName) has no input '\(unknown)'; its inputs are \(names)")
        }
        if let missing = names.first(where: { given[$0] == nil }) {
            throw VisageError(.inferenceFailed, "input '\(missing)' of \(modelName) was not given")
        }
        if let empty = given.first(where: { $0.value.elementCount == 0 }) {
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
}
