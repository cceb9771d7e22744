import Foundation
import VisageCore

extension ModelFetcher {
    /// Hashes every installed file of the pack and compares it with the manifest's sha256 (or, for
    /// files without one, the hash recorded in `.lock.json` on first fetch). Missing files fail.
    public func verify(packNamed name: String) throws -> [FileCheck] {
        let pack = try manifest.pack(named: name)
        return try verify(try pack.fileNames.map { try manifest.file(named: $0) }, fetchName: pack.name)
    }

    /// The same for a model folder's files.
    public func verify(folderNamed name: String) throws -> [FileCheck] {
        try verify(try manifest.folder(named: name).files, fetchName: name)
    }

    /// `fetchName`: what `visage models fetch` takes to repair them.
    private func verify(_ specs: [ModelFile], fetchName: String) throws -> [FileCheck] {
        let lock = try ModelLock.load(from: store)
        return specs.map { spec in
            let fileName = spec.name
            let recorded = lock.files[fileName]
            let expected = spec.sha256 ?? recorded?.sha256
            let expectedSize = spec.size ?? (spec.sha256 == nil ? recorded?.size : nil)
            let path = store.path(for: fileName)
            guard FileManager.default.fileExists(atPath: path.path) else {
                return FileCheck(
                    file: fileName, expected: expected, actual: nil, ok: false,
                    note: "missing from \(store.directory.path): run `visage models fetch \(fetchName)`")
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
                        + "run `visage models fetch \(fetchName)` to record it")
            }
            let source = spec.sha256 == nil ? "checked against \(store.lockFileURL.path)" : nil
            if digest.sha256 != expected {
                return FileCheck(
                    file: fileName, expected: expected, actual: digest.sha256, ok: false,
                    note: "sha256 differs: delete \(path.path) and run `visage models fetch \(fetchName)`")
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
