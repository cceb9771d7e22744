import VisageStorage

/// A face's nearest reference person, on the seed's distance scale.
public struct ReferenceMatch: Sendable, Equatable {
    public var personName: String
    /// Seed-scale distance to that person's closest active reference (`ToleranceScale`).
    public var distance: Double
    public var referenceID: Int64

    public var confidence: Double { ToleranceScale.confidence(distance: distance) }
}

/// Matches embeddings against the active references of one embedding model. A person's
/// distance is that of their closest reference: references are the user's chosen good photos,
/// and a face need only look like one of them (as face_recognition's `compare_faces` does).
/// References are few (tens per person), so every one is compared.
public struct ReferenceMatcher: Sendable {
    private let references: [ReferenceFace]
    public let scale: ToleranceScale

    /// `references` of other models, or inactive ones, are left out.
    public init(references: [ReferenceFace], model: String, scale: ToleranceScale) {
        self.references = references.filter { $0.isActive && $0.embeddingModel == model }
        self.scale = scale
    }

    public var isEmpty: Bool { references.isEmpty }
    public var personNames: Set<String> { Set(references.map(\.personName)) }

    /// The closest person (only `personName`'s references when given), whatever the distance;
    /// nil when there is no reference to compare with.
    public func nearest(_ embedding: [Float], personName: String? = nil) -> ReferenceMatch? {
        var best: ReferenceMatch?
        for reference in references where personName == nil || reference.personName == personName {
            guard reference.embedding.count == embedding.count else { continue }
            var dot: Float = 0
            for index in embedding.indices { dot += embedding[index] * reference.embedding[index] }
            let distance = scale.distance(similarity: Double(dot))
            if best.map({ distance < $0.distance }) ?? true {
                best = ReferenceMatch(personName: reference.personName, distance: distance, referenceID: reference.id)
            }
        }
        return best
    }

    /// The closest person for each person that has references, closest first.
    public func perPerson(_ embedding: [Float], personName: String? = nil) -> [ReferenceMatch] {
        let names = personName.map { [$0] } ?? Array(personNames)
        return names.compactMap { nearest(embedding, personName: $0) }.sorted { $0.distance < $1.distance }
    }
}
