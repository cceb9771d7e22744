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
            throw VisageError(
                .storeFailed, "the face database failed: \(error.message ?? "\(error.resultCode)") (SQLite \(error.extendedResultCode.rawValue))")
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

    static func corrupt(_ detail: String) -> VisageError {
        VisageError(.storeCorrupt, "a row of the face database could not be read: \(detail)")
    }
}
