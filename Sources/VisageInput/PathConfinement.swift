import Foundation
import VisageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps server-side paths inside `InputPolicy.pathRoots`.
///
/// The check is made on real paths: `realpath` resolves `..`, `.` and every symlink, so neither
/// `root/../etc/passwd` nor a symlink inside a root pointing outside it passes. The real path is
/// also what gets opened, so the file checked is the file read (short of someone with write
/// access inside a root swapping a directory for a symlink between the two, which roots cannot
/// defend against).
public enum PathConfinement {
    /// The real path of `path`, or `path_not_allowed` / `image_not_found`.
    public static func resolve(_ path: String, roots: [String]) throws -> String {
        guard !path.isEmpty else { throw VisageError(.imageNotFound, "the image path is empty") }
        guard !path.contains("\0") else { throw VisageError(.pathNotAllowed, "the image path contains a NUL byte") }
        let rootPaths = roots.compactMap(realPath)
        if !roots.isEmpty && rootPaths.isEmpty {
            throw VisageError(.pathNotAllowed, "none of the configured input roots (VISAGE_INPUT_ROOTS) exists")
        }
        guard let real = realPath(path) else {
            // Nothing to open. Say "not found" only inside the roots, so probing for files
            // outside them learns nothing.
            let lexical = URL(fileURLWithPath: path).standardizedFileURL.path
            if roots.isEmpty || isInside(lexical, rootPaths + roots.map { URL(fileURLWithPath: $0).standardizedFileURL.path }) {
                throw VisageError(.imageNotFound, "no file at \(path)")
            }
            throw notAllowed(path)
        }
        if !roots.isEmpty && !isInside(real, rootPaths) { throw notAllowed(path) }
        return real
    }

    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public static func isInside(_ path: String, _ roots: [String]) -> Bool {
        roots.contains { root in
            root == "/" || path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
        }
    }

    private static func notAllowed(_ path: String) -> VisageError {
        VisageError(.pathNotAllowed, "\(path) is outside the folders images may be read from (VISAGE_INPUT_ROOTS)")
    }
}
