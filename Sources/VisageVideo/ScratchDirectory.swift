import Foundation
import VisageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private folder for one clip's frames and ffmpeg's output: made by `mkdtemp` (mode 0700, a
/// name no other process can guess or pre-create), and removed when `body` returns or throws.
/// Callers kill and reap their child processes inside `body`, so nothing writes to the folder
/// after it is removed.
enum ScratchDirectory {
    static func with<T>(in root: URL, _ body: (URL) throws -> T) throws -> T {
        var template = Array(root.appendingPathComponent("visage-video-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else {
            let reason = String(cString: strerror(errno))
            throw VisageError(.internalError, "could not create a temporary folder in \(root.path): \(reason)")
        }
        let directory = URL(fileURLWithPath: String(cString: made), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }
}
