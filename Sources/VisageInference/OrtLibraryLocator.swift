import Foundation
import VisageCore

/// Finds libonnxruntime when the caller gives no path. Order:
/// 1. `VISAGE_ORT_LIB`, an exact file. When set it is the only candidate: an explicit choice that
///    does not exist must fail loudly rather than silently load another library.
/// 2. `.deps/ort-gpu/...` and `.deps/ort/...` (where scripts/setup.sh installs the PyPI wheels),
///    looked for in the current directory and its parents, then in the executable's directory and
///    its parents. The GPU wheel is preferred unless the device is `cpu`.
/// 3. Plain `libonnxruntime.so` through the system loader (done by the caller, see `OnnxRuntime`).
struct OrtLibraryLocator {
    enum Outcome: Equatable {
        case found(String)
        /// Nothing on disk: try the system loader. `tried` lists every place looked at.
        case notFound(tried: [String])
        /// `VISAGE_ORT_LIB` names a file that does not exist.
        case explicitMissing(String)
    }

    static let systemLibraryName = "libonnxruntime.so"

    var environment: [String: String]
    var currentDirectory: String
    var executablePath: String?

    static func forCurrentProcess() -> OrtLibraryLocator {
        let search = DependencySearch.forCurrentProcess()
        return OrtLibraryLocator(
            environment: ProcessInfo.processInfo.environment, currentDirectory: search.currentDirectory,
            executablePath: search.executablePath)
    }

    func locate() -> Outcome {
        if let explicit = environment["VISAGE_ORT_LIB"], !explicit.isEmpty {
            return FileManager.default.fileExists(atPath: explicit) ? .found(explicit) : .explicitMissing(explicit)
        }
        let wheels = InferenceDevice.fromEnvironment(environment) == .cpu ? ["ort", "ort-gpu"] : ["ort-gpu", "ort"]
        let search = DependencySearch(currentDirectory: currentDirectory, executablePath: executablePath)
        let result = search.first(in: wheels.map { ".deps/\($0)/onnxruntime/capi" }, pattern: "libonnxruntime.so*", pick: Self.library)
        return result.library.map { .found($0) } ?? .notFound(tried: result.tried)
    }

    /// The wheel ships only a versioned file (libonnxruntime.so.1.31.1), so accept any
    /// `libonnxruntime.so[.version]`, preferring the unversioned name, then the highest version.
    static func library(in directory: String) -> String? {
        let unversioned = (directory as NSString).appendingPathComponent(systemLibraryName)
        if FileManager.default.fileExists(atPath: unversioned) { return unversioned }
        return DependencySearch.highestVersion(in: directory) { $0.hasPrefix(systemLibraryName + ".") }
    }
}
