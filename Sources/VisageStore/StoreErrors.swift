import Foundation
import GRDB
import VisageCore

/// Turns what GRDB and SQLite throw into `VisageError`s with stable codes. `VisageError`s thrown by
/// the store itself, and errors thrown by a caller's own transaction body, pass through unchanged.
enum StoreErrors {
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw VisageError(.storeFailed, "the face database failed: \(error.message ?? "\(error.resultCode)") (SQLite \(error.extendedResultCode.rawValue))")
        } catch let error as RecordError {
            // A row vanished between a read and an update; the store's own transactions never
            // let that happen, so it means the file was changed behind the store's back.
            throw VisageError(.storeFailed, "the face database changed unexpectedly: \(error)")
        } catch let error as DecodingError {
            throw VisageError(.storeCorrupt, "a row of the face database could not be read: \(error)")
        } catch let error as EncodingError {
            throw VisageError(.storeFailed, "a value could not be written to the face database: \(error)")
        }
    }

    static func faceNotFound(_ id: Int64) -> VisageError {
        VisageError(.faceNotFound, "no face with id \(id)")
    }

    static func clusterNotFound(_ id: String) -> VisageError {
        VisageError(.clusterNotFound, "no cluster with id \(id)")
    }

    static func modelMismatch(faceID: Int64, faceModel: String, clusterID: String, clusterModel: String) -> VisageError {
        VisageError(.embeddingModelMismatch,
                    "face \(faceID) was embedded by \(faceModel) but cluster \(clusterID) holds \(clusterModel) embeddings; embeddings of different models can't be compared")
    }

    /// Names are trimmed; an empty one is refused rather than silently stored.
    static func validName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VisageError(.invalidName, "a person's name can't be empty") }
        return trimmed
    }
}
