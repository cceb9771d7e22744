import Foundation
import VisageCore

/// The PostgreSQL backend's stores over one database: API keys (`KeyStore`), web UI sessions
/// (`SessionStore`), seed 003's references (`ReferenceStore`) and routing (`RoutingStore`), and
/// issue 14's collection classifiers (`ClassifierStore`); the face database and image embeddings
/// are `PostgresFaceCollections` and `PostgresImageEmbeddings` over the same `PostgresDatabase`.
/// Many processes may share the database: every rule the stores keep is a constraint, a single
/// statement, or decided under a row lock held to the end of its transaction; never a
/// read-then-write in the process that another process could interleave with.
public final class PostgresStore: Sendable {
    public let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    /// Connects to `url` and migrates the schema.
    public convenience init(url: PostgresURL) throws {
        self.init(database: try PostgresDatabase(url: url))
    }
}
