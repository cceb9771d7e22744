import Foundation
import VisageCore
import ZIPFoundation

/// Installs a pack's files into a `ModelStore`: from a mirror folder when one is given, otherwise
/// from the upstream URLs or release archives in the manifest. Every file is written to a temporary
/// file in the model directory, checked (sha256 and size), then renamed into place, so a model file
/// is either absent or complete and correct.
public struct ModelFetcher: Sendable {
    public typealias ProgressHandler = @Sendable (FetchEvent) -> Void

    public let store: ModelStore
    public let manifest: ModelManifest
    /// Mirror folder laid out like shared/models (files at their `mirror_path`). When set, fetch
    /// copies from it and never touches the network.
    public let mirror: URL?
    /// Seconds a connection may stay idle before a download fails.
    public let timeout: TimeInterval
    public let progress: ProgressHandler?

    public init(
        store: ModelStore, manifest: ModelManifest,
        mirror: URL? = ModelFetcher.mirrorFromEnvironment(),
        timeout: TimeInterval = 30, progress: ProgressHandler? = nil
    ) {
        self.store = store
        self.manifest = manifest
        self.mirror = mirror?.standardizedFileURL
        self.timeout = timeout
        self.progress = progress
    }

    /// VISAGE_MODEL_MIRROR as a directory URL, or nil when unset or empty.
    public static func mirrorFromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        guard let path = environment[ModelStore.mirrorEnvironmentKey], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: (path as NSString).expandingTildeInPath, isDirectory: true)
    }

    /// Makes every file of the pack present and correct. Files already installed with the right
    /// hash are left alone, so a second fetch is a no-op.
    public func fetch(packNamed name: String) async throws -> [FetchedFile] {
        let pack = try manifest.pack(named: name)
        return try await fetch(try pack.fileNames.map { try manifest.file(named: $0) })
    }

    /// Makes every file of the model folder present and correct, in its layout under the model
    /// directory (`<folder>/visual/model.onnx`, ...).
    public func fetch(folderNamed name: String) async throws -> [FetchedFile] {
        try await fetch(try manifest.folder(named: name).files)
    }

    private func fetch(_ specs: [ModelFile]) async throws -> [FetchedFile] {
        try createDirectory()
        var lock = try ModelLock.load(from: store)
        var results: [String: FetchedFile] = [:]
        var toFetch: [ModelFile] = []

        for spec in specs {
            if let present = try checkPresent(spec, lock: &lock) {
                results[spec.name] = present
                emit(.alreadyPresent(file: spec.name))
            } else {
                toFetch.append(spec)
            }
        }

        if !toFetch.isEmpty {
            if let mirror {
                // Find every file in the mirror before copying anything.
                let sources = try toFetch.map { ($0, try mirrorSource(for: $0, in: mirror)) }
                for (spec, source) in sources {
                    results[spec.name] = try await installFromMirror(spec, source: source, lock: &lock)
                }
            } else {
                for (spec, fetched) in try await downloadAll(toFetch, lock: &lock) {
                    results[spec] = fetched
                }
            }
        }
        return specs.compactMap { results[$0.name] }
    }

    // MARK: - Already installed

    /// The installed file if it is present and matches; nil if it must be fetched.
    private func checkPresent(_ spec: ModelFile, lock: inout ModelLock) throws -> FetchedFile? {
        guard store.isPresent(spec.name) else { return nil }
        let path = store.path(for: spec.name)
        let digest: FileDigest
        do {
            digest = try FileDigest.of(path)
        } catch {
            emit(.warning("cannot read \(path.path) (\(error.localizedDescription)): fetching it again"))
            return nil
        }
        if let expected = spec.sha256 ?? lock.files[spec.name]?.sha256 {
            if digest.sha256 == expected, spec.size.map({ $0 == digest.size }) ?? true {
                return FetchedFile(file: spec.name, path: path, sha256: digest.sha256, size: digest.size, source: .alreadyPresent)
            }
            emit(.warning("\(path.path) has sha256 \(digest.sha256), expected \(expected): replacing it"))
            return nil
        }
        // No published hash and nothing recorded: adopt the file that is there.
        lock.files[spec.name] = ModelLock.Entry(
            sha256: digest.sha256, size: digest.size,
            source: "found in \(store.directory.path)", recordedAt: ModelLock.timestamp())
        try lock.save(to: store)
        emit(
            .warning(
                "\(spec.name) has no published sha256: recorded the hash of the file already in \(store.directory.path) "
                    + "(\(digest.sha256)) in \(store.lockFileURL.path); `visage models verify` checks against it from now on"))
        return FetchedFile(file: spec.name, path: path, sha256: digest.sha256, size: digest.size, source: .alreadyPresent)
    }

    // MARK: - Mirror

    /// The mirror's copy of `spec`: at its `mirror_path`, or else flat under its file name.
    private func mirrorSource(for spec: ModelFile, in mirror: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: mirror.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw VisageError(
                .modelMirrorMissingFile,
                "the model mirror \(mirror.path) is not a directory: point \(ModelStore.mirrorEnvironmentKey) "
                    + "(or --mirror) at a folder laid out like shared/models, or unset it to download from upstream")
        }
        let candidates = [mirror.appendingPathComponent(spec.mirrorPath), mirror.appendingPathComponent(spec.name)]
        guard let source = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            let origin =
                spec.url.map { " (it is published at \($0))" }
                ?? spec.archives.first.flatMap { member in manifest.archives[member.archive].map { " (it is \(member.member) inside \($0.url))" } }
                ?? ""
            throw VisageError(
                .modelMirrorMissingFile,
                "the model mirror \(mirror.path) has no \(spec.name): put it at \(candidates[0].path)\(origin), "
                    + "or fetch without a mirror (unset \(ModelStore.mirrorEnvironmentKey)) to download it from upstream")
        }
        return source
    }

    private func installFromMirror(_ spec: ModelFile, source: URL, lock: inout ModelLock) async throws -> FetchedFile {
        emit(.copying(file: spec.name, from: source))
        return try await install(
            spec, origin: "mirror file \(source.path)", source: .mirror(source), lock: &lock,
            hint: "the mirror copy is damaged or a different version; replace it with the published file"
        ) { temp in
            _ = try copyHashing(from: source, to: temp)
        }
    }

    // MARK: - Download

    private enum Plan {
        case direct(URL)
        case archive(ModelArchive, member: String)
    }

    private func downloadAll(_ specs: [ModelFile], lock: inout ModelLock) async throws -> [(String, FetchedFile)] {
        // Decide every source before downloading anything, so a file nobody can download fails fast.
        var plans: [(ModelFile, Plan)] = []
        for spec in specs {
            plans.append((spec, try plan(for: spec, among: specs)))
        }
        var downloadedArchives: [String: URL] = [:]
        defer {
            for url in downloadedArchives.values { try? FileManager.default.removeItem(at: url) }
        }
        var results: [(String, FetchedFile)] = []
        for (spec, plan) in plans {
            switch plan {
            case .direct(let url):
                emit(.downloading(name: spec.name, url: url, expectedBytes: spec.size))
                let fetched = try await install(
                    spec, origin: url.absoluteString, source: .download(url), lock: &lock,
                    hint: "try again later, or download it yourself and check it"
                ) { temp in
                    try await self.download(
                        url, to: temp, label: spec.name,
                        manual: "download it yourself from \(url) and save it as \(self.store.path(for: spec.name).path)",
                        mirrorPath: spec.mirrorPath)
                }
                results.append((spec.name, fetched))
            case .archive(let archive, let member):
                let zip: URL
                if let cached = downloadedArchives[archive.name] {
                    zip = cached
                } else {
                    zip = try await downloadArchive(archive, for: specs)
                    downloadedArchives[archive.name] = zip
                }
                emit(.extracting(file: spec.name, archive: archive.name))
                let fetched = try await install(
                    spec, origin: "\(member) in \(archive.url)", source: .archive(archive.url, member: member),
                    lock: &lock, hint: "try again later; if it persists, upstream changed the archive"
                ) { temp in
                    try self.extract(member, from: zip, archive: archive, to: temp)
                }
                results.append((spec.name, fetched))
            }
        }
        return results
    }

    /// A direct URL if there is one; otherwise the archive that supplies the most of the files
    /// being fetched (then the smallest), so one download serves the whole pack.
    private func plan(for spec: ModelFile, among specs: [ModelFile]) throws -> Plan {
        if let url = spec.url { return .direct(url) }
        let needed = specs.filter { $0.url == nil }
        let options = spec.archives.compactMap { member -> (ModelArchive, String, Int)? in
            guard let archive = manifest.archives[member.archive] else { return nil }
            let coverage = needed.filter { $0.archives.contains { $0.archive == archive.name } }.count
            return (archive, member.member, coverage)
        }
        let best = options.enumerated().min { lhs, rhs in
            let (a, b) = (lhs.element, rhs.element)
            if a.2 != b.2 { return a.2 > b.2 }
            let (sizeA, sizeB) = (a.0.size ?? .max, b.0.size ?? .max)
            if sizeA != sizeB { return sizeA < sizeB }
            return lhs.offset < rhs.offset
        }
        guard let choice = best?.element else {
            throw VisageError(
                .modelDownloadUnavailable,
                "\(spec.name) has no download URL"
                    + ([spec.note, spec.home.map { "see \($0)" }].compactMap { $0 }.isEmpty
                        ? ""
                        : " (" + [spec.note, spec.home.map { "see \($0)" }].compactMap { $0 }.joined(separator: "; ") + ")")
                    + ": copy it into \(store.directory.path) yourself, or set \(ModelStore.mirrorEnvironmentKey)=DIR to a folder laid out like shared/models "
                    + "that has it at DIR/\(spec.mirrorPath), and fetch again")
        }
        return .archive(choice.0, member: choice.1)
    }

    private func downloadArchive(_ archive: ModelArchive, for specs: [ModelFile]) async throws -> URL {
        let members = specs.filter { $0.archives.contains { $0.archive == archive.name } }.map(\.name)
        let temp = temporaryURL(for: archive.name)
        emit(.downloading(name: archive.name, url: archive.url, expectedBytes: archive.size))
        do {
            try await download(
                archive.url, to: temp, label: archive.name,
                manual: "download \(archive.url) yourself and unzip \(members.joined(separator: ", ")) into \(store.directory.path)",
                mirrorPath: nil)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
        if let expected = archive.sha256, let digest = try? FileDigest.of(temp), digest.sha256 != expected {
            emit(
                .warning(
                    "\(archive.name) has sha256 \(digest.sha256), not the published \(expected); "
                        + "using it only if the files inside match their own hashes"))
        }
        return temp
    }

    private func download(_ url: URL, to temp: URL, label: String, manual: String, mirrorPath: String?) async throws {
        do {
            try await Downloader.download(url, to: temp, timeout: timeout) { [progress] received, expected in
                progress?(.progress(name: label, receivedBytes: received, expectedBytes: expected))
            }
        } catch let failure as DownloadFailure {
            throw VisageError(
                .modelDownloadFailed,
                "could not download \(label) from \(url): \(failure.reason). Check the network and try again, or \(manual), "
                    + "or set \(ModelStore.mirrorEnvironmentKey)=DIR to a folder laid out like shared/models"
                    + (mirrorPath.map { " (with this file at DIR/\($0))" } ?? "") + " and fetch again")
        }
    }

    private func extract(_ member: String, from zip: URL, archive: ModelArchive, to temp: URL) throws {
        let reader: Archive
        do {
            reader = try Archive(url: zip, accessMode: .read)
        } catch {
            throw VisageError(
                .modelDownloadFailed,
                "\(archive.name) from \(archive.url) is not a readable zip (\(error)): try again; the download may have been cut short")
        }
        let entry = reader[member] ?? reader.first { $0.type == .file && ($0.path == member || $0.path.hasSuffix("/" + member)) }
        guard let entry else {
            throw VisageError(
                .modelDownloadFailed,
                "\(archive.name) from \(archive.url) has no \(member): upstream changed the archive; "
                    + "get \(member) another way and copy it into \(store.directory.path)")
        }
        let writer = try HashingFileWriter(creating: temp)
        do {
            _ = try reader.extract(entry, skipCRC32: false) { data in try writer.write(data) }
            _ = try writer.finish()
        } catch {
            writer.abandon()
            throw VisageError(
                .modelDownloadFailed,
                "cannot extract \(member) from \(archive.name) (\(error)): try again; the download may be damaged")
        }
    }

    // MARK: - Install (temp file, check, rename)

    /// Runs `produce` to write a temporary file, checks it against the manifest (or the lock), and
    /// renames it into place. The temporary file is always removed on failure.
    private func install(
        _ spec: ModelFile, origin: String, source: FetchedFile.Source, lock: inout ModelLock,
        hint: String, produce: (URL) async throws -> Void
    ) async throws -> FetchedFile {
        let temp = temporaryURL(for: spec.name)
        do {
            try await produce(temp)
            let digest = try FileDigest.of(temp)
            let recorded = spec.sha256 == nil ? lock.files[spec.name] : nil
            if let expected = spec.sha256 ?? recorded?.sha256 {
                let sizeOK = (spec.size ?? recorded?.size).map { $0 == digest.size } ?? true
                guard digest.sha256 == expected, sizeOK else {
                    let expectedSize = (spec.size ?? recorded?.size).map { "\($0) bytes" } ?? "unknown size"
                    let against = spec.sha256 != nil ? "the manifest expects" : "\(store.lockFileURL.path) recorded on first fetch"
                    throw VisageError(
                        .modelChecksumMismatch,
                        "\(spec.name) from \(origin) has sha256 \(digest.sha256) (\(digest.size) bytes) but \(against) "
                            + "\(expected) (\(expectedSize)); nothing was installed: \(hint)")
                }
            }
            try moveIntoPlace(temp, spec.name)
            if spec.sha256 == nil, recorded == nil {
                lock.files[spec.name] = ModelLock.Entry(
                    sha256: digest.sha256, size: digest.size, source: origin,
                    recordedAt: ModelLock.timestamp())
                try lock.save(to: store)
                emit(
                    .warning(
                        "\(spec.name) has no published sha256: recorded \(digest.sha256) in \(store.lockFileURL.path); "
                            + "later fetches and `visage models verify` check against it"))
            }
            emit(.installed(file: spec.name, sha256: digest.sha256))
            return FetchedFile(
                file: spec.name, path: store.path(for: spec.name), sha256: digest.sha256,
                size: digest.size, source: source)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            if error is VisageError || error is CancellationError { throw error }
            throw VisageError(
                .modelInstallFailed,
                "cannot install \(spec.name) into \(store.directory.path): \(error.localizedDescription); check that the directory is writable and has free space"
            )
        }
    }

    private func moveIntoPlace(_ temp: URL, _ name: String) throws {
        let destination = store.path(for: name)
        guard rename(temp.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw VisageError(
                .modelInstallFailed,
                "cannot move \(temp.lastPathComponent) to \(destination.path): \(reason); check that the directory is writable")
        }
    }

    /// Beside the file's final place (a folder's file in its subfolder, made here), so the rename
    /// stays on one file system.
    private func temporaryURL(for name: String) -> URL {
        let destination = store.path(for: name)
        let folder = destination.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
    }

    private func createDirectory() throws {
        do {
            try FileManager.default.createDirectory(at: store.directory, withIntermediateDirectories: true)
        } catch {
            throw VisageError(
                .modelInstallFailed,
                "cannot create the model directory \(store.directory.path): \(error.localizedDescription); "
                    + "set \(ModelStore.directoryEnvironmentKey) (or --model-dir) to a writable directory")
        }
    }

    func emit(_ event: FetchEvent) {
        progress?(event)
    }
}
