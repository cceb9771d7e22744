import Foundation

/// Where a model runs. `auto` uses CUDA when the loaded ONNX Runtime can, and the CPU otherwise.
public enum InferenceDevice: String, Sendable, CaseIterable {
    case cpu, cuda, auto

    /// Reads `VISAGE_DEVICE` (cpu, cuda or auto; "gpu" is accepted for cuda). Unset, empty or an
    /// unrecognised value gives `auto`, so a typo never disables inference outright.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> InferenceDevice
    {
        let value = environment["VISAGE_DEVICE"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if value == "gpu" { return .cuda }
        return InferenceDevice(rawValue: value) ?? .auto
    }
}
