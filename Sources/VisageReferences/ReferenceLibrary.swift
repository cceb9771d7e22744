import Foundation
import Synchronization
import VisageCore
import VisageStorage

/// The reference faces of the current embedding model, and the matcher over its active ones.
/// The matcher is built on first use and again after each change made through this library;
/// the database stays the only source of truth.
public final class ReferenceLibrary: Sendable {
    public let store: any ReferenceStore
    public let embeddingModel: String
    public let scale: ToleranceScale
    /// The matcher, with the generation it was built at; one lock for both, so a matcher read
    /// before a change is never kept after it.
    private let state = Mutex<(matcher: ReferenceMatcher?, generation: Int)>((nil, 0))

    public init(store: any ReferenceStore, embeddingModel: String, scale: ToleranceScale) {
        self.store = store
        self.embeddingModel = embeddingModel
        self.scale = scale
    }

    /// The matcher over the active references of the model.
    public func matcher() throws -> ReferenceMatcher {
        let (cached, generation) = state.withLock { ($0.matcher, $0.generation) }
        if let cached { return cached }
        let fresh = ReferenceMatcher(
            references: try store.references(personName: nil, activeOnly: true), model: embeddingModel, scale: scale)
        // Kept only if no change came in while the references were read.
        state.withLock { if $0.generation == generation { $0.matcher = fresh } }
        return fresh
    }

    public func add(_ faces: [NewReferenceFace], actor: String?) throws -> [ReferenceFace] {
        for face in faces where face.embeddingModel != embeddingModel {
            throw VisageError(
                .embeddingModelMismatch, "the face was embedded by \(face.embeddingModel); references here are of \(embeddingModel)")
        }
        // Names are trimmed, and an empty one refused, as for people.
        let named = try faces.map { face in
            var face = face
            face.personName = try StorageErrors.validName(face.personName)
            return face
        }
        defer { invalidate() }
        return try store.addReferences(named, actor: actor)
    }

    public func setActive(id: Int64, _ active: Bool, actor: String?) throws -> ReferenceFace {
        defer { invalidate() }
        guard let reference = try store.setReferenceActive(id: id, active, actor: actor) else { throw Self.notFound(id) }
        return reference
    }

    public func delete(id: Int64, actor: String?) throws {
        defer { invalidate() }
        guard try store.deleteReference(id: id, actor: actor) else { throw Self.notFound(id) }
    }

    public func references(personName: String?) throws -> [ReferenceFace] {
        try store.references(personName: personName, activeOnly: false)
    }

    /// Counts the changes made through this library: what was matched against an older
    /// generation may match differently now (the review queue's cached best guesses).
    public var generation: Int { state.withLock { $0.generation } }

    private func invalidate() {
        state.withLock { $0 = (nil, $0.generation + 1) }
    }

    static func notFound(_ id: Int64) -> VisageError {
        VisageError(.referenceNotFound, "there is no reference \(id)")
    }
}
