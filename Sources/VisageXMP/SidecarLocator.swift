import Foundation

/// Finds the XMP sidecar next to an image.
///
/// For `photo.jpg` the candidates are, in this order:
///
/// 1. `photo.jpg.xmp`, then `photo.jpg.XMP`: the full-name form (darktable, digiKam, ExifTool's
///    `%d%f.%e.xmp`, Immich). Tried first because it is unambiguous: `photo.jpg` and `photo.cr2`
///    in one folder would share `photo.xmp`.
/// 2. `photo.xmp`, then `photo.XMP`: the extension-replacing form (Lightroom, Adobe Camera Raw,
///    Capture One).
///
/// The first that exists as a regular file wins. Upper-case variants matter on case-sensitive
/// file systems, where cards from cameras and Windows tools often carry `.XMP`.
public struct SidecarLocator: Sendable {
    public init() {}

    /// The paths tried for `imagePath`, in order.
    public func candidates(for imagePath: String) -> [String] {
        let path = imagePath as NSString
        var paths = [imagePath + ".xmp", imagePath + ".XMP"]
        if !path.pathExtension.isEmpty {
            let stem = path.deletingPathExtension
            paths += [stem + ".xmp", stem + ".XMP"]
        }
        return paths
    }

    /// The sidecar of `imagePath`, or nil when there is none.
    public func sidecar(for imagePath: String) -> String? {
        candidates(for: imagePath).first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}
