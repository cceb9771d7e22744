import Foundation
import Testing
import VisageCore
import VisageModels

/// Model packs: the bundled manifest, fetching from the shared/models mirror, checksum failures,
/// archives, trust-on-first-use hashes, and errors that say what to do.
@Suite struct ModelPackTests {
    // MARK: Manifest

    @Test func bundledManifestDescribesEveryPack() throws {
        let manifest = try ModelManifest.bundled()
        #expect(manifest.defaultPack == "lite")
        #expect(Set(manifest.packs.keys).isSuperset(of: ["lite", "buffalo_l", "buffalo_s", "sface"]))
        for (name, pack) in manifest.packs {
            #expect(pack.name == name)
            #expect(!pack.license.isEmpty, "pack \(name) records no licence")
            #expect(pack.fileNames.first == pack.detector.file)
            #expect(pack.fileNames.contains(pack.embedder.file))
            for fileName in pack.fileNames {
                let file = try #require(manifest.files[fileName], "pack \(name) needs \(fileName), which the manifest does not list")
                #expect(!file.mirrorPath.isEmpty)
                #expect(file.mirrorPath.hasSuffix("/" + fileName) || file.mirrorPath == fileName)
                if let sha = file.sha256 { #expect(sha.count == 64) }
            }
        }
        let lite = try manifest.pack(named: "lite")
        #expect(lite.detector.decoder == .yunet)
        #expect(lite.embedder.dimensions == 128)
        #expect(lite.embedder.colorOrder == .bgr)
        #expect(lite.attributes == nil)
        let buffalo = try manifest.pack(named: "buffalo_l")
        #expect(buffalo.detector.decoder == .scrfd)
        #expect(buffalo.detector.inputSize == InputSize(width: 640, height: 640))
        #expect(buffalo.embedder.dimensions == 512)
        #expect(buffalo.embedder.normalization == Normalization(colorOrder: .rgb, mean: 127.5, std: 127.5))
        #expect(buffalo.attributes?.kind == .insightfaceGenderage)
        #expect(buffalo.attributes?.inputSize == InputSize(width: 96, height: 96))
        let sface = try manifest.pack(named: "sface")
        #expect(sface.embedder.normalization == Normalization(colorOrder: .rgb, mean: 0, std: 1))
        // Archive members name archives the manifest lists.
        for file in manifest.files.values {
            for member in file.archives { #expect(manifest.archives[member.archive] != nil) }
        }
    }

    @Test func defaultPackHonoursVisagePack() throws {
        let manifest = try ModelManifest.bundled()
        #expect(manifest.defaultPackName(environment: [:]) == "lite")
        #expect(manifest.defaultPackName(environment: ["VISAGE_PACK": "sface"]) == "sface")
        #expect(try manifest.resolvePack(named: nil, environment: ["VISAGE_PACK": "buffalo_s"]).name == "buffalo_s")
        let error = #expect(throws: VisageError.self) {
            try manifest.resolvePack(named: nil, environment: ["VISAGE_PACK": "nope"])
        }
        #expect(error?.code == "model_pack_unknown")
        #expect(error?.message.contains("VISAGE_PACK") == true)
        let unknown = #expect(throws: VisageError.self) { try manifest.pack(named: "nope") }
        #expect(unknown?.code == "model_pack_unknown")
        #expect(unknown?.message.contains("lite") == true)
    }

    @Test func storeReadsVisageModelDir() {
        #expect(ModelStore.fromEnvironment(["VISAGE_MODEL_DIR": "/x/models"]).directory.path == "/x/models")
        #expect(ModelStore.fromEnvironment(["HOME": "/home/u"]).directory.path == "/home/u/.cache/visage/models")
        #expect(ModelStore(directory: URL(fileURLWithPath: "/x")).path(for: "a.onnx").path == "/x/a.onnx")
        #expect(ModelFetcher.mirrorFromEnvironment(["VISAGE_MODEL_MIRROR": "/m"])?.path == "/m")
        #expect(ModelFetcher.mirrorFromEnvironment([:]) == nil)
    }

    // MARK: Fetch from the mirror

    @Test func fetchLiteFromMirrorThenAgainIsANoOp() async throws {
        let mirror = try Support.requireMirror()
        try await Support.withTemporaryDirectory { dir in
            let manifest = try ModelManifest.bundled()
            let store = ModelStore(directory: dir.appendingPathComponent("models"))
            let fetcher = ModelFetcher(store: store, manifest: manifest, mirror: mirror)
            let pack = try manifest.pack(named: "lite")
            #expect(!store.isInstalled(pack))

            let first = try await fetcher.fetch(packNamed: "lite")
            #expect(first.map(\.file) == pack.fileNames)
            for fetched in first {
                let spec = try manifest.file(named: fetched.file)
                #expect(fetched.wasInstalled)
                #expect(fetched.source == .mirror(mirror.appendingPathComponent(spec.mirrorPath)))
                #expect(fetched.sha256 == spec.sha256)
                #expect(try FileDigest.of(store.path(for: fetched.file)).sha256 == spec.sha256)
            }
            #expect(store.isInstalled(pack))
            let installed = try store.requireInstalled(pack)
            #expect(installed.detectorPath == store.path(for: "face_detection_yunet_2023mar.onnx"))
            #expect(installed.embedderPath == store.path(for: "MobileFaceNet_paddlex_128d.onnx"))
            #expect(installed.attributesPath == nil)
            #expect(try fetcher.verify(packNamed: "lite").allSatisfy { $0.ok })

            let modified = try Support.modificationDates(in: store.directory)
            let second = try await fetcher.fetch(packNamed: "lite")
            #expect(second.allSatisfy { $0.source == .alreadyPresent })
            #expect(try Support.modificationDates(in: store.directory) == modified)
            #expect(try Support.leftovers(in: store.directory).isEmpty)
        }
    }

    @Test func tamperedMirrorFileIsRejectedAndLeavesNothing() async throws {
        let mirror = try Support.requireMirror()
        try await Support.withTemporaryDirectory { dir in
            let manifest = try ModelManifest.bundled()
            let tampered = dir.appendingPathComponent("mirror")
            for fileName in try manifest.pack(named: "lite").fileNames {
                let spec = try manifest.file(named: fileName)
                let target = tampered.appendingPathComponent(spec.mirrorPath)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: mirror.appendingPathComponent(spec.mirrorPath), to: target)
            }
            let yunet = tampered.appendingPathComponent("face_detector/face_detection_yunet_2023mar.onnx")
            var bytes = try Data(contentsOf: yunet)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: yunet)

            let store = ModelStore(directory: dir.appendingPathComponent("models"))
            let fetcher = ModelFetcher(store: store, manifest: manifest, mirror: tampered)
            let error = await #expect(throws: VisageError.self) { try await fetcher.fetch(packNamed: "lite") }
            #expect(error?.code == "model_checksum_mismatch")
            #expect(error?.message.contains("face_detection_yunet_2023mar.onnx") == true)
            #expect(!FileManager.default.fileExists(atPath: store.path(for: "face_detection_yunet_2023mar.onnx").path))
            #expect(try Support.leftovers(in: store.directory).isEmpty)
        }
    }

    @Test func mirrorWithoutTheFileSaysWhereToPutIt() async throws {
        try await Support.withTemporaryDirectory { dir in
            let emptyMirror = dir.appendingPathComponent("mirror")
            try FileManager.default.createDirectory(at: emptyMirror, withIntermediateDirectories: true)
            let store = ModelStore(directory: dir.appendingPathComponent("models"))
            let fetcher = ModelFetcher(store: store, manifest: try ModelManifest.bundled(), mirror: emptyMirror)
            let error = await #expect(throws: VisageError.self) { try await fetcher.fetch(packNamed: "lite") }
            #expect(error?.code == "model_mirror_missing_file")
            #expect(error?.message.contains(emptyMirror.appendingPathComponent("face_detector/face_detection_yunet_2023mar.onnx").path) == true)
        }
    }

    @Test func requireInstalledOnEmptyDirectorySaysHowToFetch() throws {
        try Support.withTemporaryDirectory { dir in
            let store = ModelStore(directory: dir)
            let pack = try ModelManifest.bundled().pack(named: "lite")
            #expect(!store.isInstalled(pack))
            let error = #expect(throws: VisageError.self) { try store.requireInstalled(pack) }
            #expect(error?.code == "model_pack_not_installed")
            #expect(error?.message.contains("visage models fetch lite") == true)
            #expect(error?.message.contains("VISAGE_MODEL_MIRROR") == true)
            #expect(error?.message.contains(dir.path) == true)
        }
    }

    @Test func verifyReportsMissingAndDamagedFiles() async throws {
        let mirror = try Support.requireMirror()
        try await Support.withTemporaryDirectory { dir in
            let store = ModelStore(directory: dir)
            let fetcher = ModelFetcher(store: store, manifest: try ModelManifest.bundled(), mirror: mirror)
            let missing = try fetcher.verify(packNamed: "lite")
            #expect(missing.allSatisfy { !$0.ok && $0.actual == nil && $0.expected != nil })

            _ = try await fetcher.fetch(packNamed: "lite")
            let path = store.path(for: "MobileFaceNet_paddlex_128d.onnx")
            var bytes = try Data(contentsOf: path)
            bytes[0] ^= 0x01
            try bytes.write(to: path)
            let checks = try fetcher.verify(packNamed: "lite")
            #expect(checks.first { $0.file == "face_detection_yunet_2023mar.onnx" }?.ok == true)
            let damaged = try #require(checks.first { $0.file == "MobileFaceNet_paddlex_128d.onnx" })
            #expect(!damaged.ok)
            #expect(damaged.actual != nil && damaged.actual != damaged.expected)

            // A fetch repairs it.
            let repaired = try await fetcher.fetch(packNamed: "lite")
            #expect(repaired.first { $0.file == "MobileFaceNet_paddlex_128d.onnx" }?.wasInstalled == true)
            #expect(try fetcher.verify(packNamed: "lite").allSatisfy { $0.ok })
        }
    }

    // MARK: Downloads

    @Test func unreachableURLFailsWithAHint() async throws {
        try await Support.withTemporaryDirectory { dir in
            let manifest = try Support.manifest(files: [
                "det.onnx": #"{"sha256": null, "size": null, "mirror_path": "d/det.onnx", "url": "http://127.0.0.1:9/det.onnx", "archives": []}"#,
                "emb.onnx": #"{"sha256": null, "size": null, "mirror_path": "e/emb.onnx", "url": "http://127.0.0.1:9/emb.onnx", "archives": []}"#,
            ])
            let store = ModelStore(directory: dir.appendingPathComponent("models"))
            let fetcher = ModelFetcher(store: store, manifest: manifest, mirror: nil, timeout: 5)
            let error = await #expect(throws: VisageError.self) { try await fetcher.fetch(packNamed: "test") }
            #expect(error?.code == "model_download_failed")
            #expect(error?.message.contains("http://127.0.0.1:9/det.onnx") == true)
            #expect(error?.message.contains("VISAGE_MODEL_MIRROR") == true)
            #expect(error?.message.contains(store.path(for: "det.onnx").path) == true)
            #expect(try Support.leftovers(in: store.directory).isEmpty)
        }
    }

    @Test func fileWithoutDownloadSourceFailsBeforeDownloading() async throws {
        try await Support.withTemporaryDirectory { dir in
            let store = ModelStore(directory: dir.appendingPathComponent("models"))
            let fetcher = ModelFetcher(store: store, manifest: try ModelManifest.bundled(), mirror: nil)
            let error = await #expect(throws: VisageError.self) { try await fetcher.fetch(packNamed: "lite") }
            #expect(error?.code == "model_download_unavailable")
            #expect(error?.message.contains("MobileFaceNet_paddlex_128d.onnx") == true)
            #expect(error?.message.contains("VISAGE_MODEL_MIRROR") == true)
            #expect(!FileManager.default.fileExists(atPath: store.path(for: "face_detection_yunet_2023mar.onnx").path))
        }
    }

    @Test func archiveIsDownloadedOnceAndMembersExtracted() async throws {
        try await Support.withTemporaryDirectory { dir in
            let detector = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let embedder = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
            let zip = dir.appendingPathComponent("pack.zip")
            try Support.storedZip(["pack/det.onnx": detector, "pack/emb.onnx": embedder, "readme.txt": Data("hi".utf8)]).write(to: zip)
            let manifest = try Support.manifest(
                files: [
                    "det.onnx":
                        #"{"sha256": "\#(Support.sha256(detector))", "size": \#(detector.count), "mirror_path": "p/det.onnx", "url": null, "archives": [{"archive": "pack.zip", "member": "det.onnx"}]}"#,
                    "emb.onnx":
                        #"{"sha256": "\#(Support.sha256(embedder))", "size": \#(embedder.count), "mirror_path": "p/emb.onnx", "url": null, "archives": [{"archive": "other.zip", "member": "emb.onnx"}, {"archive": "pack.zip", "member": "emb.onnx"}]}"#,
                ],
                archives: [
                    "pack.zip": #"{"url": "\#(zip.absoluteString)", "sha256": null, "size": null}"#,
                    "other.zip": #"{"url": "http://127.0.0.1:9/other.zip", "sha256": null, "size": null}"#,
                ])
            let events = EventLog()
            let store = ModelStore(directory: dir.appendingPathComponent("models"))
            let fetcher = ModelFetcher(store: store, manifest: manifest, mirror: nil, progress: events.record)
            let fetched = try await fetcher.fetch(packNamed: "test")
            #expect(fetched.map(\.source) == [.archive(zip, member: "det.onnx"), .archive(zip, member: "emb.onnx")])
            #expect(try Data(contentsOf: store.path(for: "det.onnx")) == detector)
            #expect(try Data(contentsOf: store.path(for: "emb.onnx")) == embedder)
            let downloads = events.all.filter { if case .downloading = $0 { return true } else { return false } }
            #expect(downloads.count == 1)
            #expect(try Support.leftovers(in: store.directory).isEmpty)
        }
    }

    @Test func fileWithoutPublishedHashIsLockedOnFirstFetch() async throws {
        try await Support.withTemporaryDirectory { dir in
            let mirror = dir.appendingPathComponent("mirror")
            try FileManager.default.createDirectory(at: mirror.appendingPathComponent("d"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: mirror.appendingPathComponent("e"), withIntermediateDirectories: true)
            try Data("detector bytes".utf8).write(to: mirror.appendingPathComponent("d/det.onnx"))
            try Data("embedder bytes".utf8).write(to: mirror.appendingPathComponent("e/emb.onnx"))
            let manifest = try Support.manifest(files: [
                "det.onnx": #"{"sha256": null, "size": null, "mirror_path": "d/det.onnx", "url": null, "archives": []}"#,
                "emb.onnx": #"{"sha256": null, "size": null, "mirror_path": "e/emb.onnx", "url": null, "archives": []}"#,
            ])
            let events = EventLog()
            let store = ModelStore(directory: dir.appendingPathComponent("models"))
            let fetcher = ModelFetcher(store: store, manifest: manifest, mirror: mirror, progress: events.record)
            _ = try await fetcher.fetch(packNamed: "test")
            let warnings = events.all.filter { if case .warning = $0 { return true } else { return false } }
            #expect(warnings.count == 2)
            let lock = try ModelLock.load(from: store)
            #expect(lock.files["det.onnx"]?.sha256 == Support.sha256(Data("detector bytes".utf8)))
            let checks = try fetcher.verify(packNamed: "test")
            #expect(checks.allSatisfy { $0.ok })
            #expect(checks.allSatisfy { $0.expected == $0.actual })

            // Second fetch: no-op. Tampering: verify fails against the lock.
            #expect(try await fetcher.fetch(packNamed: "test").allSatisfy { $0.source == .alreadyPresent })
            try Data("tampered".utf8).write(to: store.path(for: "det.onnx"))
            #expect(try fetcher.verify(packNamed: "test").first { $0.file == "det.onnx" }?.ok == false)

            // A changed mirror file no longer matches the lock: rejected, the installed copy is replaced by nothing.
            try FileManager.default.removeItem(at: store.path(for: "det.onnx"))
            try Data("different upstream".utf8).write(to: mirror.appendingPathComponent("d/det.onnx"))
            let error = await #expect(throws: VisageError.self) { try await fetcher.fetch(packNamed: "test") }
            #expect(error?.code == "model_checksum_mismatch")
            #expect(error?.message.contains(".lock.json") == true)
        }
    }

    @Test func invalidManifestsAreRejected() throws {
        let missingFile = #expect(throws: VisageError.self) {
            try Support.manifest(files: ["det.onnx": #"{"sha256": null, "size": null, "mirror_path": "d/det.onnx", "url": null}"#])
        }
        #expect(missingFile?.code == "model_manifest_invalid")
        #expect(missingFile?.message.contains("emb.onnx") == true)
        let badHash = #expect(throws: VisageError.self) {
            try Support.manifest(files: [
                "det.onnx": #"{"sha256": "abc", "size": null, "mirror_path": "d/det.onnx", "url": null}"#,
                "emb.onnx": #"{"sha256": null, "size": null, "mirror_path": "e/emb.onnx", "url": null}"#,
            ])
        }
        #expect(badHash?.code == "model_manifest_invalid")
    }
}

