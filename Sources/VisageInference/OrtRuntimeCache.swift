import Foundation
import VisageCore

/// One runtime per library file, shared process-wide. Loading twice would create a second OrtEnv,
/// which ORT does not want.
final class OrtRuntimeCache: @unchecked Sendable {
    // @unchecked: all state is guarded by `lock`.
    private let lock = NSLock()
    private var located: OnnxRuntime?
    private var byPath: [String: OnnxRuntime] = [:]

    func runtime(libraryPath: String?) throws -> OnnxRuntime {
        lock.lock()
        defer { lock.unlock() }
        if let libraryPath {
            guard FileManager.default.fileExists(atPath: libraryPath) else {
                throw OrtLibrary.notFound(tried: [libraryPath])
            }
            if let runtime = byPath[OrtLibrary.canonicalPath(libraryPath)] { return runtime }
            return try remember(OnnxRuntime(library: OrtLibrary.open(libraryPath)))
        }
        if let located { return located }
        let library: OrtLibrary
        switch OrtLibraryLocator.forCurrentProcess().locate() {
        case .found(let path): library = try OrtLibrary.open(path)
        case .explicitMissing(let path): throw OrtLibrary.notFound(tried: ["\(path) (from VISAGE_ORT_LIB)"])
        case .notFound(let tried): library = try OrtLibrary.open(OrtLibraryLocator.systemLibraryName, tried: tried)
        }
        let runtime = try byPath[library.path] ?? remember(OnnxRuntime(library: library))
        located = runtime
        return runtime
    }

    private func remember(_ runtime: OnnxRuntime) -> OnnxRuntime {
        byPath[runtime.libraryPath] = runtime
        return runtime
    }
}
