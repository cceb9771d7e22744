import Foundation

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
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath
        return OrtLibraryLocator(
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath,
            executablePath: executable)
    }

    func locate() -> Outcome {
        if let explicit = environment["VISAGE_ORT_LIB"], !explicit.isEmpty {
            return FileManager.default.fileExists(atPath: explicit) ? .found(explicit) : .explicitMissing(explicit)
        }
        let wheels = InferenceDevice.fromEnvironment(environment) == .cpu ? ["ort", "ort-gpu"] : ["ort-gpu", "ort"]
        var starts = [currentDirectory]
        if let executablePath { starts.append((executablePath as NSString).deletingLastPathComponent) }

        var visited = Set<String>()
        var tried: [String] = []
        for start in starts {
            for directory in Self.selfAndAncestors(of: start) where visited.insert(directory).inserted {
                for wheel in wheels {
                    let capi = (directory as NSString).appendingPathComponent(".deps/\(wheel)/onnxruntime/capi")
                    if let library = Self.library(in: capi) { return .found(library) }
                    tried.append(capi + "/libonnxruntime.so*")
                }
            }
        }
        return .notFound(tried: tried)
    }

    /// The wheel ships only a versioned file (libonnxruntime.so.1.31.1), so accept any
    /// `libonnxruntime.so[.version]`, preferring the unversioned name, then the highest version.
    static func library(in directory: String) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let candidates = names.filter { $0 == systemLibraryName || $0.hasPrefix(systemLibraryName + ".") }
        let best =
            candidates.contains(systemLibraryName)
            ? systemLibraryName
            : candidates.max { $0.compare($1, options: .numeric) == .orderedAscending }
        return best.map { (directory as NSString).appendingPathComponent($0) }
    }

    static func selfAndAncestors(of path: String) -> [String] {
        var result: [String] = []
        var current = (path as NSString).standardizingPath
        while true {
            result.append(current)
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { return result }
            current = parent
        }
    }
}