/// Collects fetch events from any thread.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [FetchEvent] = []

    var all: [FetchEvent] { lock.withLock { events } }

    var record: ModelFetcher.ProgressHandler {
        { [self] event in lock.withLock { events.append(event) } }
    }
}

private enum Support {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// shared/models beside the repository (or VISAGE_MODEL_MIRROR when the runner sets it).
    static func requireMirror() throws -> URL {
        let mirror =
            ProcessInfo.processInfo.environment["VISAGE_MODEL_MIRROR"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/models")
        let probe = mirror.appendingPathComponent("face_detector/face_detection_yunet_2023mar.onnx")
        try #require(
            FileManager.default.fileExists(atPath: probe.path),
            "model mirror not found at \(mirror.path): check out shared/ beside the repository or set VISAGE_MODEL_MIRROR")
        return mirror.standardizedFileURL
    }

    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(dir)
    }

    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    private static func makeTemporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.standardizedFileURL
    }

    /// Files in `directory` that a finished fetch must not leave: partial downloads and archives.
    static func leftovers(in directory: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".partial-") }
    }

    static func modificationDates(in directory: URL) throws -> [String: Date] {
        var dates: [String: Date] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            dates[name] = attributes[.modificationDate] as? Date
        }
        return dates
    }

    /// A one-pack manifest (pack "test": detector det.onnx, embedder emb.onnx) with the given
    /// `files` and `archives` entries, written as JSON object literals.
    static func manifest(files: [String: String], archives: [String: String] = [:]) throws -> ModelManifest {
        let json = """
            {"schema": 2, "default_pack": "test",
             "packs": {"test": {"description": "test pack", "license": "test", "models": {
                "face_detector": {"file": "det.onnx", "decoder": "yunet",
                                  "preprocess": {"input_size": [640, 640], "color_order": "bgr", "mean": 0, "std": 1}},
                "face_embedder": {"file": "emb.onnx", "decoder": "arcface", "dimensions": 128,
                                  "preprocess": {"input_size": [112, 112], "color_order": "rgb", "mean": 127.5, "std": 127.5}}}}},
             "archives": {\(archives.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", "))},
             "files": {\(files.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", "))}}
            """
        return try ModelManifest.decode(Data(json.utf8))
    }

    static func sha256(_ data: Data) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-hash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try? data.write(to: url)
        return (try? FileDigest.of(url).sha256) ?? ""
    }

    /// A zip archive with the entries stored (no compression), built by hand so the tests need no
    /// zip tool: local headers, data, central directory, end record.
    static func storedZip(_ entries: [String: Data]) -> Data {
        var body = Data(), central = Data()
        for (name, content) in entries.sorted(by: { $0.key < $1.key }) {
            let nameBytes = Data(name.utf8)
            let crc = crc32(content)
            let offset = UInt32(body.count)
            body.append(le32(0x0403_4b50)); body.append(le16(20)); body.append(le16(0)); body.append(le16(0))
            body.append(le16(0)); body.append(le16(0x21))
            body.append(le32(crc)); body.append(le32(UInt32(content.count))); body.append(le32(UInt32(content.count)))
            body.append(le16(UInt16(nameBytes.count))); body.append(le16(0))
            body.append(nameBytes); body.append(content)

            central.append(le32(0x0201_4b50)); central.append(le16(20)); central.append(le16(20)); central.append(le16(0))
            central.append(le16(0)); central.append(le16(0)); central.append(le16(0x21))
            central.append(le32(crc)); central.append(le32(UInt32(content.count))); central.append(le32(UInt32(content.count)))
            central.append(le16(UInt16(nameBytes.count))); central.append(le16(0)); central.append(le16(0))
            central.append(le16(0)); central.append(le16(0)); central.append(le32(0o100644 << 16)); central.append(le32(offset))
            central.append(nameBytes)
        }
        var zip = body
        zip.append(central)
        zip.append(le32(0x0605_4b50)); zip.append(le16(0)); zip.append(le16(0))
        zip.append(le16(UInt16(entries.count))); zip.append(le16(UInt16(entries.count)))
        zip.append(le32(UInt32(central.count))); zip.append(le32(UInt32(body.count))); zip.append(le16(0))
        return zip
    }

    private static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    private static func le16(_ value: UInt16) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }
    private static func le32(_ value: UInt32) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }
}
