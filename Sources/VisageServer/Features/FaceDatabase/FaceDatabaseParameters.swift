import VisageCore
import VisageInput
import VisageStorage

/// The face database's request fields, checked with the API's error codes.
enum FaceDatabaseParameters {
    /// A search returns at most this many matches per query face.
    static let maxTopK = 1000

    static func collection(_ value: String?) throws -> String {
        try CollectionName.validated(value ?? CollectionName.defaultName)
    }

    /// `top_k` (default 10), from 1 to `maxTopK`.
    static func topK(_ value: Int?) throws -> Int {
        let topK = value ?? 10
        guard (1...maxTopK).contains(topK) else { throw VisageError(.invalidRequest, "top_k must be from 1 to \(maxTopK)") }
        return topK
    }

    /// `max_distance` (Euclidean between unit embeddings, 0 to 2) or `min_similarity` (cosine,
    /// -1 to 1), at most one; nil leaves the model's default.
    static func threshold(maxDistance: Double?, minSimilarity: Double?) throws -> Float? {
        switch (maxDistance, minSimilarity) {
        case (nil, nil): return nil
        case (let distance?, nil):
            guard (0...2).contains(distance) else { throw VisageError(.invalidRequest, "max_distance must be from 0 to 2") }
            return CollectionMatch.similarity(forDistance: Float(distance))
        case (nil, let similarity?):
            guard (-1...1).contains(similarity) else { throw VisageError(.invalidRequest, "min_similarity must be from -1 to 1") }
            return Float(similarity)
        default: throw VisageError(.invalidRequest, "give max_distance or min_similarity, not both")
        }
    }

    /// What `file` is when the caller leaves it out: the upload's name, the URL or path, or the id.
    static func defaultFile(_ input: ImageInput, imageID: String) -> String {
        switch input {
        case .bytes(_, let filename?) where !filename.isEmpty: return filename
        case .url(let url): return url
        case .path(let path): return path
        default: return imageID
        }
    }

    static func unknownImage(_ imageID: String, collection: String) -> VisageError {
        VisageError(.imageUnknown, "collection \(collection) has no image \(imageID)")
    }
}
