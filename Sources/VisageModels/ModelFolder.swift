import Foundation
import VisageCore

/// What a model folder holds, so a server knows which feature loads it.
public enum ModelFolderKind: String, Sendable, Codable, CaseIterable {
    /// CLIP image and text encoders in Immich's layout (`visual/`, `textual/`).
    case clip
    /// A DINOv2 image encoder as Hugging Face exports it (`model.onnx`, `preprocessor_config.json`).
    case dinov2
    /// An image-captioning encoder-decoder.
    case captioner
}

/// A model that is a folder rather than one file (CLIP, DINOv2, a captioner): its files keep the
/// layout their loader reads, under `<model directory>/<name>/`. Fetched like a pack's files
/// (mirror or download, sha256 or the lock's first-seen hash, atomic rename); the folder's name is
/// what a server looks for and what embeddings made with it are stored under.
public struct ModelFolder: Sendable, Equatable {
    public let name: String
    public let kind: ModelFolderKind
    public let description: String
    public let license: String
    public let home: String?
    /// Every file, named by its path in the model directory (`<name>/<path in the folder>`).
    public let files: [ModelFile]

    public init(name: String, kind: ModelFolderKind, description: String, license: String, home: String?, files: [ModelFile]) {
        self.name = name
        self.kind = kind
        self.description = description
        self.license = license
        self.home = home
        self.files = files
    }

    /// `path` as a file of the folder, refused unless it is a plain relative path inside it.
    static func checkedPath(_ path: String, folder: String) throws -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw VisageError(.modelManifestInvalid, "model folder '\(folder)' lists '\(path)', which is not a plain path inside the folder")
        }
        return folder + "/" + path
    }
}
