import VisageCore
import VisageFaces
import VisageImaging
import VisageStorage

/// Turns what a user points at into reference faces: the chosen face of an image, or a face the
/// recognition library already holds.
public struct ReferenceIntake: Sendable {
    public let analyzer: FaceAnalyzer
    public let library: ReferenceLibrary

    public init(analyzer: FaceAnalyzer, library: ReferenceLibrary) {
        self.analyzer = analyzer
        self.library = library
    }

    /// Adds `choice`'s face of `image` as a reference of `personName`; `source` names the image
    /// (a path, a URL without its query, an upload's filename).
    public func add(
        personName: String, image: DecodedImage, source: String?, choice: ReferenceFaceChoice, actor: String?
    ) throws -> ReferenceFace {
        let faces = try analyzer.analyze(image, options: AnalysisOptions(embeddings: true))
        let face = faces[try choice.pick(from: faces)]
        guard let embedding = face.embedding else {
            throw VisageError(.embeddingMissing, "the chosen face has no embedding")
        }
        let new = NewReferenceFace(
            personName: personName, embedding: embedding, embeddingModel: analyzer.embeddingModelName,
            referenceImagePath: source, box: face.detection.box, quality: face.quality?.score)
        return try library.add([new], actor: actor)[0]
    }

    /// Adds a stored face of the recognition library (`imagePath`: its image's path).
    public func add(personName: String, storedFace face: StoredFace, imagePath: String?, actor: String?) throws -> ReferenceFace {
        let new = NewReferenceFace(
            personName: personName, embedding: face.embedding, embeddingModel: face.embeddingModel, referenceImagePath: imagePath,
            box: face.box, sourceFaceID: face.id, quality: face.quality)
        return try library.add([new], actor: actor)[0]
    }
}
