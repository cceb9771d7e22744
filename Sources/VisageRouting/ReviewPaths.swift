import Foundation
import VisageCore
import VisageInput

/// Where review actions may read and write. A file acted on must be a regular file inside the
/// review folder (or, to restore it, the trash) once every symlink is resolved; a destination is
/// a folder named relative to `destination_path`, created inside it one component at a time, each
/// resolved again, so neither `..` nor a symlink leads out.
public enum ReviewPaths {
    /// The real path of `path`, a regular file inside `root` (a relative path is taken from
    /// `root`): 403 `path_not_allowed` outside it, 404 `image_not_found` when missing.
    public static func file(_ path: String, in root: String, folderName: String) throws -> String {
        let absolute = path.hasPrefix("/") ? path : (root as NSString).appendingPathComponent(path)
        let real: String
        do {
            real = try PathConfinement.resolve(absolute, roots: [root])
        } catch let error as VisageError where error.errorCode == .pathNotAllowed {
            throw VisageError(.pathNotAllowed, "\(path) is not in the \(folderName)")
        } catch let error as VisageError where error.errorCode == .imageNotFound {
            throw VisageError(.imageNotFound, "there is no file \(path) in the \(folderName)")
        }
        guard ReviewItem.at(real) != nil else { throw VisageError(.imageNotAFile, "\(path) is not a regular file") }
        return real
    }

    /// The real path of the folder `relative` names under `root`, created if missing. Absolute
    /// paths, `..` components and symlinks leading out of `root` are 403 `path_not_allowed`.
    public static func destination(_ relative: String, under root: String) throws -> String {
        guard !relative.hasPrefix("/") else {
            throw VisageError(.pathNotAllowed, "destination must be a folder relative to destination_path, not an absolute path")
        }
        let components = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        guard !components.contains("..") else {
            throw VisageError(.pathNotAllowed, "destination may not go up a folder ('..')")
        }
        guard let realRoot = PathConfinement.realPath(root) else {
            throw VisageError(.routingFailed, "destination_path \(root) no longer exists")
        }
        var folder = realRoot
        for component in components {
            let next = (folder as NSString).appendingPathComponent(component)
            if !FileManager.default.fileExists(atPath: next) {
                do {
                    try FileManager.default.createDirectory(atPath: next, withIntermediateDirectories: false)
                } catch let error where !FileManager.default.fileExists(atPath: next) {
                    throw VisageError(.routingFailed, "could not create the folder \(next): \(error.localizedDescription)")
                }
            }
            guard let real = PathConfinement.realPath(next), PathConfinement.isInside(real, [realRoot]) else {
                throw VisageError(.pathNotAllowed, "destination \(relative) leads outside destination_path")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw VisageError(.invalidRequest, "destination \(relative): \(component) is a file, not a folder")
            }
            folder = real
        }
        return folder
    }
}
