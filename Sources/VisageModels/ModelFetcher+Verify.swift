import Foundation
import VisageCore

extension ModelFetcher {
    /// Hashes every installed file of the pack and compares it with the manifest's sha256 (or, for
    /// files without one, the hash recorded in `.lock.json` on first fetch). Missing files fail.
    public func verify(packNamed name: String) throws -> [FileCheck] {
        let pack = try manifest.pack(named: name)
        let lock = try ModelLock.load(from: store)
        return try pack.fileNames.map { fileName in
            let spec = try manifest.file(named: fileName)
            let recorded = lock.files[fileName]
            let expected = spec.sha256 ?? recorded?.sha256
            let expectedSize = spec.size ?? (spec.sha256 == nil ? recorded?.size : nil)
            let path = store.path(for: fileName)
            guard FileManager.default.fileExists(atPath: path.path) else {
                return FileCheck(
                    file: fileName, expected: expected, actual: nil, ok: false,
                    note: "missing from \(store.directory.path): run `visage models fetch \(pack.name)`")
            }
            let digest: FileDigest
            do {
                digest = try FileDigest.of(path)
            } catch {
                return FileCheck(
                    file: fileName, expected: expected, actual: nil, ok: false,
                    note: "cannot read \(path.path): \(error.localizedDescription)")
            }
            guard let expected else {
                return FileCheck(
                    file: fileName, expected: nil, actual: digest.sha256, ok: false,
                    note: "no published sha256 and none recorded in \(store.lockFileURL.path): "
                        + "run `visage models fetch \(pack.name)` to record it")
            }
            let source = spec.sha256 == nil ? "checked against \(store.lockFileURL.path)" : nil
            if digest.sha256 != expected {
                return FileCheck(
                    file: fileName, expected: expected, actual: digest.sha256, ok: false,
                    note: "sha256 differs: delete \(path.path) and run `visage models fetch \(pack.name)`")
            }
            if let expectedSize, expectedSize != digest.size {
                return FileCheck(
                    file: fileName, expected: expected, actual: digest.sha256, ok: false,
                    note: "size is \(digest.size) bytes, expected \(expectedSize)")
            }
            return FileCheck(file: fileName, expected: expected, actual: digest.sha256, ok: true, note: source)
        }
    }
}
