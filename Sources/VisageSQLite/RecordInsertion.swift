import GRDB

extension EncodableRecord where Self: TableRecord {
    /// Inserts every column but `id`, so SQLite assigns the id, and returns that id.
    ///
    /// This lets the public record types keep a non-optional `id`: a record is built with a
    /// placeholder id, inserted, and given the real one.
    func insertAssigningID(_ db: Database) throws -> Int64 {
        var values = try databaseDictionary
        values.removeValue(forKey: "id")
        let columns = values.keys.sorted()
        let columnList = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        // Cached: bulk imports insert thousands of rows of one type in a transaction.
        let statement = try db.cachedStatement(
            sql:
                "INSERT INTO \(Self.databaseTableName.quotedDatabaseIdentifier) (\(columnList)) VALUES (\(databaseQuestionMarks(count: columns.count)))"
        )
        try statement.execute(arguments: StatementArguments(columns.map { values[$0]! }))
        return db.lastInsertedRowID
    }
}
