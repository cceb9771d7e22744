import Foundation
import VisageCaptioning
import VisageClassifiers
import VisageCore
import VisageFaces
import VisageInference
import VisageModels
import VisageSemantic

/// A model the task API may use: loaded, or missing with the sentence that says what to install.
public enum TaskModelSlot<Model: Sendable>: Sendable {
    case loaded(Model)
    case missing(String)

    public var model: Model? {
        if case .loaded(let model) = self { return model }
        return nil
    }
}

/// Everything seed 001's operations run on, loaded once by `visage serve`. A model that is not
/// installed is not a startup failure: its operations answer an `error` naming what to fetch, and
/// `GET /available_operations/` lists them as unavailable.
public struct TaskModels: Sendable {
    /// Immich's folder name for CLIP ViT-B/32 (the seed's `embed_clip_vit_b_32`).
    public static let clipFolderName = "ViT-B-32__openai"
    /// Hugging Face's dinov2-small exported to ONNX (`model.onnx`, `preprocessor_config.json`).
    public static let dinov2FolderName = "dinov2-small"
    /// Xenova's ONNX export of nlpconnect/vit-gpt2-image-captioning (`onnx/encoder_model.onnx`,
    /// `onnx/decoder_model_merged.onnx`, the configs and `vocab.json`).
    public static let captionerFolderName = "vit-gpt2-image-captioning"

    public let faces: FaceAnalyzer
    public let persons: TaskModelSlot<PersonDetector>
    public let clip: TaskModelSlot<CLIPModel>
    public let dinov2: TaskModelSlot<DINOv2Model>
    public let captioner: TaskModelSlot<ImageCaptioner>
    /// How many times each detector ran: one request runs each at most once.
    public let counter = DetectionCounter()
    /// The trained collection classifiers `classify` uses; nil where the server has no store.
    public var classifiers: ClassifierLibrary?

    public init(
        faces: FaceAnalyzer, persons: TaskModelSlot<PersonDetector>, clip: TaskModelSlot<CLIPModel>,
        dinov2: TaskModelSlot<DINOv2Model>, captioner: TaskModelSlot<ImageCaptioner> = .missing(notLoaded)
    ) {
        self.faces = faces
        self.persons = persons
        self.clip = clip
        self.dinov2 = dinov2
        self.captioner = captioner
    }

    /// Why a model is missing from a server built without `load`.
    public static let notLoaded = "this server was started without the task models (only the face models are loaded)"

    /// Only the face models: what a server built without `load` (a test, an embedding) runs.
    public static func facesOnly(_ faces: FaceAnalyzer) -> TaskModels {
        let why = notLoaded
        return TaskModels(faces: faces, persons: .missing(why), clip: .missing(why), dinov2: .missing(why), captioner: .missing(why))
    }

    /// Loads what `store` has: the pack's person detector, and the CLIP, DINOv2 and captioner
    /// folders (`clipFolder`, `dinov2Folder`, `captionerFolder`; by default `ViT-B-32__openai`,
    /// `dinov2-small` and `vit-gpt2-image-captioning` in the model directory).
    public static func load(
        faces: FaceAnalyzer, store: ModelStore, runtime: OnnxRuntime, options: SessionOptions, clipFolder: URL? = nil,
        dinov2Folder: URL? = nil, captionerFolder: URL? = nil
    ) -> TaskModels {
        let pack = faces.pack
        let persons: TaskModelSlot<PersonDetector>
        if let spec = pack.personDetector {
            persons = slot(
                missing: "the person detector (\(spec.file)) is not installed: run `visage models fetch \(pack.name)`",
                exists: FileManager.default.fileExists(atPath: store.path(for: spec.file).path)
            ) { try PersonDetector(spec: spec, store: store, runtime: runtime, options: options) }
        } else {
            persons = .missing("pack '\(pack.name)' has no person detector: run `visage models fetch lite` and serve the lite pack")
        }
        let clipFolder = clipFolder ?? store.directory.appendingPathComponent(clipFolderName)
        let clip = slot(
            missing: "the CLIP model is not installed: run `visage models fetch \(clipFolder.lastPathComponent)`, or put Immich's export "
                + "(visual/ and textual/, huggingface.co/immich-app/\(clipFolderName)) in \(clipFolder.path)",
            exists: FileManager.default.fileExists(atPath: clipFolder.path)
        ) { try CLIPModel(folder: clipFolder, runtime: runtime, options: options) }
        let dinov2Folder = dinov2Folder ?? store.directory.appendingPathComponent(dinov2FolderName)
        let dinov2 = slot(
            missing: "the DINOv2 model is not installed: run `visage models fetch \(dinov2FolderName)`, or put a Hugging Face export "
                + "(model.onnx and preprocessor_config.json, huggingface.co/onnx-community/dinov2-small) in \(dinov2Folder.path)",
            exists: FileManager.default.fileExists(atPath: dinov2Folder.path)
        ) { try DINOv2Model(folder: dinov2Folder, runtime: runtime, options: options) }
        let captionerFolder = captionerFolder ?? store.directory.appendingPathComponent(captionerFolderName)
        let captioner = slot(
            missing: "no image-captioning model is installed: run `visage models fetch \(captionerFolderName)`, or put Xenova's export "
                + "(huggingface.co/Xenova/\(captionerFolderName): onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx, "
                + "config.json, generation_config.json, preprocessor_config.json, vocab.json) in \(captionerFolder.path)",
            exists: FileManager.default.fileExists(atPath: captionerFolder.path)
        ) { try ImageCaptioner(folder: captionerFolder, runtime: runtime, options: options) }
        return TaskModels(faces: faces, persons: persons, clip: clip, dinov2: dinov2, captioner: captioner)
    }

