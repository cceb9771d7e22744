/// A model that is loaded and running: which job it does, what it is, and where it runs.
public struct LoadedModel: Sendable, Equatable {
    public let spec: ModelSpec
    /// The ONNX Runtime execution provider its session got ("CPUExecutionProvider", "CUDAExecutionProvider").
    public let executionProvider: String

    public init(spec: ModelSpec, executionProvider: String) {
        self.spec = spec
        self.executionProvider = executionProvider
    }

    public var role: ModelRole { spec.role }
    public var name: String { spec.name }
    public var file: String { spec.file }
    public var preprocessing: Preprocessing? { spec.preprocessing }
    /// "cuda" or "cpu", as `/health` names devices.
    public var device: String { executionProvider == "CUDAExecutionProvider" ? "cuda" : "cpu" }
}

/// What a feature can do when its models are loaded, as `/health`'s `models_loaded` reports it.
/// Person detection and DINOv2 join this list when their features define their `/health` keys.
public enum ModelCapability: String, Sendable, CaseIterable {
    case face, clip
    /// Seed 000 names captioning after the model it used (BLIP-2); the key is kept for its clients.
    case caption = "blip"

    /// The roles that must all be loaded for the capability to work (attributes are optional).
    public var requiredRoles: [ModelRole] {
        switch self {
        case .face: return [.faceDetector, .faceEmbedder]
        case .clip: return [.clipImageEncoder, .clipTextEncoder]
        case .caption: return [.captionEncoder, .captionDecoder]
        }
    }
}

/// The answer to "what is loaded?": the models by role, with their pack. `/health` and the
/// `models_used` of every response are read from here instead of from hard-coded lists.
public struct ModelRegistry: Sendable, Equatable {
    /// The pack the models came from (`models_used.pack`).
    public let packName: String
    /// One model per role, in role order.
    public let models: [LoadedModel]

    public init(packName: String, models: [LoadedModel]) {
        self.packName = packName
        self.models = models.sorted { $0.role < $1.role }
    }

    /// This registry with `more` models (the task API's captioner beside the face pack), a role
    /// already held keeping its model.
    public func adding(_ more: [LoadedModel]) -> ModelRegistry {
        ModelRegistry(packName: packName, models: models + more.filter { model(for: $0.role) == nil })
    }

    public func model(for role: ModelRole) -> LoadedModel? {
        models.first { $0.role == role }
    }

    /// `models_used`: the pack, and each loaded model's name under its role's usage key.
    public var modelsUsed: [String: String] {
        var used = ["pack": packName]
        for model in models { used[model.role.usageKey] = model.name }
        return used
    }

    /// `models_loaded`: for each capability, whether all the models it needs are loaded.
    public var modelsLoaded: [String: Bool] {
        var loaded: [String: Bool] = [:]
        for capability in ModelCapability.allCases {
            loaded[capability.rawValue] = capability.requiredRoles.allSatisfy { model(for: $0) != nil }
        }
        return loaded
    }
}
