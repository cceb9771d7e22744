import Foundation
import VisageCore
import VisageSearch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes `HNSWVectorIndex`es and, given a directory, keeps their graphs there between runs.
///
/// Each saved index is two files named after the owner's index name: `<name>.hnsw` (hnswlib's
/// own file) and `<name>.json` (what it was saved for: the format, dimensions, the database's
/// `VectorSourceVersion` and the graph file's size). A saved graph is handed back only when all
/// of that matches what the database reports now and it loads with as many vectors as the
/// database holds; anything else (missing, stale, truncated, another format) gets nil, and the
/// owner rebuilds from the database, which stays the only source of truth. The description is
/// written last and removed first, so a save cut short leaves no pair that could pass.
public struct HNSWVectorIndexFactory: VectorIndexFactory {
    public static let formatVersion = 1
    public let parameters: HNSWParameters
    /// Where graphs are saved; nil keeps nothing between runs.
    public let directory: URL?

    public init(parameters: HNSWParameters = HNSWParameters(), directory: URL? = nil) {
        self.parameters = parameters
        self.directory = directory
    }

    public func makeIndex(dimensions: Int, capacity: Int) -> any VectorIndex {
        HNSWVectorIndex(dimensions: dimensions, capacity: capacity, parameters: parameters)
    }

    public func savedIndex(name: String, dimensions: Int, version: VectorSourceVersion) -> (any VectorIndex)? {
        guard let files = files(for: name),
            let data = try? Data(contentsOf: files.description),
            let saved = try? JSONDecoder().decode(SavedGraph.self, from: data),
            saved.format == Self.formatVersion, saved.dimensions == dimensions, saved.version == version,
            let attributes = try? FileManager.default.attributesOfItem(atPath: files.graph.path),
            (attributes[.size] as? NSNumber)?.int64Value == saved.graphBytes,
            let index = try? HNSWVectorIndex(
                loading: files.graph.path, dimensions: dimensions, capacity: version.count, parameters: parameters),
            index.count == version.count
        else { return nil }
        return index
    }

    public func save(_ index: any VectorIndex, name: String, version: VectorSourceVersion) throws {
        guard let files = files(for: name), let index = index as? HNSWVectorIndex else { return }
        let manager = FileManager.default
        try? manager.removeItem(at: files.description)
        guard index.hasGraph else {
            // An exact scan: nothing worth keeping, and an older graph must not come back.
            try? manager.removeItem(at: files.graph)
            return
        }
        try manager.createDirectory(at: files.graph.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = files.graph.appendingPathExtension("tmp")
        try? manager.removeItem(at: temporary)
        guard try index.save(to: temporary.path) else {
            // An exact scan: nothing worth keeping, and an older graph must not come back.
            try? manager.removeItem(at: files.graph)
            return
        }
        // rename(2) replaces the old graph in one step.
        guard rename(temporary.path, files.graph.path) == 0 else {
            throw VisageError(.internalError, "can't move the saved graph to \(files.graph.path): errno \(errno)")
        }
        let bytes = (try manager.attributesOfItem(atPath: files.graph.path)[.size] as? NSNumber)?.int64Value ?? -1
        let saved = SavedGraph(format: Self.formatVersion, dimensions: index.dimensions, version: version, graphBytes: bytes)
        try JSONEncoder().encode(saved).write(to: files.description, options: .atomic)
    }

    /// The files of `name`: its characters outside `[A-Za-z0-9._-]` become `_`, and a hash of the
    /// name keeps two names that differ only there apart.
    func files(for name: String) -> (graph: URL, description: URL)? {
        guard let directory else { return nil }
        let safe = String(name.unicodeScalars.map { Self.allowed.contains($0) ? Character($0) : "_" })
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let stem = "\(safe.prefix(100))-\(String(hash & 0xffff_ffff, radix: 16))"
        return (
            directory.appendingPathComponent("\(stem).hnsw"), directory.appendingPathComponent("\(stem).json")
        )
    }

    private static let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
}

/// What a saved graph was saved for.
private struct SavedGraph: Codable {
    var format: Int
    var dimensions: Int
    var version: VectorSourceVersion
    var graphBytes: Int64
}

/// The vector index configuration: `VISAGE_VECTOR_INDEX` (`auto`, `exact` or `hnsw`) and the
/// HNSW settings, read once by the composition root.
public enum VectorIndexConfiguration {
    /// The factory `VISAGE_VECTOR_INDEX` asks for: `exact` scans everything; `hnsw` builds a graph
    /// from the first vector; `auto` (the default) scans below `VISAGE_HNSW_EXACT_BELOW` vectors
    /// (10000) and builds a graph above. Graphs are saved in `directory` (nil: none kept).
    /// `VISAGE_HNSW_EF_SEARCH` sets the candidates a search collects (default 96). Throws
    /// `invalid_configuration` for a value out of range.
    public static func factory(
        directory: URL?, environment settings: EnvironmentSettings = EnvironmentSettings()
    ) throws -> any VectorIndexFactory {
        let mode = settings.string("VISAGE_VECTOR_INDEX")?.lowercased() ?? "auto"
        var parameters = HNSWParameters()
        if let ef = try settings.integer("VISAGE_HNSW_EF_SEARCH", in: 10...4096) { parameters.efSearch = ef }
        if let below = try settings.integer("VISAGE_HNSW_EXACT_BELOW", in: 0...100_000_000) { parameters.exactBelow = below }
        switch mode {
        case "exact":
            return ExactVectorIndexFactory()
        case "hnsw":
            parameters.exactBelow = 0
            return HNSWVectorIndexFactory(parameters: parameters, directory: directory)
        case "auto":
            return HNSWVectorIndexFactory(parameters: parameters, directory: directory)
        default:
            throw VisageError(
                .invalidConfiguration, "VISAGE_VECTOR_INDEX is \(mode); expected one of auto, exact, hnsw")
        }
    }
}
