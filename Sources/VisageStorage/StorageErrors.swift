import Foundation
import VisageCore

/// The errors every store backend throws for the same caller mistakes, so clients see one code
/// whatever database is behind the API.
public enum StorageErrors {
    public static func faceNotFound(_ id: Int64) -> VisageError {
        VisageError("face_not_found", "no face with id \(id)")
    }

    public static func clusterNotFound(_ id: String) -> VisageError {
        VisageError("cluster_not_found", "no cluster with id \(id)")
    }

    public static func modelMismatch(faceID: Int64, faceModel: String, clusterID: String, clusterModel: String) -> VisageError {
        VisageError("embedding_model_mismatch",
                    "face \(faceID) was embedded by \(faceModel) but cluster \(clusterID) holds \(clusterModel) embeddings; embeddings of different models can't be compared")
    }

    public static func selfLink() -> VisageError {
        VisageError("invalid_constraint", "a face can't be linked to itself")
    }

    public static func modelMissing() -> VisageError {
        VisageError("embedding_model_missing", "faces can only be stored with the name of the model that embedded them")
    }

    public static func dimensionMismatch(got: Int, model: String, expected: Int) -> VisageError {
        VisageError("embedding_dimension_mismatch",
                    "a \(got)-dimensional embedding can't be stored with \(model)'s \(expected)-dimensional ones")
    }

    /// Names are trimmed; an empty one is refused rather than silently stored.
    public static func validName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VisageError("invalid_name", "a person's name can't be empty") }
        return trimmed
    }
}
