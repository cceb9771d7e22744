import Foundation
import VisageCore

/// `.lock.json` in the model directory: the SHA-256 first seen for each file whose manifest entry
/// publishes none (trust on first use). `verify` and later fetches check those files against it.
public struct ModelLock: Codable, Sendable, Equatable {
    public static let fileName = ".lock.json"

    public struct Entry: Codable, Sendable, Equatable {
        public let sha256: String
        public let size: Int64
        /// Where the bytes came from (URL, archive member or mirror path).
        public let source: String
        /// ISO 8601 time of the first fetch.
        public let recordedAt: String

        enum CodingKeys: String, CodingKey {
            case sha256, size, source
            case recordedAt = "recorded_at"
        }
    }

    public var schema: Int = 1
    public var files: [String: Entry] = [:]

    public init(files: [String: Entry] = [:]) {
        self.files = files
    }

    /// Reads the lock in `store`, or an empty lock if there is none.
    public static func load(from store: ModelStore) throws -> ModelLock {
        let url = store.lockFileURL
        guard FileManager.default.fileExists(atPath: url.path) else { return ModelLock() }
        do {
            return try JSONDecoder().decode(ModelLock.self, from: Data(contentsOf: url))
        } catch {
            throw VisageError(
                .modelLockInvalid,
                "cannot read \(url.path) (\(error)): delete it and run `visage models fetch` again to record fresh hashes")
        }
    }

    /// Writes the lock atomically into `store`.
    public func save(to store: ModelStore) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: store.lockFileURL, options: .atomic)
        } catch {
            throw VisageError(
                .modelInstallFailed,
                "cannot write \(store.lockFileURL.path): \(error.localizedDescription); check that the directory is writable")
        }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
