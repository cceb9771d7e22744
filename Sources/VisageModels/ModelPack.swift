import Foundation
import VisageCore

/// One named set of models by role. Every pack is a face pipeline: a face detector, a face
/// embedder and, optionally, a face attributes (gender/age) model, also available as typed views;
/// a pack may also list the roles of issue 14 (a person detector today).
/// Built from `model-packs.json` by `ModelManifest`.
public struct ModelPack: Sendable, Equatable {
    public let name: String
    public let description: String
    /// Licence terms of the weights, in words (e.g. "non-commercial research use only").
    public let license: String
    /// Every model of the pack, in role order (`ModelRole`'s declaration order).
    public let models: [ModelSpec]
    public let detector: DetectorSpec
    public let embedder: EmbedderSpec
    public let attributes: AttributesSpec?
    /// The person detector (issue 14), where the pack lists one.
    public let personDetector: PersonDetectorSpec?
    /// Every file the pack needs, in role order (detector first), without duplicates.
    public let fileNames: [String]

    /// Throws `model_manifest_invalid` when a face role is missing or its entry is unusable.
    public init(name: String, description: String, license: String, models: [ModelSpec]) throws {
        let sorted = models.sorted { $0.role < $1.role }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.role == later.role {
            throw VisageError(.modelManifestInvalid, "pack '\(name)' lists two \(later.role.rawValue) models")
        }
        func required(_ role: ModelRole) throws -> ModelSpec {
            guard let spec = sorted.first(where: { $0.role == role }) else {
                throw VisageError(
                    .modelManifestInvalid, "pack '\(name)' has no \(role.rawValue): every pack needs a face detector and a face embedder")
            }
            return spec
        }
        self.name = name
        self.description = description
        self.license = license
        self.models = sorted
        detector = try DetectorSpec(try required(.faceDetector), pack: name)
        embedder = try EmbedderSpec(try required(.faceEmbedder), pack: name)
        attributes = try sorted.first { $0.role == .faceAttributes }.map { try AttributesSpec($0, pack: name) }
        personDetector = try sorted.first { $0.role == .personDetector }.map { try PersonDetectorSpec($0, pack: name) }
        var names: [String] = []
        for file in sorted.map(\.file) where !names.contains(file) {
            names.append(file)
        }
        fileNames = names
    }

    /// The pack's model for `role`, if it has one.
    public func model(for role: ModelRole) -> ModelSpec? {
        models.first { $0.role == role }
    }

    /// The files of the face pipeline (detector, embedder, attributes): what `FaceAnalyzer` loads
    /// and `ModelStore.requireInstalled` checks, so a model directory fetched before a pack gained
    /// another role still serves faces.
    public var faceFileNames: [String] {
        var names: [String] = []
        for file in [detector.file, embedder.file] + (attributes.map { [$0.file] } ?? []) where !names.contains(file) {
            names.append(file)
        }
        return names
    }
}
