import Foundation
import VisageCore

/// Finds the newer libheif that `HEIFFallback` loads. Order:
/// 1. `VISAGE_LIBHEIF`, an exact file. When set it is the only candidate: an explicit choice that
///    does not exist must fail loudly rather than silently load another library.
/// 2. `.deps/heif/pillow_heif.libs/libheif*.so*` (where scripts/setup.sh unpacks the pillow-heif
///    wheel), looked for in the current directory and its parents, then in the executable's
///    directory and its parents: the places `OrtLibraryLocator` looks for ONNX Runtime.
/// Unlike ONNX Runtime there is no system-loader step: the system's libheif is the one libvips
/// already uses, the one that failed.
struct HEIFLibraryLocator {
    enum Outcome: Equatable {
        case found(String)
        case notFound(tried: [String])
        /// `VISAGE_LIBHEIF` names a file that does not exist.
        case explicitMissing(String)
    }

    static let wheelFolder = ".deps/heif/pillow_heif.libs"

    var environment: [String: String]
    var currentDirectory: String
    var executablePath: String?

    static func forCurrentProcess() -> HEIFLibraryLocator {
        let search = DependencySearch.forCurrentProcess()
        return HEIFLibraryLocator(
            environment: ProcessInfo.processInfo.environment, currentDirectory: search.currentDirectory,
            executablePath: search.executablePath)
    }

    func locate() -> Outcome {
        if let explicit = environment["VISAGE_LIBHEIF"], !explicit.isEmpty {
            return FileManager.default.fileExists(atPath: explicit) ? .found(explicit) : .explicitMissing(explicit)
        }
        let search = DependencySearch(currentDirectory: currentDirectory, executablePath: executablePath)
        let result = search.first(in: [Self.wheelFolder], pattern: "libheif*.so*", pick: Self.library)
        return result.library.map { .found($0) } ?? .notFound(tried: result.tried)
    }

    /// auditwheel renames the library (libheif-788de5d9.so.1.20.2): any `libheif*.so*`, the
    /// highest version first.
    static func library(in directory: String) -> String? {
        DependencySearch.highestVersion(in: directory) { $0.hasPrefix("libheif") && $0.contains(".so") }
    }
}
