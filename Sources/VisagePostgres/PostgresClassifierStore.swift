import Foundation
import PostgresNIO
import VisageCore
import VisageStorage

/// Issue 14's collection classifiers in the shared database. A training run is one transaction
/// whose first statement steps the collection's counter row (`INSERT ... ON CONFLICT DO UPDATE
/// ... RETURNING`): the row lock it takes makes a second process adding to the same collection
/// wait until the first commits and then take the next number, so no two runs get one version
/// and a number is never given twice, even past deleted versions.
extension PostgresStore: ClassifierStore {
    public func addClassifierVersion(
        _ version: StoredClassifierVersion, discard: @Sendable ([ClassifierStanding]) -> [Int]
    ) throws -> (stored: StoredClassifierVersion, discarded: [Int]) {
        try database.transaction { session in
            let number = try session.fetch(
                """
                INSERT INTO classifier_collection (collection_id, last_version) VALUES (\(version.collectionID), 1)
                ON CONFLICT (collection_id) DO UPDATE SET last_version = classifier_collection.last_version + 1
                RETURNING last_version
                """, as: Int.self
            ).first
            guard let number else { throw VisageError(.storeFailed, "the PostgreSQL store returned no classifier version number") }
            var new = version
            new.version = number
            let stored = try ClassifierRows.one(
                session.rows(
                    """
                    INSERT INTO classifier_version (
                        collection_id, version, embedding_types, dimensions, weights, bias, threshold, regularization,
                        held_out_fraction, seed, training_positives, training_negatives, true_positives, false_positives,
                        true_negatives, false_negatives, macro_precision, created_at)
                    VALUES (
                        \(new.collectionID), \(number), \(new.embeddingTypes), \(new.dimensions)::integer[], \(new.weights),
                        \(new.bias), \(new.threshold), \(new.regularization), \(new.heldOutFraction), \(Int64(bitPattern: new.seed)),
                        \(new.counts.trainingPositives), \(new.counts.trainingNegatives), \(new.counts.truePositives),
                        \(new.counts.falsePositives), \(new.counts.trueNegatives), \(new.counts.falseNegatives),
                        \(new.macroPrecision), now())
                    RETURNING \(unescaped: ClassifierRows.columns)
                    """))
            guard let stored else { throw VisageError(.storeFailed, "the PostgreSQL store returned no added classifier version") }
            let standings = try session.fetch(
                "SELECT version, macro_precision FROM classifier_version WHERE collection_id = \(version.collectionID) ORDER BY version",
                as: (Int, Double).self
            ).map { ClassifierStanding(version: $0.0, macroPrecision: $0.1) }
            let doomed = discard(standings)
            guard !doomed.isEmpty else { return (stored, []) }
            let discarded = try session.fetch(
                """
                DELETE FROM classifier_version WHERE collection_id = \(version.collectionID) AND version = ANY(\(doomed)::integer[])
                RETURNING version
                """, as: Int.self)
            return (stored, discarded.sorted())
        }
    }

    public func classifierVersions(collectionID: Int64?) throws -> [StoredClassifierVersion] {
        try database.withSession { session in
            try ClassifierRows.decode(
                session.rows(
                    """
                    SELECT \(unescaped: ClassifierRows.columns) FROM classifier_version
                    WHERE \(collectionID)::bigint IS NULL OR collection_id = \(collectionID)
                    ORDER BY collection_id, version
                    """))
        }
    }

    public func classifierCollectionCount() throws -> Int {
        try database.withSession { session in
            try session.fetch("SELECT count(DISTINCT collection_id) FROM classifier_version", as: Int.self).first ?? 0
        }
    }

    public func deleteClassifier(collectionID: Int64) throws -> Int {
        try database.transaction { session in
            // The versions go with their counter (ON DELETE CASCADE); counted first, under the
            // counter's row lock, so a racing run can't add one between the count and the delete.
            let locked = try session.fetch(
                "SELECT collection_id FROM classifier_collection WHERE collection_id = \(collectionID) FOR UPDATE", as: Int64.self)
            guard !locked.isEmpty else { return 0 }
            let count =
                try session.fetch(
                    "SELECT count(*) FROM classifier_version WHERE collection_id = \(collectionID)", as: Int.self
                ).first ?? 0
            try session.execute("DELETE FROM classifier_collection WHERE collection_id = \(collectionID)")
            return count
        }
    }
}

/// `classifier_version` rows to `StoredClassifierVersion`s.
private enum ClassifierRows {
    static let columns = """
        collection_id, version, embedding_types, dimensions, weights, bias, threshold, regularization, held_out_fraction, seed,
        training_positives, training_negatives, true_positives, false_positives, true_negatives, false_negatives,
        macro_precision, created_at
        """

    static func one(_ rows: [PostgresRow]) throws -> StoredClassifierVersion? {
        try decode(rows).first
    }

    /// The values, or `store_corrupt` when a row's weights do not match its dimensions.
    static func decode(_ rows: [PostgresRow]) throws -> [StoredClassifierVersion] {
        try rows.map { row in
            let (
                collection, version, types, sizes, weights, bias, threshold, regularization, heldOut, seed,
                trainingPositives, trainingNegatives, truePositives, falsePositives, trueNegatives, falseNegatives, precision, created
            ) = try PostgresSession.decode(
                row,
                as: (
                    Int64, Int, [String], [Int], [Float], Double, Double, Double, Double, Int64,
                    Int, Int, Int, Int, Int, Int, Double, Date
                ).self)
            guard weights.count == sizes.reduce(0, +) else {
                throw VisageError(
                    .storeCorrupt,
                    "classifier \(collection) version \(version) has \(weights.count) weights for \(sizes.reduce(0, +)) features")
            }
            return StoredClassifierVersion(
                collectionID: collection, version: version, embeddingTypes: types, dimensions: sizes, weights: weights, bias: bias,
                threshold: threshold, regularization: regularization, heldOutFraction: heldOut, seed: UInt64(bitPattern: seed),
                counts: ClassifierCounts(
                    trainingPositives: trainingPositives, trainingNegatives: trainingNegatives, truePositives: truePositives,
                    falsePositives: falsePositives, trueNegatives: trueNegatives, falseNegatives: falseNegatives),
                macroPrecision: precision, createdAt: created)
        }
    }
}
