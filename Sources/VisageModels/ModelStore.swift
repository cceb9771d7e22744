import Foundation
import VisageCore

/// The directory that holds installed model files, flat, each under its manifest file name.
public struct ModelStore: Sendable {
    /// Environment variable naming the model directory.
    public static let directoryEnvironmentKey = "VISAGE_MODEL_DIR"
    /// Environment variable naming a local mirror folder (laid out like shared/models).
    public static let mirrorEnvironmentKey = "VISAGE_MODEL_MIRROR"

    public let directory: URL

    public init(directory: URL) {
        self.directory = directory.standardizedFileURL
    }

    /// VISAGE_MODEL_DIR, or `$HOME/.cache/visage/models` when it is unset or empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ModelStore {
        if let dir = environment[directoryEnvironmentKey], !dir.isEmpty {
            return ModelStore(directory: URL(fileURLWithPath: expandTilde(dir), isDirectory: true))
        }
        let home =
            environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path
        return ModelStore(
            directory: URL(fileURLWithPath: home, isDirectory: true)
                .appendingPathComponent(".cache/visage/models", isDirectory: true))
    }

    /// Where the installed file `file` lives (whether or not it exists).
    public func path(for file: String) -> URL {
        directory.appendingPathComponent(file, isDirectory: false)
    }

    /// The lock file that records hashes first seen for files without a published sha256.
    public var lockFileURL: URL { path(for: ModelLock.fileName) }

    /// Files of `pack` that are not present (as non-empty regular files).
    public func missingFiles(of pack: ModelPack) -> [String] {
        pack.fileNames.filter { !isPresent($0) }
    }

    /// True when every file of the pack is present. (Presence only; `ModelFetcher.verify` hashes.)
    public func isInstalled(_ pack: ModelPack) -> Bool {
        missingFiles(of: pack).isEmpty
    }

    /// The pack's face file paths and specs, or `model_pack_not_installed` saying how to install
    /// it. Only the face pipeline's files are required: the other roles' loaders check their own
    /// files, so a directory fetched before a pack gained a role still serves faces.
    public func requireInstalled(_ pack: ModelPack) throws -> InstalledPack {
        let missing = pack.faceFileNames.filter { !isPresent($0) }
        guard missing.isEmpty else {
            throw VisageError(
                .modelPackNotInstalled,
                "pack '\(pack.name)' is not installed in \(directory.path) (missing: \(missing.joined(separator: ", "))): "
                    + "run `visage models fetch \(pack.name)`, or set \(Self.mirrorEnvironmentKey)=DIR to a folder laid out like shared/models "
                    + "and run `visage models fetch \(pack.name)` to copy from it offline, "
                    + "or set \(Self.directoryEnvironmentKey) to a directory that already holds these files")
        }
        return InstalledPack(
            pack: pack, directory: directory,
            detectorPath: path(for: pack.detector.file),
            embedderPath: path(for: pack.embedder.file),
            attributesPath: pack.attributes.map { path(for: $0.file) })
    }

    func isPresent(_ file: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path(for: file).path),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else { return false }
        return ((attributes[.size] as? NSNumber)?.int64Value ?? 0) > 0
    }

    private static func expandTilde(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }
}

/// A pack whose files are all present: paths to load plus the facts needed to run them.
public struct InstalledPack: Sendable, Equatable {
    public let pack: ModelPack
    public let directory: URL
    public let detectorPath: URL
    public let embedderPath: URL
    public let attributesPath: URL?

    public var name: String { pack.name }
    public var detector: DetectorSpec { pack.detector }
    public var embedder: EmbedderSpec { pack.embedder }
    public var attributes: AttributesSpec? { pack.attributes }
}
