import Foundation
import VisageCaptioning
import VisageClassifiers
import VisageCore
import VisageFaces
import VisageImaging
import VisageSemantic

/// Runs one request's tasks on its image. The person and face detectors run at most once, the
/// first time a task needs them, and every later task reuses what they found (and the crops cut
/// from it). Not thread-safe: one request, one thread (the blocking executor's).
public final class TaskRunner {
    let models: TaskModels
    let decoded: DecodedImage
    private var persons: Result<[PersonDetection], VisageError>?
    private var faces: Result<[AnalyzedFace], VisageError>?
    private var crops: [PixelBox: ImageCrop] = [:]
    /// Embeddings already computed, so `classify` reuses an `embed_*` task's (and the reverse).
    private var embeddings: [EmbeddingKey: (vector: [Float], crop: ImageCrop?)] = [:]

    /// Seed 001's default `max_length` for `describe_image`.
    public static let defaultMaxLength = 50

    public init(models: TaskModels, decoded: DecodedImage) {
        self.models = models
        self.decoded = decoded
    }

    /// Each task's result, in the order the tasks came.
    public func run(_ tasks: [AnalysisTask]) -> [(operationID: String, result: TaskResult)] {
        tasks.map { task in
            do {
                return (task.operationID, try result(for: task))
            } catch let error as VisageError {
                return (task.operationID, .error(error.message))
            } catch {
                return (task.operationID, .error("the task failed: \(error)"))
            }
        }
    }

    private func result(for task: AnalysisTask) throws -> TaskResult {
        let plan = try TaskPlan(task)
        if let why = models.unavailability(of: plan.operation) { return .error(why) }
        switch plan.operation {
        case .detectBoundingBox:
            let found = try plan.target == .prominentFace ? prominentFace(plan.faceContext)?.detection.box : prominentPerson()?.box
            return .success(found.map { .box(pixelBox($0)) })
        case .embedClipViTB32, .embedDinoV2, .embedFace:
            let type: EmbeddingType = plan.operation == .embedClipViTB32 ? .clip : plan.operation == .embedDinoV2 ? .dinov2 : .face
            let (vector, crop) = try embedding(type, target: plan.target, faceContext: plan.faceContext)
            return .success(.vector(vector), crop: crop)
        case .classify:
            return try classify(plan, collectionID: task.collectionID)
        case .describeImage:
            let captioner = models.captioner.model!
            var options = captioner.defaults
            options.maxLength = task.maxLength ?? TaskRunner.defaultMaxLength
            let (image, crop) = try region(plan.target, plan.faceContext)
            return .success(.text(try captioner.caption(image, options: try options.validated()).text), crop: crop)
        }
    }

    /// The collection's serving classifier on its embedding types of the task's target; the crop
    /// reported is the target's, as for an embedding of that target.
    private func classify(_ plan: TaskPlan, collectionID: Int?) throws -> TaskResult {
        guard let collectionID else {
            throw VisageError(.invalidRequest, "classify needs params.collection_id: the integer id of a trained collection classifier")
        }
        guard let library = models.classifiers else { return .error(models.unavailability(of: .classifier) ?? "no classifiers") }
        let classifier = try library.serving(Int64(collectionID))
        for type in classifier.layout.types {
            if let why = models.unavailability(of: type) {
                throw VisageError(
                    .modelPackNotInstalled,
                    "collection \(collectionID)'s classifier uses \(type.rawValue) embeddings, which this server cannot compute: \(why)")
            }
        }
        let parts = try self.embeddings(classifier.layout.types, target: plan.target, faceContext: plan.faceContext)
        let probability = try classifier.probability(embeddings: parts)
        let crop = try region(plan.target, plan.faceContext).1
        return .success(.classification(isInCollection: classifier.isInCollection(probability: probability), probability: probability), crop: crop)
    }

    // MARK: - Embeddings

    private struct EmbeddingKey: Hashable {
        let type: EmbeddingType
        /// Nil for `face`: the prominent face's embedding is the same whatever the target.
        let target: TaskTarget?
        let faceContext: FaceContext
    }

    /// Each type's embedding of `target`, as `classify` and training from images use them.
    public func embeddings(_ types: [EmbeddingType], target: TaskTarget, faceContext: FaceContext) throws -> [EmbeddingType: [Float]] {
        var parts: [EmbeddingType: [Float]] = [:]
        for type in types { parts[type] = try embedding(type, target: target, faceContext: faceContext).vector }
        return parts
    }

    /// One embedding and the crop it was computed on (nil for the whole image), computed once per
    /// request. CLIP and DINOv2 embed the target's region; `face` is the recognition embedding of
    /// the prominent face in `faceContext` (aligned as recognition aligns it), whatever the target.
    func embedding(_ type: EmbeddingType, target: TaskTarget, faceContext: FaceContext) throws -> (vector: [Float], crop: ImageCrop?) {
        let key = EmbeddingKey(type: type, target: type == .face ? nil : target, faceContext: faceContext)
        if let known = embeddings[key] { return known }
        let made: (vector: [Float], crop: ImageCrop?)
        switch type {
        case .clip, .dinov2:
            if let why = models.unavailability(of: type) { throw VisageError(.modelPackNotInstalled, why) }
            let (image, crop) = try region(target, faceContext)
            let vector = type == .clip ? try models.clip.model!.embed(images: [image])[0] : try models.dinov2.model!.embed(image)
            made = (vector, crop)
        case .face:
            let face = try requireFace(faceContext)
            let landmarks = face.detection.landmarks.scaled(by: decoded.scale)
            let aligned = decoded.image.aligned(landmarks, to: .arcFace112)
            made = (try models.faces.embed(alignedFaces: [aligned])[0], try crop(pixelBox(face.detection.box)))
        }
        embeddings[key] = made
        return made
    }

