import Foundation
import VisageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls a crash-safe move needs, with errors as `VisageError`s. `link` never replaces
/// an existing file, which `rename` would do silently.
enum FileSystemCalls {
    enum LinkResult { case linked, exists, crossDevice, unsupported }

    static func link(_ source: String, _ destination: String) throws -> LinkResult {
        if Glibc.link(source, destination) == 0 { return .linked }
        switch errno {
        case EEXIST: return .exists
        case EXDEV: return .crossDevice
        case EPERM, ENOTSUP, EMLINK, ENOSYS: return .unsupported
        default: throw failure("link \(source) to \(destination)")
        }
    }

    static func unlink(_ path: String) throws {
        guard Glibc.unlink(path) == 0 || errno == ENOENT else { throw failure("remove \(path)") }
    }

    static func rename(_ source: String, _ destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else { throw failure("rename \(source) to \(destination)") }
    }

    /// Makes a directory's entries (a new name, a removed one) durable.
    static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Copies `source` to a new file `destination` (which must not exist), fsynced, with the
    /// source's permission bits.
    static func copy(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw failure("open \(source)") }
        defer { close(input) }
        var status = stat()
        guard fstat(input, &status) == 0 else { throw failure("stat \(source)") }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL, status.st_mode & 0o777)
        guard output >= 0 else { throw failure("create \(destination)") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var ok = true
        while ok {
            let count = read(input, &buffer, buffer.count)
            if count == 0 { break }
            guard count > 0 else {
                ok = false
                break
            }
            var written = 0
            while written < count {
                let step = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                guard step > 0 else {
                    ok = false
                    break
                }
                written += step
            }
        }
        let synced = fsync(output) == 0
        close(output)
        guard ok, synced else {
            _ = Glibc.unlink(destination)
            throw failure("copy \(source) to \(destination)")
        }
    }

    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private static func failure(_ what: String) -> VisageError {
        VisageError(.routingFailed, "could not \(what): \(String(cString: strerror(errno)))")
    }
}
