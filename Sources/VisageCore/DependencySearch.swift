import Foundation

/// Where run-time libraries that `scripts/setup.sh` unpacks into `.deps/` (ONNX Runtime, the newer
/// libheif) are looked for: in the current directory and its parents, then in the executable's
/// directory and its parents, so both a checkout and a copied binary find them.
public struct DependencySearch: Sendable {
    public var currentDirectory: String
    public var executablePath: String?

    public init(currentDirectory: String, executablePath: String?) {
        self.currentDirectory = currentDirectory
        self.executablePath = executablePath
    }

    /// The running process's directory and executable (the real path behind /proc/self/exe).
    public static func forCurrentProcess() -> DependencySearch {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath
        return DependencySearch(currentDirectory: FileManager.default.currentDirectoryPath, executablePath: executable)
    }

    /// The first library `pick` chooses in one of `folders` (relative paths, tried in order in
    /// each searched directory), else every folder looked at, each followed by `pattern`.
    public func first(in folders: [String], pattern: String, pick: (String) -> String?) -> (library: String?, tried: [String]) {
        var starts = [currentDirectory]
        if let executablePath { starts.append((executablePath as NSString).deletingLastPathComponent) }
        var visited = Set<String>()
        var tried: [String] = []
        for start in starts {
            for directory in Self.selfAndAncestors(of: start) where visited.insert(directory).inserted {
                for relative in folders {
                    let folder = (directory as NSString).appendingPathComponent(relative)
                    if let library = pick(folder) { return (library, tried) }
                    tried.append(folder + "/" + pattern)
                }
            }
        }
        return (nil, tried)
    }

    /// The file in `directory` whose name `matches` and is highest by numeric comparison (so
    /// `lib.so.1.20.2` beats `lib.so.1.9`).
    public static func highestVersion(in directory: String, matching matches: (String) -> Bool) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let best = names.filter(matches).max { $0.compare($1, options: .numeric) == .orderedAscending }
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