    // MARK: - Regions

    /// The pixels a target names, and the crop to report (nil for the whole image).
    private func region(_ target: TaskTarget, _ context: FaceContext) throws -> (RGBImage, ImageCrop?) {
        switch target {
        case .wholeImage:
            return (decoded.image, nil)
        case .prominentPerson:
            // No person: the whole image, as the seed says.
            guard let person = try prominentPerson() else { return (decoded.image, nil) }
            let crop = try crop(pixelBox(person.box))
            return (crop.image, crop)
        case .prominentFace:
            let crop = try crop(pixelBox(try requireFace(context).detection.box))
            return (crop.image, crop)
        }
    }

    private func requireFace(_ context: FaceContext) throws -> AnalyzedFace {
        guard let face = try prominentFace(context) else {
            throw VisageError(
                .faceNotDetected,
                context == .prominentPerson
                    ? "no face was found in the prominent person (or, with no person, in the image); face_context \"whole_image\" searches the whole image"
                    : "no face was found in the image")
        }
        return face
    }

    private func crop(_ box: PixelBox) throws -> ImageCrop {
        if let cached = crops[box] { return cached }
        let made = try ImageCrop(box, of: decoded)
        crops[box] = made
        return made
    }

    private func pixelBox(_ box: BoundingBox) -> PixelBox {
        PixelBox(covering: box, width: decoded.header.width, height: decoded.header.height)
    }

    // MARK: - Detections, once each

    private var fullWidth: Double { Double(decoded.header.width) }
    private var fullHeight: Double { Double(decoded.header.height) }

    /// The most prominent person (full-size pixels), nil when there is none.
    func prominentPerson() throws -> PersonDetection? {
        let people = try detectedPersons()
        let candidates = people.map { Prominence.Candidate(box: $0.box, confidence: $0.confidence) }
        return Prominence.mostProminent(candidates, width: fullWidth, height: fullHeight).map { people[$0] }
    }

    /// The most prominent face in `context`, nil when there is none. Inside a person, the faces
    /// whose centre is in the person's box compete in that box (its centre, not the image's), so
    /// that the person's own face wins over a neighbour's that the box happens to reach.
    func prominentFace(_ context: FaceContext) throws -> AnalyzedFace? {
        var candidates = try detectedFaces()
        var frame = BoundingBox(x: 0, y: 0, width: fullWidth, height: fullHeight)
        if context == .prominentPerson, let person = try prominentPerson() {
            frame = person.box
            candidates = candidates.filter {
                let centre = $0.detection.box.center
                return centre.x >= frame.x && centre.x <= frame.maxX && centre.y >= frame.y && centre.y <= frame.maxY
            }
        }
        let scored = candidates.map {
            let box = $0.detection.box
            return Prominence.Candidate(
                box: BoundingBox(x: box.x - frame.x, y: box.y - frame.y, width: box.width, height: box.height),
                confidence: $0.detection.confidence)
        }
        return Prominence.mostProminent(scored, width: frame.width, height: frame.height).map { candidates[$0] }
    }

    private func detectedPersons() throws -> [PersonDetection] {
        if persons == nil {
            persons = Result {
                guard let detector = models.persons.model else {
                    throw VisageError(.modelPackNotInstalled, models.unavailability(of: .personDetector) ?? "no person detector")
                }
                models.counter.record(.personDetector)
                let toFullSize = 1 / decoded.scale
                return try detector.detect(in: decoded.image).map {
                    PersonDetection(box: $0.box.scaled(by: toFullSize), confidence: $0.confidence)
                }
            }.mapError(Self.visageError)
        }
        return try persons!.get()
    }

    private func detectedFaces() throws -> [AnalyzedFace] {
        if faces == nil {
            faces = Result {
                models.counter.record(.faces)
                return try models.faces.analyze(decoded, options: AnalysisOptions(embeddings: false))
            }.mapError(Self.visageError)
        }
        return try faces!.get()
    }

    private static func visageError(_ error: any Error) -> VisageError {
        error as? VisageError ?? VisageError(.inferenceFailed, "detection failed: \(error)")
    }
}

/// A task checked against its operation: a known type, a target it takes, a known face context.
struct TaskPlan {
    let operation: TaskOperation
    let target: TaskTarget
    let faceContext: FaceContext

    init(_ task: AnalysisTask) throws {
        guard let operation = TaskOperation(rawValue: task.type) else {
            throw VisageError(
                .invalidRequest,
                "unknown operation type '\(task.type)'; GET /available_operations/ lists them: "
                    + TaskOperation.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let allowed = operation.allowedTargets.map(\.rawValue).joined(separator: ", ")
        let target = try task.target.map { name in
            guard let target = TaskTarget(rawValue: name), operation.allowedTargets.contains(target) else {
                throw VisageError(.invalidRequest, "\(operation.rawValue) does not take the target '\(name)'; it takes \(allowed)")
            }
            return target
        }
        let context = try task.faceContext.map { name in
            guard let context = FaceContext(rawValue: name) else {
                throw VisageError(.invalidRequest, "face_context '\(name)' is not one of prominent_person, whole_image")
            }
            return context
        }
        self.operation = operation
        self.target = target ?? operation.defaultTarget
        faceContext = context ?? .prominentPerson
    }
}
