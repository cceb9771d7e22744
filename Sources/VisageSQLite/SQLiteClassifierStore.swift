import Foundation
import GRDB
import VisageCore
import VisageStorage

/// A row of `classifier_collection`: the last version number a collection was given.
private struct ClassifierCollectionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "classifier_collection"

    var collectionID: Int64
    var lastVersion: Int

    enum CodingKeys: String, CodingKey { case collectionID = "collection_id", lastVersion = "last_version" }
}

/// A row of `classifier_version`; the store hands out `StoredClassifierVersion` values.
private struct ClassifierVersionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "classifier_version"

    var collectionID: Int64
    var version: Int
    var embeddingTypes: String
    var dimensions: String
    var weights: Data
    var bias: Double
    var threshold: Double
    var regularization: Double
    var heldOutFraction: Double
    var seed: Int64
    var trainingPositives: Int
    var trainingNegatives: Int
    var truePositives: Int
    var falsePositives: Int
    var trueNegatives: Int
    var falseNegatives: Int
    var macroPrecision: Double
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case version, dimensions, weights, bias, threshold, regularization, seed
        case collectionID = "collection_id", embeddingTypes = "embedding_types", heldOutFraction = "held_out_fraction"
        case trainingPositives = "training_positives", trainingNegatives = "training_negatives"
        case truePositives = "true_positives", falsePositives = "false_positives"
        case trueNegatives = "true_negatives", falseNegatives = "false_negatives"
        case macroPrecision = "macro_precision", createdAt = "created_at"
    }

    enum SQLColumns {
        static let collectionID = Column(CodingKeys.collectionID)
        static let version = Column(CodingKeys.version)
    }

    init(_ value: StoredClassifierVersion) throws {
        (collectionID, version) = (value.collectionID, value.version)
        embeddingTypes = try Self.json(value.embeddingTypes)
        dimensions = try Self.json(value.dimensions)
        (weights, bias, threshold) = (EmbeddingBlob.encode(value.weights), value.bias, value.threshold)
        (regularization, heldOutFraction, seed) = (value.regularization, value.heldOutFraction, Int64(bitPattern: value.seed))
        let counts = value.counts
        (trainingPositives, trainingNegatives) = (counts.trainingPositives, counts.trainingNegatives)
        (truePositives, falsePositives, trueNegatives, falseNegatives) =
            (counts.truePositives, counts.falsePositives, counts.trueNegatives, counts.falseNegatives)
        (macroPrecision, createdAt) = (value.macroPrecision, value.createdAt)
    }

    /// The value, or `store_corrupt` when the weights do not match the dimensions.
    func value() throws -> StoredClassifierVersion {
        let types: [String], sizes: [Int]
        do {
            types = try JSONDecoder().decode([String].self, from: Data(embeddingTypes.utf8))
            sizes = try JSONDecoder().decode([Int].self, from: Data(dimensions.utf8))
        } catch {
            throw VisageError(.storeCorrupt, "classifier \(collectionID) version \(version) has unreadable embedding types")
        }
        let decoded = EmbeddingBlob.decode(weights)
        guard decoded.count == sizes.reduce(0, +) else {
            throw VisageError(
                .storeCorrupt, "classifier \(collectionID) version \(version) has \(decoded.count) weights for \(sizes.reduce(0, +)) features")
        }
        return StoredClassifierVersion(
            collectionID: collectionID, version: version, embeddingTypes: types, dimensions: sizes, weights: decoded, bias: bias,
            threshold: threshold, regularization: regularization, heldOutFraction: heldOutFraction, seed: UInt64(bitPattern: seed),
            counts: ClassifierCounts(
                trainingPositives: trainingPositives, trainingNegatives: trainingNegatives, truePositives: truePositives,
                falsePositives: falsePositives, trueNegatives: trueNegatives, falseNegatives: falseNegatives),
            macroPrecision: macroPrecision, createdAt: createdAt)
    }

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}

/// Collection classifiers live in the same file as the faces and keys.
extension SQLiteFaceStore: ClassifierStore {
    public func addClassifierVersion(
        _ version: StoredClassifierVersion, discard: @Sendable ([ClassifierStanding]) -> [Int]
    ) throws -> (stored: StoredClassifierVersion, discarded: [Int]) {
        try writeDatabase { db in
            var counter =
                try ClassifierCollectionRow.fetchOne(db, key: version.collectionID)
                ?? ClassifierCollectionRow(collectionID: version.collectionID, lastVersion: 0)
            counter.lastVersion += 1
            try counter.save(db)
            var stored = version
            stored.version = counter.lastVersion
            stored.createdAt = Date()
            try ClassifierVersionRow(stored).insert(db)
            let standings = try Row.fetchAll(
                db, sql: "SELECT version, macro_precision FROM classifier_version WHERE collection_id = ?", arguments: [version.collectionID]
            ).map { ClassifierStanding(version: $0["version"], macroPrecision: $0["macro_precision"]) }
            let discarded = discard(standings).sorted()
            try ClassifierVersionRow
                .filter(ClassifierVersionRow.SQLColumns.collectionID == version.collectionID)
                .filter(discarded.contains(ClassifierVersionRow.SQLColumns.version))
                .deleteAll(db)
            return (stored, discarded)
        }
    }

    public func classifierVersions(collectionID: Int64?) throws -> [StoredClassifierVersion] {
        try readDatabase { db in
            var request = ClassifierVersionRow.order(ClassifierVersionRow.SQLColumns.collectionID, ClassifierVersionRow.SQLColumns.version)
            if let collectionID { request = request.filter(ClassifierVersionRow.SQLColumns.collectionID == collectionID) }
            return try request.fetchAll(db).map { try $0.value() }
        }
    }

    public func classifierCollectionCount() throws -> Int {
        try readDatabase { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT collection_id) FROM classifier_version") ?? 0
        }
    }

    public func deleteClassifier(collectionID: Int64) throws -> Int {
        try writeDatabase { db in
            let count = try ClassifierVersionRow.filter(ClassifierVersionRow.SQLColumns.collectionID == collectionID).fetchCount(db)
            // The versions go with their counter (ON DELETE CASCADE).
            try ClassifierCollectionRow.deleteOne(db, key: collectionID)
            return count
        }
    }
}
