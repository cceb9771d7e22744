import Foundation

/// Expands command-line paths: files are taken as given, folders are walked recursively for
/// files with an image extension, in a stable (sorted) order.
public enum ImageFiles {
    public static let extensions: Set<String> = [
        "jpg", "jpeg", "jpe", "png", "webp", "heic", "heif", "avif", "tif", "tiff", "gif", "jxl", "bmp",
    ]

    public static func collect(_ paths: [String]) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                result += walk(path)
            } else {
                result.append(path)  // missing files are reported per image, not silently dropped
            }
        }
        return result
    }

    static func walk(_ folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let ext = (relative as NSString).pathExtension.lowercased()
            guard extensions.contains(ext) else { continue }
            let full = (folder as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(full)
            }
        }
        return files.sorted()
    }
}
