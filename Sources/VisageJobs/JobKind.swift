import Foundation
import VisageCore
import VisageInput
import VisageStorage

/// The kinds of job this Visage runs, and what each one's payload must be. Checked when a job is
/// submitted (by the API or the CLI), so a job that could never run is refused then, with a
/// stable code, rather than failing in a worker later.
public enum JobKind: String, Sendable, CaseIterable, Codable {
    /// Recognise every image under a folder (`{"folder": "/abs/path"}`).
    case ingestFolder = "ingest_folder"
    /// Recognise images fetched from URLs (`{"urls": ["https://..."]}`).
    case ingestURLs = "ingest_urls"
    /// Route every file under a folder through seed 003's media router (`{"folder": "/abs/path"}`).
    case routeMedia = "route_media"
    /// Re-embed stored faces with the current model, then recluster (`{"all": false}`).
    case reindex

    /// The kind named `name`; `unknown_job_kind` otherwise.
    public init(named name: String) throws {
        guard let kind = Self(rawValue: name) else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw VisageError(.unknownJobKind, "unknown job kind \"\(name.prefix(64))\"; kinds are \(known)")
        }
        self = kind
    }
}

/// What submitted payloads are checked against: the folders the server may read
/// (`VISAGE_INPUT_ROOTS`; none configured means any) and how many URLs one job may list.
public struct JobPayloadRules: Sendable {
    public var pathRoots: [String]
    public var maxURLs: Int

    public init(pathRoots: [String] = [], maxURLs: Int = 1000) {
        self.pathRoots = pathRoots
        self.maxURLs = maxURLs
    }
}

/// `ingest_folder`'s and `route_media`'s payload.
public struct FolderPayload: Codable, Sendable, Equatable {
    public var folder: String
}

/// `ingest_urls`' payload.
public struct URLListPayload: Codable, Sendable, Equatable {
    public var urls: [String]
}

/// `reindex`'s payload.
public struct ReindexPayload: Codable, Sendable, Equatable {
    public var all: Bool
}

extension JobKind {
    /// The payload checked and written canonically (sorted keys; a folder as its real path):
    /// `invalid_job_payload` for anything else, unknown fields included.
    public func canonicalPayload(_ json: Data, rules: JobPayloadRules) throws -> String {
        switch self {
        case .ingestFolder, .routeMedia:
            var payload = try JobPayloadReader.decode(FolderPayload.self, from: json, fields: ["folder"], kind: self)
            payload.folder = try Self.folder(payload.folder, rules: rules)
            return try JobJSON.encode(payload)
        case .ingestURLs:
            let payload = try JobPayloadReader.decode(URLListPayload.self, from: json, fields: ["urls"], kind: self)
            guard (1...rules.maxURLs).contains(payload.urls.count) else {
                throw VisageError(.invalidJobPayload, "urls must list 1 to \(rules.maxURLs) URLs, got \(payload.urls.count)")
            }
            for url in payload.urls {
                guard url.count <= 2048, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                    parsed.host?.isEmpty == false
                else { throw VisageError(.invalidJobPayload, "\"\(url.prefix(100))\" is not an http(s) URL of at most 2048 characters") }
            }
            return try JobJSON.encode(payload)
        case .reindex:
            let payload = try JobPayloadReader.decode(ReindexPayload.self, from: json, fields: ["all"], kind: self, optional: true)
            return try JobJSON.encode(payload ?? ReindexPayload(all: false))
        }
    }

    /// An absolute path to an existing folder inside the roots, as its real path.
    private static func folder(_ path: String, rules: JobPayloadRules) throws -> String {
        guard path.hasPrefix("/"), path.count <= 4096, !path.contains("\0") else {
            throw VisageError(.invalidJobPayload, "folder must be an absolute path, got \"\(path.prefix(100))\"")
        }
        let real: String
        do {
            real = try PathConfinement.resolve(path, roots: rules.pathRoots)
        } catch let error as VisageError where error.errorCode == .imageNotFound {
            throw VisageError(.invalidJobPayload, "folder \(path) does not exist")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw VisageError(.invalidJobPayload, "folder \(path) is not a folder")
        }
        return real
    }
}

/// Reads a payload strictly: a JSON object with only the kind's fields.
enum JobPayloadReader {
    static func decode<T: Decodable>(_ type: T.Type, from json: Data, fields: Set<String>, kind: JobKind) throws -> T {
        guard let value = try decode(type, from: json, fields: fields, kind: kind, optional: false) else {
            throw VisageError(.invalidJobPayload, "\(kind.rawValue) needs a payload")
        }
        return value
    }

    /// nil for an empty payload when `optional`.
    static func decode<T: Decodable>(_ type: T.Type, from json: Data, fields: Set<String>, kind: JobKind, optional: Bool) throws -> T? {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw VisageError(.invalidJobPayload, "the payload of \(kind.rawValue) must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            let known = fields.sorted().joined(separator: ", ")
            throw VisageError(.invalidJobPayload, "\(kind.rawValue) takes no field \"\(unknown.prefix(64))\" (its fields: \(known))")
        }
        if optional, object.isEmpty { return nil }
        do {
            return try JSONDecoder().decode(type, from: json)
        } catch {
            let known = fields.sorted().joined(separator: ", ")
            throw VisageError(.invalidJobPayload, "the payload of \(kind.rawValue) needs \(known) of the right types")
        }
    }
}

/// Payloads and results as stored: compact JSON with sorted keys.
public enum JobJSON {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw VisageError(.internalError, "a job value could not be written as JSON: \(error)")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch {
            throw VisageError(.invalidJobPayload, "the stored payload is not a \(type): \(error)")
        }
    }
}
