import Foundation
import VisageCore

/// The catalogue of model packs and files, read from `model-packs.json` (bundled with the module).
public struct ModelManifest: Decodable, Sendable {
    /// 2: packs list their models by role (`"models": {"face_detector": {...}}`).
    public static let supportedSchema = 2
    /// Environment variable that overrides `defaultPack`.
    public static let packEnvironmentKey = "VISAGE_PACK"

    public let schema: Int
    /// Pack used when none is named (before VISAGE_PACK is considered).
    public let defaultPack: String
    public let packs: [String: ModelPack]
    public let files: [String: ModelFile]
    public let archives: [String: ModelArchive]
    /// Models that are folders (CLIP, DINOv2, captioners), by the folder's name.
    public let folders: [String: ModelFolder]

    /// Pack names, sorted, default first.
    public var packNames: [String] {
        packs.keys.sorted { lhs, rhs in
            if lhs == defaultPack { return rhs != defaultPack }
            if rhs == defaultPack { return false }
            return lhs < rhs
        }
    }

    /// The manifest shipped with Visage.
    public static func bundled() throws -> ModelManifest {
        guard let url = Bundle.module.url(forResource: "model-packs", withExtension: "json") else {
            throw VisageError(
                .modelManifestInvalid,
                "model-packs.json is missing from the VisageModels resource bundle: reinstall or rebuild Visage")
        }
        return try load(contentsOf: url)
    }

