import Foundation
import VisageCore

/// The errors every store backend throws for the same caller mistakes, so clients see one code
/// whatever database is behind the API.
public enum StorageErrors {
    public static func faceNotFound(_ id: Int64) -> VisageError {
        VisageError(.faceNotFound, "no face with id \(id)")
    }

    public static func clusterNotFound(_ id: String) -> VisageError {
        VisageError(.clusterNotFound, "no cluster with id \(id)")
    }

    public static func modelMismatch(faceID: Int64, faceModel: String, clusterID: String, clusterModel: String) -> VisageError {
        VisageError(
            .embeddingModelMismatch,
            "face \(faceID) was embedded by \(faceModel) but cluster \(clusterID) holds \(clusterModel) embeddings; embeddings of different models can't be compared"
        )
    }

    public static func selfLink() -> VisageError {
        VisageError(.invalidConstraint, "a face can't be linked to itself")
    }

    public static func modelMissing() -> VisageError {
        VisageError(.embeddingModelMissing, "faces can only be stored with the name of the model that embedded them")
    }

    public static func dimensionMismatch(got: Int, model: String, expected: Int) -> VisageError {
        VisageError(
            .embeddingDimensionMismatch,
            "a \(got)-dimensional embedding can't be stored with \(model)'s \(expected)-dimensional ones")
    }

    /// Names are trimmed; an empty one is refused rather than silently stored.
    public static func validName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VisageError(.invalidName, "a person's name can't be empty") }
        return trimmed
    }
}