    /// The loaded task models that `/health`'s `models_loaded` counts (CLIP's two encoders and the
    /// captioner's two roles), to add to the face analyzer's registry.
    public var loadedModels: [LoadedModel] {
        var loaded: [LoadedModel] = []
        if let clip = clip.model {
            loaded += [(ModelRole.clipImageEncoder, "visual/model.onnx"), (.clipTextEncoder, "textual/model.onnx")].map {
                LoadedModel(
                    spec: ModelSpec(role: $0.0, file: "\(clip.name)/\($0.1)", decoder: "clip", preprocessing: nil),
                    executionProvider: clip.executionProvider)
            }
        }
        if let captioner = captioner.model {
            loaded += [(ModelRole.captionEncoder, ImageCaptioner.encoderFile), (.captionDecoder, ImageCaptioner.decoderFile)].map {
                LoadedModel(
                    spec: ModelSpec(role: $0.0, file: "\(captioner.name)/\($0.1)", decoder: "vit-gpt2", preprocessing: nil),
                    executionProvider: captioner.executionProvider)
            }
        }
        return loaded
    }

    /// A model whose files are there but do not load is reported with the loader's reason.
    private static func slot<Model>(missing: String, exists: Bool, load: () throws -> Model) -> TaskModelSlot<Model> {
        guard exists else { return .missing(missing) }
        do {
            return .loaded(try load())
        } catch let error as VisageError {
            return .missing("the model is installed but does not load: \(error.message)")
        } catch {
            return .missing("the model is installed but does not load: \(error)")
        }
    }

    /// CLIP for seed 000's image search: the model, or 503 `model_not_installed` with the reason.
    public var clipEncoder: Result<CLIPModel, VisageError> {
        switch clip {
        case .loaded(let model): return .success(model)
        case .missing(let why): return .failure(VisageError(.modelNotInstalled, why))
        }
    }

    /// Why `model` cannot be used, nil when it can.
    public func unavailability(of model: TaskModel) -> String? {
        switch model {
        case .faces: return nil
        case .personDetector: if case .missing(let why) = persons { return why }
        case .clip: if case .missing(let why) = clip { return why }
        case .dinov2: if case .missing(let why) = dinov2 { return why }
        case .classifier: return classifierUnavailability
        case .captioner: if case .missing(let why) = captioner { return why }
        }
        return nil
    }

    /// `classify` is available once a classifier is trained for some collection: before that no
    /// `collection_id` could answer. Which embedding models a collection's classifier needs is
    /// checked when a task names it.
    private var classifierUnavailability: String? {
        guard let classifiers else { return "this server has no classifier store, so classify has no trained classifier to use" }
        do {
            guard try classifiers.isEmpty() else { return nil }
        } catch {
            return "the classifier store could not be read: \((error as? VisageError)?.message ?? String(describing: error))"
        }
        return "no collection classifier is trained yet: train one with POST /classifiers/{collection_id}/train or `visage classifiers train`"
    }

    /// Why embeddings of `type` cannot be computed here, nil when they can.
    public func unavailability(of type: EmbeddingType) -> String? {
        switch type {
        case .clip: return unavailability(of: TaskModel.clip)
        case .dinov2: return unavailability(of: TaskModel.dinov2)
        case .face: return unavailability(of: TaskModel.faces)
        }
    }

    /// Why `operation` cannot run at all, nil when it can (for some target).
    public func unavailability(of operation: TaskOperation) -> String? {
        operation.model.flatMap { unavailability(of: $0) }
    }
}

/// Counts detector runs (person, face): what the tests and the benchmark check reuse with.
public final class DetectionCounter: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var counts: [TaskModel: Int] = [:]

    public init() {}

    func record(_ model: TaskModel) {
        lock.lock()
        defer { lock.unlock() }
        counts[model, default: 0] += 1
    }

    /// Runs of `model`'s detector so far (`.personDetector` or `.faces`).
    public func runs(of model: TaskModel) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts[model] ?? 0
    }
}