    public static func load(contentsOf url: URL) throws -> ModelManifest {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw VisageError(
                .modelManifestInvalid,
                "cannot read the model manifest \(url.path): \(error.localizedDescription)")
        }
        return try decode(data, source: url.path)
    }

    /// Decodes a manifest from JSON bytes (tests build their own manifests this way).
    public static func decode(_ data: Data, source: String = "model manifest") throws -> ModelManifest {
        do {
            return try JSONDecoder().decode(ModelManifest.self, from: data)
        } catch let error as VisageError {
            throw error
        } catch {
            throw VisageError(.modelManifestInvalid, "\(source) is not a valid model manifest: \(error)")
        }
    }

    // MARK: - Lookup

    /// The pack called `name`, or `model_pack_unknown` naming the packs there are.
    public func pack(named name: String) throws -> ModelPack {
        guard let pack = packs[name] else {
            throw VisageError(
                .modelPackUnknown,
                "there is no model pack '\(name)': choose one of \(packNames.joined(separator: ", ")) (see `visage models list`)")
        }
        return pack
    }

    /// The default pack's name: VISAGE_PACK if set and not empty, else the manifest's default.
    public func defaultPackName(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let chosen = environment[Self.packEnvironmentKey]?.trimmingCharacters(in: .whitespaces), !chosen.isEmpty {
            return chosen
        }
        return defaultPack
    }

    /// The pack called `name`, or the default pack (VISAGE_PACK, then the manifest) when `name` is nil.
    public func resolvePack(
        named name: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ModelPack {
        if let name { return try pack(named: name) }
        let chosen = defaultPackName(environment: environment)
        guard let pack = packs[chosen] else {
            throw VisageError(
                .modelPackUnknown,
                "\(Self.packEnvironmentKey)=\(chosen) names no model pack: set it to one of \(packNames.joined(separator: ", ")), or unset it to use '\(defaultPack)'"
            )
        }
        return pack
    }

    /// The model folder called `name`, or `model_pack_unknown` naming the packs and folders there are.
    public func folder(named name: String) throws -> ModelFolder {
        guard let folder = folders[name] else {
            throw VisageError(
                .modelPackUnknown,
                "there is no model pack or folder '\(name)': packs are \(packNames.joined(separator: ", ")); "
                    + "folders are \(folders.keys.sorted().joined(separator: ", ")) (see `visage models list`)")
        }
        return folder
    }

    /// The manifest entry for a file a pack names (always present: decoding checks it).
    public func file(named name: String) throws -> ModelFile {
        guard let file = files[name] else {
            throw VisageError(.modelManifestInvalid, "the model manifest lists no file '\(name)'")
        }
        return file
    }

    // MARK: - Decoding

    private enum CodingKeys: String, CodingKey {
        case schema, packs, files, archives
        case defaultPack = "default_pack"
        case folders = "model_folders"
    }

    private struct RawFolder: Decodable {
        let kind: ModelFolderKind
        let description: String
        let license: String
        let home: String?
        /// Keyed by the file's path inside the folder.
        let files: [String: RawFolderFile]
    }

    private struct RawFolderFile: Decodable {
        let url: String?
        let sha256: String?
        let size: Int64?
    }

    private struct RawPack: Decodable {
        let description: String
        let license: String
        /// Keyed by `ModelRole` raw name.
        let models: [String: ModelSpec.Entry]
    }

    private struct RawFile: Decodable {
        let sha256: String?
        let size: Int64?
        let mirrorPath: String
        let url: String?
        let archives: [ArchiveMember]?
        let home: String?
        let note: String?
        let license: String?

        enum CodingKeys: String, CodingKey {
            case sha256, size, url, archives, home, note, license
            case mirrorPath = "mirror_path"
        }
    }

    private struct RawArchive: Decodable {
        let url: String
        let sha256: String?
        let size: Int64?
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schema = try container.decode(Int.self, forKey: .schema)
        guard schema == Self.supportedSchema else {
            throw VisageError(
                .modelManifestInvalid,
                "model manifest schema \(schema) is not supported (this Visage reads schema \(Self.supportedSchema)): upgrade Visage")
        }
        defaultPack = try container.decode(String.self, forKey: .defaultPack)

        let rawArchives = try container.decodeIfPresent([String: RawArchive].self, forKey: .archives) ?? [:]
        var archives: [String: ModelArchive] = [:]
        for (name, raw) in rawArchives {
            archives[name] = ModelArchive(
                name: name, url: try Self.parseURL(raw.url, what: "archive '\(name)'"),
                sha256: try Self.checkedHash(raw.sha256, what: "archive '\(name)'"),
                size: raw.size)
        }
        self.archives = archives

        let rawFiles = try container.decode([String: RawFile].self, forKey: .files)
        var files: [String: ModelFile] = [:]
        for (name, raw) in rawFiles {
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw VisageError(.modelManifestInvalid, "model file name '\(name)' must be a plain file name")
            }
            let members = raw.archives ?? []
            for member in members where archives[member.archive] == nil {
                throw VisageError(
                    .modelManifestInvalid,
                    "file '\(name)' names archive '\(member.archive)', which the manifest's archives do not list")
            }
            files[name] = ModelFile(
                name: name,
                sha256: try Self.checkedHash(raw.sha256, what: "file '\(name)'"),
                size: raw.size, mirrorPath: raw.mirrorPath,
                url: try raw.url.map { try Self.parseURL($0, what: "file '\(name)'") },
                archives: members, home: raw.home, note: raw.note, license: raw.license)
        }
        self.files = files

        let rawPacks = try container.decode([String: RawPack].self, forKey: .packs)
        var packs: [String: ModelPack] = [:]
        for (name, raw) in rawPacks {
            let models = try raw.models.map { key, entry in
                guard let role = ModelRole(rawValue: key) else {
                    throw VisageError(
                        .modelManifestInvalid,
                        "pack '\(name)' lists a model as '\(key)', which is not a role (roles: \(ModelRole.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                return try ModelSpec(role: role, entry: entry, pack: name)
            }
            let pack = try ModelPack(name: name, description: raw.description, license: raw.license, models: models)
            for file in pack.fileNames where files[file] == nil {
                throw VisageError(
                    .modelManifestInvalid,
                    "pack '\(name)' needs '\(file)', which the manifest's files do not list")
            }
            packs[name] = pack
        }
        self.packs = packs

        let rawFolders = try container.decodeIfPresent([String: RawFolder].self, forKey: .folders) ?? [:]
        var folders: [String: ModelFolder] = [:]
        for (name, raw) in rawFolders {
            guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), packs[name] == nil else {
                throw VisageError(.modelManifestInvalid, "model folder name '\(name)' must be a plain name that is not also a pack's")
            }
            let files = try raw.files.keys.sorted().map { path in
                let file = raw.files[path]!
                let installed = try ModelFolder.checkedPath(path, folder: name)
                return ModelFile(
                    name: installed, sha256: try Self.checkedHash(file.sha256, what: "file '\(installed)'"), size: file.size,
                    mirrorPath: installed, url: try file.url.map { try Self.parseURL($0, what: "file '\(installed)'") },
                    home: raw.home, license: raw.license)
            }
            folders[name] = ModelFolder(
                name: name, kind: raw.kind, description: raw.description, license: raw.license, home: raw.home, files: files)
        }
        self.folders = folders
        guard packs[defaultPack] != nil else {
            throw VisageError(.modelManifestInvalid, "default_pack '\(defaultPack)' is not one of the manifest's packs")
        }
    }

    private static func parseURL(_ text: String, what: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            ["https", "http", "file"].contains(scheme)
        else {
            throw VisageError(.modelManifestInvalid, "\(what) has an unusable URL '\(text)'")
        }
        return url
    }

    private static func checkedHash(_ text: String?, what: String) throws -> String? {
        guard let text else { return nil }
        let hex = text.lowercased()
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else {
            throw VisageError(.modelManifestInvalid, "\(what) has a sha256 that is not 64 hex digits: '\(text)'")
        }
        return hex
    }
}
