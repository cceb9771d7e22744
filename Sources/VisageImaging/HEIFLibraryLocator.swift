import Foundation

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
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath
        return HEIFLibraryLocator(
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath,
            executablePath: executable)
    }

    func locate() -> Outcome {
        if let explicit = environment["VISAGE_LIBHEIF"], !explicit.isEmpty {
            return FileManager.default.fileExists(atPath: explicit) ? .found(explicit) : .explicitMissing(explicit)
        }
        var starts = [currentDirectory]
        if let executablePath { starts.append((executablePath as NSString).deletingLastPathComponent) }
        var visited = Set<String>()
        var tried: [String] = []
        for start in starts {
            for directory in Self.selfAndAncestors(of: start) where visited.insert(directory).inserted {
                let folder = (directory as NSString).appendingPathComponent(Self.wheelFolder)
                if let library = Self.library(in: folder) { return .found(library) }
                tried.append(folder + "/libheif*.so*")
            }
        }
        return .notFound(tried: tried)
    }

    /// auditwheel renames the library (libheif-788de5d9.so.1.20.2): any `libheif*.so*`, the
    /// highest version first.
    static func library(in directory: String) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let best = names.filter { $0.hasPrefix("libheif") && $0.contains(".so") }
            .max { $0.compare($1, options: .numeric) == .orderedAscending }
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
